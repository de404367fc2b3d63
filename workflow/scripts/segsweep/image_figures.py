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
from segsweep.selection import chosen_map, nearest_fitted, value_label

#: Label maps of one image: (space, method) -> {swept value: label map}.
LabelMaps = Mapping[tuple[str, str], dict[float, np.ndarray]]


def grid_maps(
    label_maps: LabelMaps, space: str, methods: Sequence[str]
) -> tuple[dict[tuple[str, float], np.ndarray], dict[str, list[float]]]:
    """The cells of one space's segmentation grids: (method, value) -> label map, and each
    method's swept values in column order."""
    cells, columns = {}, {}
    for method in methods:
        by_value = label_maps[(space, method)]
        columns[method] = sorted(by_value)
        cells.update({(method, value): labels for value, labels in by_value.items()})
    return cells, columns


def draw_space(rgb, edges, label_maps: LabelMaps, picks, image, space, methods, params, output):
    """Recolour grid, label-map grid and edges figure (over Canny ``edges``) of one space."""
    cells, columns = grid_maps(label_maps, space, methods)
    for kind, what in (("recolour", "cluster mean colours"), ("labels", "label maps")):
        title = f"{image}, {space} space: {what} (seed {params.seed})"
        fig = segmentation_grid(rgb, cells, columns, params.parameters, kind, title=title)
        save_figure(fig, output[f"{space}_{kind}"])
    segmentations = []
    for method in methods:
        parameter = params.parameters[method]
        value, labels = chosen_map(
            label_maps[(space, method)], picks, space, method, params.k, parameter
        )
        segmentations.append((f"{method}, {value_label(parameter, value)}", labels))
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
    from segsweep.labelmaps import load_label_maps, maps_by_value
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
            label_maps[(space, method)] = maps_by_value(stored, space, params.seed)
    edges = canny_edges(rgb, params.sigma)  # of the photo, the same in every space
    for space in params.spaces:
        methods = params.methods_in_space[space]
        draw_space(rgb, edges, label_maps, picks, image, space, methods, params, output)

    save_figure(elbow_figure(fits, picks, title=f"{image}: elbow curves"), output.elbow)
    save_figure(picks_figure(picks, f"{image}: k picked by each criterion"), output.picks)

    space, method = params.detail_space, params.detail_method
    parameter, by_value = params.parameters[method], label_maps[(space, method)]
    value, labels = chosen_map(by_value, picks, space, method, params.k, parameter)
    what = f"{image}: {method} in {space}, {value_label(parameter, value)}"
    draw_details(rgb, to_features(rgb, space), labels, CHANNELS[space], params.seed, what, output)

    # The cut-out's k applies to a method swept over k; another keeps the drawn segmentation.
    cutout_value = nearest_fitted(by_value, params.cutout_k) if parameter == "k" else value
    write_png(output.cutout, cutout(rgb, corner_cluster(by_value[cutout_value])))
    write_png(output.baseline, cutout(rgb, chebyshev_background(rgb)))


#: Snakemake entry of each rule this module serves (see :func:`segsweep.entry.run_rule`).
RULES = {"plot_image": image_figures_main}
