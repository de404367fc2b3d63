"""Shared plotting helpers: the Agg backend and fonts, image panels laid out at fixed margins,
the label palette, recoloured segmentations and atomic PNG saving (matplotlib).

Figures themselves live in :mod:`segsweep.image_figures` (one image) and
:mod:`segsweep.dataset_figures` (over all images). Large images are drawn from a strided copy
(at most :data:`MAX_SIDE` pixels on the long side) so figure files stay small.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from segsweep.labelmaps import cluster_means  # noqa: E402
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


def save_figure(fig: Figure, path, dpi: int = FIGURE_DPI) -> None:
    """Write ``fig`` as PNG atomically and close it.

    zlib level 1: PNG encoding was a fifth of the drawing time at the default level 6, for
    files 5% smaller.
    """
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    plt.close(fig)
