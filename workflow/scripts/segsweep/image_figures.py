"""Every figure of one image, drawn in one Snakemake job.

A figure takes well under a second to draw, and starting a job (Python, Snakemake's script
preamble, matplotlib) costs about as much again. So each image gets one job that reads the
photo, the tables and the label maps once and draws, for every colour space, the recoloured
and label-map grids and the edges figure, then the elbow and picked-k charts, the scatter and
mask figures and the RGBA cut-outs. The drawing itself lives in :mod:`segsweep.figures` and
:mod:`segsweep.detail_figures`; this module only picks what goes into each figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from segsweep.detail_figures import (
    chebyshev_background,
    cluster_masks_figure,
    corner_cluster,
    cutout,
    picks_figure,
    scatter3d_figure,
    scatter_figure,
)
from segsweep.figures import (
    canny_edges,
    displayable,
    edges_figure,
    elbow_figure,
    save_figure,
    segmentation_grid,
)
from segsweep.selection import chosen_map, nearest_fitted_k

#: Label maps of one image: (space, method) -> {k: label map}.
LabelMaps = Mapping[tuple[str, str], dict[int, np.ndarray]]


def grid_maps(
    label_maps: LabelMaps, space: str, methods: Sequence[str], ks: Sequence[int]
) -> dict[tuple[str, int], np.ndarray]:
    """(method, k) -> label map for the segmentation grids of one space.

    A method without k has one segmentation; it goes in the first column.
    """
    cells = {}
    for method in methods:
        by_k = label_maps[(space, method)]
        if len(by_k) == 1 and next(iter(by_k)) not in ks:
            by_k = {ks[0]: next(iter(by_k.values()))}
        cells.update({(method, k): by_k[k] for k in ks if k in by_k})
    return cells


def draw_space(rgb, edges, label_maps: LabelMaps, picks, image, space, methods, ks, params, output):
    """Recolour grid, label-map grid and edges figure (over Canny ``edges``) of one space."""
    cells = grid_maps(label_maps, space, methods, ks)
    for kind, what in (("recolour", "cluster mean colours"), ("labels", "label maps")):
        title = f"{image}, {space} space: {what} (seed {params.seed})"
        fig = segmentation_grid(rgb, cells, methods, ks, kind, title=title)
        save_figure(fig, output[f"{space}_{kind}"])
    segmentations = []
    for method in methods:
        k, labels = chosen_map(label_maps[(space, method)], picks, space, method, params.k)
        segmentations.append((f"{method}, k = {k}", labels))
    title = f"{image}, {space} space: edges and segment boundaries"
    save_figure(edges_figure(rgb, edges, segmentations, title=title), output[f"{space}_edges"])


def draw_details(rgb, features, labels, channels, seed, what, output) -> None:
    """Channel-pair scatter, 3-D scatter and cluster masks of one segmentation."""
    save_figure(
        scatter_figure(features, rgb, labels, channels, seed, f"{what}: pixels (sample)"),
        output.scatter,
    )
    if len(channels) == 3:
        fig = scatter3d_figure(features, rgb, labels, channels, seed, f"{what}: pixels in 3-D")
    else:
        fig = scatter_figure(features, rgb, labels, channels, seed, f"{what}: pixels")
    save_figure(fig, output.scatter3d)
    save_figure(cluster_masks_figure(rgb, labels, f"{what}: clusters and masks"), output.clusters)


def image_figures_main(snakemake) -> None:
    """Snakemake entry: every per-image figure and the two cut-outs of one image."""
    from segsweep.features import CHANNELS, to_features
    from segsweep.ingest import load_standard_form, write_png
    from segsweep.labelmaps import load_label_maps, maps_by_k
    from segsweep.selection import merge_tables, pick_k
    from segsweep.storage import read_csv

    params, output = snakemake.params, snakemake.output
    image = displayable(snakemake.wildcards.image)  # for titles
    rgb, _ = load_standard_form(snakemake.input.standard)
    fits = merge_tables([read_csv(path) for path in snakemake.input.fits])
    picks = pick_k(fits)
    label_maps = {}
    for method, path in zip(params.methods, snakemake.input.labels, strict=True):
        stored = load_label_maps(path)
        for space in {key[0] for key in stored}:
            label_maps[(space, method)] = maps_by_k(stored, space, params.seed)
    ks = list(params.ks)
    edges = canny_edges(rgb, params.sigma)  # of the photo, the same in every space
    for space in params.spaces:
        methods = params.methods_in_space[space]
        draw_space(rgb, edges, label_maps, picks, image, space, methods, ks, params, output)

    save_figure(elbow_figure(fits, picks, title=f"{image}: elbow curves"), output.elbow)
    save_figure(picks_figure(picks, f"{image}: k picked by each criterion"), output.picks)

    space, method = params.detail_space, params.detail_method
    k, labels = chosen_map(label_maps[(space, method)], picks, space, method, params.k)
    what = f"{image}: {method} in {space}, k = {k}"
    draw_details(rgb, to_features(rgb, space), labels, CHANNELS[space], params.seed, what, output)

    by_k = label_maps[(space, method)]
    cutout_k = nearest_fitted_k(by_k, params.cutout_k)
    write_png(output.cutout, cutout(rgb, corner_cluster(by_k[cutout_k])))
    write_png(output.baseline, cutout(rgb, chebyshev_background(rgb)))


#: Snakemake entry of each rule this module serves (see :func:`segsweep.entry.run_rule`).
RULES = {"plot_image": image_figures_main}
