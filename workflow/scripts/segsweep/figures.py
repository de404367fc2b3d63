"""Figures: recoloured segmentations, label maps and elbow curves (matplotlib, Agg, PNG).

Each ``*_figure`` function takes arrays and tables and returns a matplotlib Figure;
:func:`save_figure` writes it atomically. Large images are drawn from a strided copy (at most
:data:`MAX_SIDE` pixels on the long side) so figure files stay small.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from segsweep.labelmaps import cluster_means  # noqa: E402
from segsweep.selection import value_label  # noqa: E402
from segsweep.storage import atomic_path  # noqa: E402

#: Longest side, in pixels, of an image drawn in a figure panel.
MAX_SIDE = 400

#: Resolution of every saved figure (dots per inch).
FIGURE_DPI = 100

#: Colour-blind-safe palette for label maps: Okabe & Ito (2008), then Paul Tol's "muted"
#: scheme; beyond these 17 colours matplotlib's tab20 continues.
PALETTE = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499",
]  # fmt: skip

#: Fonts tried, in order, for characters DejaVu Sans lacks (Chinese, Japanese, Korean...):
#: those installed join the font list, and matplotlib takes each glyph from the first that has
#: it (Debian: apt-get install fonts-noto-cjk).
FALLBACK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    "Source Han Sans",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


def _font_families() -> list[str]:
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(name for name in FALLBACK_FONTS if name in installed)]


plt.rcParams.update(
    {
        "font.size": 10,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "font.family": _font_families(),
    }
)


@functools.cache
def _drawable_characters() -> frozenset[int]:
    """Code points some font of the font list can draw."""
    codes: set[int] = set()
    for family in plt.rcParams["font.family"]:
        path = font_manager.findfont(font_manager.FontProperties(family=family))
        codes |= set(FT2Font(path).get_charmap())
    return frozenset(codes)


def displayable(text: str) -> str:
    """``text`` with every character no installed font can draw written as ``<U+XXXX>``.

    matplotlib would draw an empty box for it (and warn in a log nobody reads), so an image
    named in Chinese would lose its name in every title; the code points keep it visible and
    unambiguous. The replacement is logged once per text.
    """
    drawable = _drawable_characters()
    if all(ord(c) in drawable or c.isspace() for c in text):
        return text
    shown = "".join(c if ord(c) in drawable or c.isspace() else f"<U+{ord(c):04X}>" for c in text)
    logging.warning("no installed font draws every character of %r; titles show %r", text, shown)
    return shown


#: Inches kept around image panels (see :func:`image_panels`): the figure title above, each
#: panel's title, the row label at the left, and the gap between panels.
_FIGURE_TITLE, _PANEL_TITLE, _ROW_LABEL, _GAP = 0.5, 0.32, 0.3, 0.08


def image_panels(
    n_rows: int,
    n_cols: int,
    aspect: float | Sequence[float],
    panel: float = 2.0,
    title: str = "",
) -> tuple[Figure, np.ndarray]:
    """A figure of ``n_rows`` x ``n_cols`` image panels laid out at fixed margins.

    Every panel is ``panel`` inches wide and ``panel * aspect`` high (``aspect``: height over
    width, one for all rows or one per row), with room above for its title and at the left
    for a row label; the figure title, if any, sits above them all. Fixed margins need no
    layout pass (``tight_layout`` cost a tenth of a second per figure) and a title never
    overlaps a panel's.

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes, shape (n_rows, n_cols), without ticks
    """
    aspects = [aspect] * n_rows if np.isscalar(aspect) else list(aspect)
    heights = [panel * a for a in aspects]
    top = _FIGURE_TITLE if title else _GAP
    width = _ROW_LABEL + n_cols * (panel + _GAP)
    height = top + sum(heights) + n_rows * _PANEL_TITLE + _GAP
    fig = plt.figure(figsize=(width, height))
    axes = np.empty((n_rows, n_cols), dtype=object)
    bottom = height - top
    for row, row_height in enumerate(heights):
        bottom -= row_height + _PANEL_TITLE
        for col in range(n_cols):
            left = _ROW_LABEL + col * (panel + _GAP)
            ax = fig.add_axes((left / width, bottom / height, panel / width, row_height / height))
            ax.set_xticks([])
            ax.set_yticks([])
            axes[row, col] = ax
    if title:
        fig.suptitle(title, y=1 - 0.15 / height, va="top")
    return fig, axes


def downsample_step(shape: Sequence[int], max_side: int = MAX_SIDE) -> int:
    """Stride that brings the longer side of ``shape`` to at most ``max_side``."""
    return max(1, math.ceil(max(shape[0], shape[1]) / max_side))


def recolour(rgb: np.ndarray, labels: np.ndarray, step: int = 1) -> np.ndarray:
    """Paint each pixel with the mean RGB colour of its cluster.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    labels : ndarray of int, shape (H, W), values 0..n-1
    step : int
        Stride of the returned image: the means are of all pixels, the painting of every
        ``step``-th pixel (for drawing a large image small).

    Returns
    -------
    ndarray of uint8, shape (ceil(H / step), ceil(W / step), 3)
    """
    flat = labels.ravel()
    means = cluster_means(rgb.reshape(-1, 3).astype(np.float64), flat, int(flat.max()) + 1)
    return np.rint(means).astype(np.uint8)[labels[::step, ::step]]


def label_colormap(n_labels: int) -> ListedColormap:
    """Fixed colour-blind-safe colormap for labels 0..n_labels-1."""
    colours = list(PALETTE)
    if n_labels > len(colours):
        colours += [plt.cm.tab20(i % 20) for i in range(n_labels - len(colours))]
    return ListedColormap(colours[: max(n_labels, 1)])


def show_labels(ax, labels: np.ndarray) -> None:
    """Draw a label map on ``ax`` in the fixed palette, one flat colour per label."""
    n = int(labels.max()) + 1
    ax.imshow(labels, cmap=label_colormap(n), vmin=-0.5, vmax=n - 0.5, interpolation="nearest")


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
    n_cols = max(len(values) for values in columns.values()) + 1
    fig, axes = image_panels(len(columns), n_cols, rgb.shape[0] / rgb.shape[1], panel, title)
    for row, (method, values) in enumerate(columns.items()):
        axes[row, 0].imshow(photo)
        axes[row, 0].set_title("photo")
        axes[row, 0].set_ylabel(method)
        for col, value in enumerate(values, start=1):
            ax = axes[row, col]
            labels = label_maps[(method, value)]
            if kind == "recolour":
                ax.imshow(recolour(rgb, labels, step))
            else:
                show_labels(ax, labels[::step, ::step])
            ax.set_title(value_label(parameters[method], value))
        for col in range(len(values) + 1, n_cols):
            axes[row, col].set_axis_off()
    return fig


def elbow_figure(fits: pd.DataFrame, picks: pd.DataFrame, title: str = "") -> Figure:
    """Inertia and eta against the swept value: one column per colour space and swept
    parameter (k, scale, ...), one line per method.

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
    panels = sorted(fits.groupby(["space", "parameter"]).groups)
    has_bic = "bic" in fits and fits["bic"].notna().any()
    measures = ["inertia", "eta"] + (["bic"] if has_bic else [])
    fig, axes = plt.subplots(
        len(measures), len(panels), figsize=(3.6 * len(panels), 3.0 * len(measures)),
        squeeze=False, sharex="col",
    )  # fmt: skip
    elbows = picks[picks["criterion"] == "elbow"].set_index(["space", "method"])["k"]
    for col, (space, parameter) in enumerate(panels):
        in_panel = fits[(fits["space"] == space) & (fits["parameter"] == parameter)]
        for colour, (method, rows) in zip(PALETTE, in_panel.groupby("method"), strict=False):
            curve = rows.groupby("value")[measures + (["aic"] if has_bic else [])].mean()
            draw_curves(axes[:, col], curve.sort_index(), measures, colour, method,
                        elbows.get((space, method)))  # fmt: skip
        axes[0, col].set_title(space if parameter == "k" else f"{space}, swept over {parameter}")
        axes[0, col].set_ylabel("inertia (within-cluster SS)")
        axes[1, col].set_ylabel("eta (mean distance to centre)")
        if has_bic:
            axes[2, col].set_ylabel("BIC (solid), AIC (dashed)")
            if axes[2, col].lines:
                axes[2, col].legend(fontsize=7)
        x_label = "k (number of clusters)" if parameter == "k" else parameter
        axes[-1, col].set_xlabel(x_label)
        legend = "method (star: elbow k)" if parameter == "k" else "method"
        axes[0, col].legend(title=legend)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
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
    from segsweep.scores import matching_errors

    step = downsample_step(rgb.shape)
    errors = matching_errors(truth, segmentation)
    pale = (0.35 * rgb.mean(axis=2, keepdims=True) + 0.65 * 255).repeat(3, axis=2)
    overlay = np.where(errors[..., None], np.array([214, 39, 40]), pale).astype(np.uint8)
    panels = [
        ("photo", rgb),
        ("ground truth", None),
        ("segmentation (cluster mean colours)", recolour(rgb, segmentation)),
        (f"wrong pixels after matching: {errors.mean():.1%}", overlay),
    ]
    fig, axes = image_panels(1, 4, rgb.shape[0] / rgb.shape[1], panel=3.0, title=title)
    for ax, (name, array) in zip(axes[0], panels, strict=True):
        if array is None:
            show_labels(ax, truth[::step, ::step])
        else:
            ax.imshow(array[::step, ::step])
        ax.set_title(name, fontsize=9)
    return fig


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
    columns = min(len(panels), 4)
    rows = math.ceil(len(panels) / columns)
    fig, axes = image_panels(rows, columns, rgb.shape[0] / rgb.shape[1], 3.0, title)
    for ax in axes.ravel():
        ax.set_axis_off()
    for ax, (name, mask) in zip(axes.ravel(), panels, strict=False):
        # Thin lines vanish when a large image is shown small: thicken by the stride first.
        if step > 1:
            from scipy.ndimage import binary_dilation

            mask = binary_dilation(mask, iterations=step // 2)
        overlay = rgb.copy()
        overlay[mask] = (255, 230, 0) if name == "Canny edges" else (230, 0, 60)
        ax.imshow(overlay[::step, ::step])
        ax.set_title(name)
    return fig


def save_figure(fig: Figure, path, dpi: int = FIGURE_DPI) -> None:
    """Write ``fig`` as PNG atomically and close it.

    zlib level 1: PNG encoding was a fifth of the drawing time at the default level 6, for
    files 5% smaller.
    """
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    plt.close(fig)


def truth_main(snakemake) -> None:
    """Snakemake entry: ground truth beside the best segmentation of one image."""
    from segsweep.ingest import load_standard_form
    from segsweep.labelmaps import load_label_maps, maps_by_value
    from segsweep.selection import merge_tables
    from segsweep.storage import read_csv

    image, seed = displayable(snakemake.wildcards.image), snakemake.params.seed
    fits = merge_tables([read_csv(path) for path in snakemake.input.fits])
    rows = fits.dropna(subset=["ari"])
    # the figure seed's fits, and those of methods fitted with one seed only
    rows = rows[(rows["seed"] == seed) | ~rows.duplicated(["space", "method", "value"], keep=False)]
    best = rows.loc[rows["ari"].idxmax()]
    labels_path = dict(zip(snakemake.params.methods, snakemake.input.labels, strict=True))
    stored = load_label_maps(labels_path[best["method"]])
    segmentation = maps_by_value(stored, best["space"], seed)[best["value"]]
    rgb, annotations = load_standard_form(snakemake.input.standard)
    fig = truth_figure(
        rgb,
        annotations[0],
        segmentation,
        title=f"{image}: best fit by ARI: {best['method']} in {best['space']}, "
        f"{value_label(best['parameter'], best['value'])} (ARI {best['ari']:.3f})",
    )
    save_figure(fig, snakemake.output.figure)


#: Snakemake entry of each rule this module serves (see :func:`segsweep.entry.run_rule`).
RULES = {"plot_truth": truth_main}
