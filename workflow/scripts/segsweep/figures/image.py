"""Figures of one image: segmentation grids over the swept values, elbow curves, the picked
k, segment boundaries over Canny edges, ground truth beside the best fit, pixel scatter plots,
cluster masks and the background-removal cut-outs beside the Chebyshev-threshold baseline.

Each ``*_figure`` function takes arrays and tables and returns a matplotlib Figure. The
Snakemake entry at the end decides what each image's figures show. A figure takes a fraction
of a second to draw, and starting a job (Python, Snakemake's script preamble, matplotlib's
first figure) costs about a second, so one ``plot_images`` job draws every figure of every
image of a batch (the images one ``segment`` job fits), reading the batch's tables once.
Shared plotting helpers are in :mod:`segsweep.figures.canvas`, figures over all images in
:mod:`segsweep.figures.dataset`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from segsweep.figures.canvas import (
    FIGURE_DPI,
    PALETTE,
    Panel,
    displayable,
    downsample_step,
    label_colormap,
    panel_figure,
    plt,
    recolour,
    reused_grid,
    save_figure,
)
from segsweep.figures.choice import chosen_map, nearest_fitted
from segsweep.fit.methods import sample_indices
from segsweep.fit.setup import value_label


def segmentation_grid(
    rgb: np.ndarray,
    label_maps: Mapping[tuple[str, float], np.ndarray],
    columns: Mapping[str, Sequence[float]],
    parameters: Mapping[str, str],
    kind: str = "recolour",
    title: str = "",
) -> Figure:
    """Grid of segmentations: one row per method, one column per swept value, photo first.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    label_maps : mapping of (method, value) to ndarray of int, shape (H, W)
    columns : mapping of method to sequence of values
        Row order, and each row's values in column order; a row shorter than the longest
        leaves its last panels empty.
    parameters : mapping of method to str
        Name of each method's swept parameter (``k``, ``scale``, ...), for panel titles.
    kind : {"recolour", "labels"}
        Cluster mean colours, or label values in the fixed palette.
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    panel = 2.0
    step = downsample_step(rgb.shape, max_side=int(panel * FIGURE_DPI))  # the panel's pixels
    photo = rgb[::step, ::step]
    rows = []
    for method, values in columns.items():
        cells = [Panel("photo", photo)]
        for value in values:
            labels = label_maps[(method, value)]
            image = recolour(rgb, labels, step) if kind == "recolour" else labels[::step, ::step]
            cells.append(Panel(value_label(parameters[method], value), image))
        rows.append(cells)
    return panel_figure(rows, rgb.shape[0] / rgb.shape[1], panel, title, row_labels=list(columns))


def elbow_figure(fits: pd.DataFrame, picks: pd.DataFrame, title: str = "") -> Figure:
    """Inertia and eta (and BIC with AIC for mixtures) against the swept value: one row per
    colour space and swept parameter (k first, then the methods' own: scale, ...), one
    column per measure, one line per method. Rows rather than columns, so a comparison of
    many kinds of method grows down the page, not off its side.

    The k picked by the elbow rule is marked on each curve of a method swept over k.

    Parameters
    ----------
    fits : DataFrame
        One image's rows of the fits table (``space, method, parameter, value, seed,
        inertia, eta``).
    picks : DataFrame
        The picked-k table (``space, method, criterion, k``); ``elbow`` rows are used.
    title : str
    """
    panels = sorted(
        fits.groupby(["space", "parameter"]).groups, key=lambda p: (p[0], p[1] != "k", p[1])
    )
    has_bic = "bic" in fits and fits["bic"].notna().any()
    measures = ["inertia", "eta"] + (["bic"] if has_bic else [])
    fig, axes = reused_grid(len(panels), len(measures), (2.75, 2.2), gaps=(0.95, 0.85))
    elbows = picks[picks["criterion"] == "elbow"].set_index(["space", "method"])["k"]
    y_labels = ["inertia (within-cluster SS)", "eta (mean distance to centre)",
                "BIC (solid), AIC (dashed)"]  # fmt: skip
    for row, (space, parameter) in enumerate(panels):
        in_panel = fits[(fits["space"] == space) & (fits["parameter"] == parameter)]
        for colour, (method, rows) in zip(PALETTE, in_panel.groupby("method"), strict=False):
            curve = rows.groupby("value")[measures + (["aic"] if has_bic else [])].mean()
            draw_curves(axes[row], curve.sort_index(), measures, colour, method,
                        elbows.get((space, method)))  # fmt: skip
        x_label = "k (number of clusters)" if parameter == "k" else parameter
        for ax, y_label in zip(axes[row], y_labels, strict=False):
            ax.set_xlabel(x_label)
            ax.set_ylabel(y_label)
        axes[row, 0].set_title(space if parameter == "k" else f"{space}, swept over {parameter}")
        legend = "method (star: elbow k)" if parameter == "k" else "method"
        axes[row, 0].legend(title=legend)
        if has_bic and in_panel["bic"].isna().all():  # no mixture in this row
            axes[row, -1].set_axis_off()
    if title:
        fig.suptitle(title)
    return fig


def draw_curves(axes, curve: pd.DataFrame, measures, colour, method, chosen) -> None:
    """One method's curves of ``measures`` (one per axis) against the swept value, the
    elbow's ``chosen`` k starred; AIC dashed beside BIC."""
    for ax, column in zip(axes, measures, strict=True):
        if curve[column].isna().all():
            continue
        ax.plot(curve.index, curve[column], marker="o", ms=3, color=colour, label=method)
        if column == "bic":
            ax.plot(curve.index, curve["aic"], linestyle="--", color=colour)
            continue
        if chosen is not None and chosen in curve.index:
            ax.plot(
                [chosen], [curve.loc[chosen, column]], marker="*", ms=14,
                color=colour, markeredgecolor="black", linestyle="none",
            )  # fmt: skip


def truth_figure(
    rgb: np.ndarray, truth: np.ndarray, segmentation: np.ndarray, title: str = ""
) -> Figure:
    """Photo, ground truth, segmentation and its wrongly labelled pixels side by side.

    Segments are matched one-to-one to true regions (Hungarian); pixels whose segment is
    matched to another region, or to none, are drawn red over a pale copy of the photo.
    """
    from segsweep.score.scores import matching_errors

    step = downsample_step(rgb.shape)
    errors = matching_errors(truth, segmentation)
    pale = (0.35 * rgb.mean(axis=2, keepdims=True) + 0.65 * 255).repeat(3, axis=2)
    overlay = np.where(errors[..., None], np.array([214, 39, 40]), pale).astype(np.uint8)
    panels = [
        Panel("photo", rgb[::step, ::step]),
        Panel("ground truth", truth[::step, ::step]),
        Panel("segmentation (cluster mean colours)", recolour(rgb, segmentation, step)),
        Panel(f"wrong pixels after matching: {errors.mean():.1%}", overlay[::step, ::step]),
    ]
    return panel_figure([panels], rgb.shape[0] / rgb.shape[1], 3.0, title, title_size=9)


def canny_edges(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Canny edge map (scikit-image) of the grey version of ``rgb``."""
    from skimage.color import rgb2gray
    from skimage.feature import canny

    return canny(rgb2gray(rgb), sigma=sigma)


def edges_figure(
    rgb: np.ndarray,
    edges: np.ndarray,
    segmentations: Sequence[tuple[str, np.ndarray]],
    title: str = "",
) -> Figure:
    """Canny edges over the photo, then each segmentation's boundaries over the photo.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    edges : ndarray of bool, shape (H, W)
    segmentations : sequence of (panel title, label map)
    title : str
    """
    from skimage.segmentation import find_boundaries

    step = downsample_step(rgb.shape)
    panels = [("Canny edges", edges)] + [
        (name, find_boundaries(labels, mode="inner")) for name, labels in segmentations
    ]
    cells = []
    for name, mask in panels:
        # Thin lines vanish when a large image is shown small: thicken by the stride first.
        if step > 1:
            from scipy.ndimage import binary_dilation

            mask = binary_dilation(mask, iterations=step // 2)
        overlay = rgb.copy()
        overlay[mask] = (255, 230, 0) if name == "Canny edges" else (230, 0, 60)
        cells.append(Panel(name, overlay[::step, ::step]))
    columns = min(len(cells), 4)
    rows = [cells[start : start + columns] for start in range(0, len(cells), columns)]
    return panel_figure(rows, rgb.shape[0] / rgb.shape[1], 3.0, title)


#: Pixels drawn in scatter plots (a seeded random sample).
SCATTER_PIXELS = 4000


def scatter_sample(n_pixels: int, seed: int, size: int = SCATTER_PIXELS) -> np.ndarray:
    """Seeded random pixel indices for scatter plots (all pixels if there are few), drawn
    as a fit's sample is (:func:`segsweep.fit.methods.sample_indices`)."""
    index = sample_indices(n_pixels, size, seed)
    return np.arange(n_pixels) if index is None else index


def cluster_colours(labels: np.ndarray) -> np.ndarray:
    """RGBA colour of each label in the fixed palette."""
    return label_colormap(int(labels.max()) + 1)(labels)


def scatter_figure(
    features: np.ndarray,
    rgb: np.ndarray,
    labels: np.ndarray,
    channels: Sequence[str],
    seed: int,
    title: str = "",
) -> Figure:
    """Channel-pair scatter plots: pixels in their own colours (top), by cluster (bottom).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    rgb : ndarray of uint8, shape (H, W, 3)
    labels : ndarray of int, shape (H, W)
    channels : sequence of str
        Channel names of the features.
    seed : int
        Seed of the pixel sample.
    """
    X = features.reshape(-1, features.shape[-1])
    index = scatter_sample(len(X), seed)
    own = rgb.reshape(-1, 3)[index] / 255.0
    by_cluster = cluster_colours(labels.ravel()[index])
    pairs = [(a, b) for a in range(len(channels)) for b in range(a + 1, len(channels))]
    if not pairs:  # one channel: its histogram per cluster instead
        fig, ax = plt.subplots(figsize=(6, 4))
        flat = labels.ravel()
        for value in range(int(flat.max()) + 1):
            ax.hist(X[flat == value, 0], bins=64, color=PALETTE[value % len(PALETTE)],
                    alpha=0.7, label=f"cluster {value}")  # fmt: skip
        ax.set_xlabel(channels[0])
        ax.set_ylabel("pixels")
        ax.legend()
        fig.suptitle(title)
        fig.tight_layout()
        return fig
    fig, axes = reused_grid(2, len(pairs), (3.15, 3.0), gaps=(0.75, 0.75))
    for col, (a, b) in enumerate(pairs):
        for row, colours in enumerate((own, by_cluster)):
            ax = axes[row, col]
            ax.scatter(X[index, a], X[index, b], c=colours, s=3, linewidths=0)
            ax.set_xlabel(channels[a])
            ax.set_ylabel(channels[b])
            what = "own colours" if row == 0 else "by cluster"
            ax.set_title(f"{channels[a]} - {channels[b]} ({what})")
    fig.suptitle(title)
    return fig


def scatter3d_figure(
    features: np.ndarray,
    rgb: np.ndarray,
    labels: np.ndarray,
    channels: Sequence[str],
    seed: int,
    title: str = "",
) -> Figure:
    """3-D scatter of sampled pixels in colour space: own colours, and by cluster."""
    X = features.reshape(-1, features.shape[-1])
    index = scatter_sample(len(X), seed)
    fig = plt.figure(figsize=(11.0, 5.2))
    colour_sets = (rgb.reshape(-1, 3)[index] / 255.0, cluster_colours(labels.ravel()[index]))
    for position, (colours, what) in enumerate(zip(colour_sets, ("own colours", "by cluster"),
                                                   strict=True), start=1):  # fmt: skip
        ax = fig.add_subplot(1, 2, position, projection="3d")
        ax.scatter(X[index, 0], X[index, 1], X[index, 2], c=colours, s=2, linewidths=0)
        ax.set_xlabel(channels[0])
        ax.set_ylabel(channels[1])
        ax.set_zlabel(channels[2])
        ax.set_title(what)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def cluster_masks_figure(rgb: np.ndarray, labels: np.ndarray, title: str = "") -> Figure:
    """Label map, one binary mask per cluster, and the photo multiplied by each mask."""
    step = downsample_step(rgb.shape)
    n = int(labels.max()) + 1
    columns = n + 1
    panel = 2.2 if columns <= 8 else 1.6
    small_labels = labels[::step, ::step]
    small_rgb = rgb[::step, ::step]
    masks = [small_labels == value for value in range(n)]
    rows = [
        [Panel("label map", small_labels)]
        + [Panel(f"mask {v} ({(labels == v).mean():.0%})", m) for v, m in enumerate(masks)],
        [Panel("photo", small_rgb)]
        + [Panel(f"photo x mask {v}", small_rgb * m[..., None]) for v, m in enumerate(masks)],
    ]
    return panel_figure(rows, rgb.shape[0] / rgb.shape[1], panel, title)


def picks_figure(picks: pd.DataFrame, title: str = "") -> Figure:
    """Which k each criterion picks: rows (space, method), columns criteria, k written in."""
    from segsweep.tables.selection import CRITERIA

    table = picks.pivot_table(index=["space", "method"], columns="criterion", values="k")
    table = table[[c for c in CRITERIA if c in table.columns]]
    fig, ax = plt.subplots(figsize=(1.4 * table.shape[1] + 2.5, 0.45 * len(table) + 1.6))
    values = table.to_numpy(dtype=float)
    ax.imshow(values, cmap="viridis", aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        if not math.isnan(value):
            ax.text(j, i, f"{int(value)}", ha="center", va="center", color="white", fontsize=10)
    ax.set_xticks(range(table.shape[1]), table.columns, rotation=30, ha="right")
    ax.set_yticks(range(len(table)), [f"{s} / {m}" for s, m in table.index])
    ax.set_xlabel("criterion")
    ax.set_ylabel("colour space / method")
    ax.set_title(title or "k picked by each criterion")
    fig.tight_layout()
    return fig


def cutout(rgb: np.ndarray, background: np.ndarray) -> np.ndarray:
    """RGBA image whose alpha is 0 exactly on ``background`` pixels and 255 elsewhere."""
    alpha = np.where(background, 0, 255).astype(np.uint8)
    return np.dstack([rgb, alpha])


def corner_cluster(labels: np.ndarray) -> np.ndarray:
    """Pixels in the same cluster as the top-left pixel."""
    return labels == labels[0, 0]


def baseline_threshold() -> float:
    """The baseline's Chebyshev threshold (0-255): the ``corner_threshold`` method's default."""
    from segsweep.fit.methods.corner_threshold import CornerThresholdMethod

    return CornerThresholdMethod.defaults()["threshold"]


def chebyshev_background(rgb: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """The tutorial baseline: Chebyshev distance to the top-left pixel <= ``threshold``
    (None: :func:`baseline_threshold`)."""
    from segsweep.fit.methods.corner_threshold import CornerThresholdMethod

    features = rgb.astype(np.float32) / np.float32(255.0)
    threshold = baseline_threshold() if threshold is None else threshold
    model = CornerThresholdMethod(threshold=threshold).fit(features)
    return model.predict(features) == 0


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


def image_rows(
    fits: Sequence[pd.DataFrame], measures: Sequence[pd.DataFrame], image: str
) -> pd.DataFrame:
    """The rows of ``image`` in the fits and measures tables of its batch's jobs, joined."""
    from segsweep.tables.selection import merge_tables

    def rows(tables):
        return [table[table["image"] == image] for table in tables]

    return merge_tables(rows(fits), rows(measures))


@dataclass
class ImageScene:
    """What the figures of one image are drawn from, read once by the image's job: the
    photo, its annotations, its rows of the fits table and the k each criterion picks, its
    label maps by (space, method) and value, and the job's params. The drawing functions
    of the registry (:mod:`segsweep.figures.registry`) take it and a colour space."""

    name: str
    rgb: np.ndarray
    annotations: list
    fits: pd.DataFrame
    picks: pd.DataFrame
    label_maps: dict
    label_paths: dict
    params: object

    @property
    def title(self) -> str:
        """The image's name as titles show it."""
        return displayable(self.name)

    @cached_property
    def edges(self) -> np.ndarray:
        """Canny edges of the photo (the same in every space)."""
        return canny_edges(self.rgb, self.params.sigma)

    def grid(self, space: str):
        """The cells and columns of one space's segmentation grids (:func:`grid_maps`)."""
        return grid_maps(self.label_maps, space, self.params.methods_in_space[space])

    def chosen(self, space: str, method: str) -> tuple[float, np.ndarray]:
        """The value and label map figures show for a method in a space."""
        return chosen_map(self.label_maps[(space, method)], self.picks, space, method,
                          self.params.k, self.params.parameters[method])  # fmt: skip

    @cached_property
    def detail(self) -> tuple[str, np.ndarray, np.ndarray, tuple]:
        """The detail figures' segmentation: its description, labels, features, channels."""
        from segsweep.fit.spaces import CHANNELS, to_features

        space, method = self.params.detail_space, self.params.detail_method
        value, labels = self.chosen(space, method)
        what = f"{self.title}: {method} in {space}, "
        what += value_label(self.params.parameters[method], value)
        return what, labels, to_features(self.rgb, space), CHANNELS[space]


def _grid_figure(scene: ImageScene, space: str, kind: str, what: str) -> Figure:
    cells, columns = scene.grid(space)
    title = f"{scene.title}, {space} space: {what} (seed {scene.params.seed})"
    return segmentation_grid(scene.rgb, cells, columns, scene.params.parameters, kind, title=title)


def draw_recolour(scene: ImageScene, space: str) -> Figure:
    """The recolour grid of one space."""
    return _grid_figure(scene, space, "recolour", "cluster mean colours")


def draw_labels(scene: ImageScene, space: str) -> Figure:
    """The label-map grid of one space."""
    return _grid_figure(scene, space, "labels", "label maps")


def draw_edges(scene: ImageScene, space: str) -> Figure:
    """Each method's boundaries in one space over the photo's Canny edges."""
    segmentations = []
    for method in scene.params.methods_in_space[space]:
        value, labels = scene.chosen(space, method)
        segmentations.append((f"{method}, {value_label(scene.params.parameters[method], value)}",
                              labels))  # fmt: skip
    title = f"{scene.title}, {space} space: edges and segment boundaries"
    return edges_figure(scene.rgb, scene.edges, segmentations, title=title)


def draw_elbow(scene: ImageScene, space: None) -> Figure:
    """The elbow curves of every space and method."""
    return elbow_figure(scene.fits, scene.picks, title=f"{scene.title}: elbow curves")


def draw_picks(scene: ImageScene, space: None) -> Figure:
    """The k each criterion picks."""
    return picks_figure(scene.picks, f"{scene.title}: k picked by each criterion")


def draw_scatter(scene: ImageScene, space: None) -> Figure:
    """Channel-pair scatter of the detail segmentation."""
    what, labels, features, channels = scene.detail
    return scatter_figure(features, scene.rgb, labels, channels, scene.params.seed,
                          f"{what}: pixels (sample)")  # fmt: skip


def draw_scatter3d(scene: ImageScene, space: None) -> Figure:
    """3-D scatter of the detail segmentation (channel pairs for a one-channel space)."""
    what, labels, features, channels = scene.detail
    if len(channels) == 3:
        return scatter3d_figure(features, scene.rgb, labels, channels, scene.params.seed,
                                f"{what}: pixels in 3-D")  # fmt: skip
    return scatter_figure(features, scene.rgb, labels, channels, scene.params.seed,
                          f"{what}: pixels")  # fmt: skip


def draw_clusters(scene: ImageScene, space: None) -> Figure:
    """Cluster masks of the detail segmentation."""
    what, labels, _, _ = scene.detail
    return cluster_masks_figure(scene.rgb, labels, f"{what}: clusters and masks")


def draw_truth(scene: ImageScene, space: None) -> Figure:
    """Ground truth beside the best segmentation of the image (by ARI, the figure seed's
    fits and those of methods fitted with one seed only)."""
    from segsweep.store.labelmaps import load_label_maps, maps_by_value

    seed = scene.params.seed
    rows = scene.fits.dropna(subset=["ari"])
    rows = rows[(rows["seed"] == seed) | ~rows.duplicated(["space", "method", "value"], keep=False)]
    best = rows.loc[rows["ari"].idxmax()]
    stored = load_label_maps(scene.label_paths[best["method"]], scene.name)
    segmentation = maps_by_value(stored, best["space"], seed)[best["value"]]
    return truth_figure(
        scene.rgb,
        scene.annotations[0],
        segmentation,
        title=f"{scene.title}: best fit by ARI: {best['method']} in {best['space']}, "
        f"{value_label(best['parameter'], best['value'])} (ARI {best['ari']:.3f})",
    )


def read_scene(
    image: str,
    standard: str,
    fits: Sequence[pd.DataFrame],
    measures: Sequence[pd.DataFrame],
    label_paths: Mapping[str, str],
    params,
) -> ImageScene:
    """The :class:`ImageScene` of one image: its standard form ``standard``, its rows of its
    batch's ``fits`` and ``measures`` tables, and its label maps in the batch files
    ``label_paths`` (method -> file)."""
    from segsweep.store.files import load_standard_form
    from segsweep.store.labelmaps import load_label_maps, maps_by_value
    from segsweep.tables.selection import pick_k

    rgb, annotations = load_standard_form(standard)
    rows = image_rows(fits, measures, image)
    label_maps = {}
    for method, path in label_paths.items():
        stored = load_label_maps(path, image)
        for space in {key[0] for key in stored}:
            label_maps[(space, method)] = maps_by_value(stored, space, params.seed)
    return ImageScene(image, rgb, annotations, rows, pick_k(rows), label_maps, label_paths,
                      params)  # fmt: skip


def draw_image(
    scene: ImageScene, with_truth: bool, figure_path: str, cutout_path: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Draw every per-image figure of the registry (its drawing function, for each colour
    space where it is drawn per space; the truth figures only ``with_truth``) and the two
    cut-outs of one image, to ``figure_path`` and ``cutout_path`` (patterns with
    ``{image}`` and ``{name}`` or ``{kind}``). A figure that cannot be drawn is left out,
    with why, and the others are drawn.

    Returns
    -------
    written : list of (str, str)
        (figure or cut-out name, path) of every file written.
    missing : list of (str, str)
        (figure or cut-out name, why it is missing) of every one that could not be drawn.
    """
    import importlib

    from segsweep.figures.registry import image_figures, truth_figures
    from segsweep.store.files import write_png

    def cutout_pixels(kind: str) -> np.ndarray:
        if kind == "baseline":
            return cutout(scene.rgb, chebyshev_background(scene.rgb))
        # the cut-out's k applies to a method swept over k; another keeps the drawn value
        params = scene.params
        space, method = params.detail_space, params.detail_method
        by_value = scene.label_maps[(space, method)]
        value, _ = scene.chosen(space, method)
        cutout_value = (nearest_fitted(by_value, params.cutout_k)
                        if params.parameters[method] == "k" else value)  # fmt: skip
        return cutout(scene.rgb, corner_cluster(by_value[cutout_value]))

    written, missing = [], []

    def attempt(name: str, path: str, write) -> None:
        try:
            write(path)
        except Exception as error:  # noqa: BLE001 - one figure must not stop the others
            missing.append((name, f"{type(error).__name__}: {error}"))
            plt.close("all")
        else:
            written.append((name, path))

    figures = image_figures(scene.params.spaces) | (truth_figures() if with_truth else {})
    for name, figure in figures.items():
        space = name[: -len(figure.name) - 1] if figure.scope == "space" else None

        def draw(path: str, figure=figure, space=space) -> None:
            module, function = figure.draw.split(":")
            save_figure(getattr(importlib.import_module(module), function)(scene, space), path)

        attempt(name, figure_path.format(image=scene.name, name=name), draw)
    for kind in ("cluster", "baseline"):
        attempt(f"cutout_{kind}", cutout_path.format(image=scene.name, kind=kind),
                lambda path, kind=kind: write_png(path, cutout_pixels(kind)))  # fmt: skip
    return written, missing


def images_figures_main(snakemake) -> None:
    """Snakemake entry of ``plot_images``: the figures of every image of a batch
    (:func:`draw_image`), then the batch's record of the files drawn.

    The batch's tables are read once and matplotlib starts once for all its images. A
    figure that cannot be drawn for an image (or every figure of an image whose tables or
    label maps cannot be read) is one line in the log and a row of the record with the
    reason and no file (:mod:`segsweep.figures.drawn`); every other figure is drawn and the
    job succeeds, so the run goes on to its report, which lists what is missing.
    """
    import logging

    from segsweep.figures.drawn import RECORD_COLUMNS
    from segsweep.store.files import read_csv, write_csv

    params = snakemake.params
    fits = [read_csv(path) for path in snakemake.input.fits]
    measures = [read_csv(path) for path in snakemake.input.measures]
    label_paths = dict(zip(params.methods, snakemake.input.labels, strict=True))
    with_truth = set(params.truth)
    rows = []
    for image, standard in zip(params.images, snakemake.input.standard, strict=True):
        try:
            scene = read_scene(image, standard, fits, measures, label_paths, params)
            drawn, missing = draw_image(scene, image in with_truth, params.figure_path,
                                        params.cutout_path)  # fmt: skip
        except Exception as error:  # noqa: BLE001 - one image must not stop its batch's others
            drawn, missing = [], [("every figure", f"{type(error).__name__}: {error}")]
        for name, problem in missing:
            logging.getLogger(__name__).error("image %s: figure %s not drawn: %s", image, name,
                                              problem)  # fmt: skip
        rows += [(image, name, path, "") for name, path in drawn]
        rows += [(image, name, "", problem) for name, problem in missing]
    write_csv(snakemake.output.drawn, pd.DataFrame(rows, columns=RECORD_COLUMNS))
