"""Shared plotting helpers: the Agg backend and fonts, image panels laid out at fixed margins,
the label palette, recoloured segmentations and atomic PNG saving (matplotlib).

Figures themselves live in :mod:`segsweep.figures.image` (one image) and
:mod:`segsweep.figures.dataset` (over all images). Large images are drawn from a strided copy
(at most :data:`MAX_SIDE` pixels on the long side) so figure files stay small.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from segsweep.store.files import atomic_path  # noqa: E402
from segsweep.store.labelmaps import cluster_means  # noqa: E402

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


#: Largest height-to-width ratio of an image panel, and its inverse the smallest: an image
#: longer or wider than that (a 1 x 5000 scan, say) is drawn whole inside such a panel,
#: with its own proportions and white around it, instead of in a panel thinner than a pixel
#: or taller than any screen.
MAX_PANEL_ASPECT = 4.0


#: Inches kept around image panels (see :func:`panel_figure`): the figure title above, each
#: panel's title, the row label at the left, and the gap between panels.
_FIGURE_TITLE, _PANEL_TITLE, _ROW_LABEL, _GAP = 0.5, 0.32, 0.3, 0.08


@dataclass(frozen=True)
class Panel:
    """One image panel of :func:`panel_figure`.

    Attributes
    ----------
    title : str
    image : ndarray
        RGB, shape (h, w, 3): uint8, or float in [0, 1]; or a label map (h, w) of integers,
        drawn in the fixed palette (:func:`label_colormap`); or a mask (h, w) of booleans,
        drawn black and white.
    """

    title: str
    image: np.ndarray


def panel_pixels(panel: Panel, width: int, height: int) -> np.ndarray:
    """The panel's image as uint8 RGB resized to ``width`` x ``height`` pixels (label maps,
    masks and enlarged photos by nearest neighbour, so their colours stay flat; shrunk
    photos by averaging)."""
    from PIL import Image

    image = np.asarray(panel.image)
    if image.ndim == 2 and image.dtype == bool:
        rgb = np.where(image[..., None], 255, 0).astype(np.uint8).repeat(3, axis=-1)
        resample = Image.Resampling.NEAREST
    elif image.ndim == 2:
        rgb, resample = _palette_rgb(int(image.max()) + 1)[image], Image.Resampling.NEAREST
    else:
        rgb = image if image.dtype == np.uint8 else np.rint(np.clip(image, 0, 1) * 255)
        # photos: averaged when shrunk, blocky when enlarged (as matplotlib shows them)
        shrunk = rgb.shape[1] > width or rgb.shape[0] > height
        rgb = rgb.astype(np.uint8)
        resample = Image.Resampling.BOX if shrunk else Image.Resampling.NEAREST
    if rgb.shape[:2] == (height, width):
        return rgb
    return np.asarray(Image.fromarray(rgb).resize((width, height), resample=resample))


def _palette_rgb(n_labels: int) -> np.ndarray:
    """uint8 RGB of labels 0..n_labels-1 in the fixed palette (:func:`label_colormap`)."""
    from matplotlib.colors import to_rgb

    colours = label_colormap(n_labels).colors
    return np.rint(np.array([to_rgb(c) for c in colours]) * 255).astype(np.uint8)


def panel_figure(
    rows: Sequence[Sequence[Panel | None]],
    aspect: float | Sequence[float],
    panel: float = 2.0,
    title: str = "",
    row_labels: Sequence[str] | None = None,
    title_size: float | None = None,
) -> Figure:
    """A figure of image panels at fixed margins, drawn as one image.

    Every panel is ``panel`` inches wide and ``panel * aspect`` high (``aspect``: height over
    width, one for all rows or one per row), with room above for its title and at the left
    for a row label; the figure title, if any, sits above them all. An aspect is held
    within 1 / :data:`MAX_PANEL_ASPECT` and :data:`MAX_PANEL_ASPECT`. Fixed margins need no
    layout pass, and a title never overlaps a panel's. The panels are composed into one
    array (each resized to its box at :data:`FIGURE_DPI`, framed as an axes would be) shown
    by a single axes, and only the titles are matplotlib text: one image instead of an axes
    per panel is what makes a grid of dozens of segmentations cheap to draw.

    Parameters
    ----------
    rows : sequence of sequences of Panel or None
        Panels row by row; None (or a short row) leaves a panel empty.
    aspect : float or sequence of float
    panel : float
        Width of a panel in inches.
    title : str
    row_labels : sequence of str, optional
        A label left of each row.
    title_size : float, optional
        Font size of the panel titles (the figure default otherwise).
    """
    n_rows, n_cols = len(rows), max(len(row) for row in rows)
    aspects = [aspect] * n_rows if np.isscalar(aspect) else list(aspect)
    aspects = [min(max(a, 1 / MAX_PANEL_ASPECT), MAX_PANEL_ASPECT) for a in aspects]
    heights = [panel * a for a in aspects]
    top = _FIGURE_TITLE if title else _GAP
    width = _ROW_LABEL + n_cols * (panel + _GAP)
    height = top + sum(heights) + n_rows * _PANEL_TITLE + _GAP
    canvas = np.full((round(height * FIGURE_DPI), round(width * FIGURE_DPI), 3), 255, np.uint8)
    drawn = []  # the panels' boxes: (top, bottom, left, right) in pixels
    fig = plt.figure(figsize=(canvas.shape[1] / FIGURE_DPI, canvas.shape[0] / FIGURE_DPI),
                     dpi=FIGURE_DPI)  # fmt: skip
    y = top + _PANEL_TITLE  # inches from the top to the current row's panels
    for row, (cells, row_height) in enumerate(zip(rows, heights, strict=True)):
        for col, cell in enumerate(cells):
            if cell is not None:
                left = _ROW_LABEL + col * (panel + _GAP)
                _paste(canvas, drawn, cell, (left, y, panel, row_height))
                fig.text((left + panel / 2) / width, 1 - (y - 0.06) / height, cell.title,
                         ha="center", va="bottom", fontsize=title_size)  # fmt: skip
        if row_labels is not None:
            fig.text(0.5 * _ROW_LABEL / width, 1 - (y + row_height / 2) / height,
                     row_labels[row], rotation=90, ha="center", va="center")  # fmt: skip
        y += row_height + _PANEL_TITLE
    # matplotlib draws the text only; save_figure lays the panels' pixels over it as they are
    fig.segsweep_panels = (canvas, drawn)
    if title:
        fig.suptitle(title, y=1 - 0.15 / height, va="top")
    return fig


def _paste(canvas: np.ndarray, drawn: list, cell: Panel, box) -> None:
    """Draw ``cell`` into ``canvas`` in ``box`` (left, top, width, height, in inches from
    the top left), framed as an axes would be, and add its pixel box to ``drawn``. An image
    whose proportions are not the box's (one beyond :data:`MAX_PANEL_ASPECT`) is drawn
    whole at its own proportions, centred, at least a pixel each way."""
    left, top, width, height = (round(v * FIGURE_DPI) for v in box)
    image_height, image_width = np.shape(cell.image)[:2]
    scale = min(width / image_width, height / image_height)
    inner_width = max(1, min(width, round(image_width * scale)))
    inner_height = max(1, min(height, round(image_height * scale)))
    if inner_width >= width - 1 and inner_height >= height - 1:  # the box's proportions
        inner_width, inner_height = width, height
    inner_left = left + (width - inner_width) // 2
    inner_top = top + (height - inner_height) // 2
    canvas[inner_top : inner_top + inner_height, inner_left : inner_left + inner_width] = (
        panel_pixels(cell, inner_width, inner_height)
    )
    drawn.append((top, top + height, left, left + width))
    canvas[[top, top + height - 1], left : left + width] = 0
    canvas[top : top + height, [left, left + width - 1]] = 0


def panel_titles(fig: Figure) -> list[str]:
    """The texts of a :func:`panel_figure` but its title: row by row, the panel titles and
    then the row's label."""
    return [text.get_text() for text in fig.texts if text is not fig._suptitle]


def plot_grid(
    n_rows: int,
    n_cols: int,
    size: tuple[float, float],
    margins: tuple[float, float, float, float] = (0.9, 0.2, 0.65, 0.55),
    gaps: tuple[float, float] = (0.9, 0.85),
    **subplots,
) -> tuple[Figure, np.ndarray]:
    """``n_rows`` x ``n_cols`` axes of ``size`` (width, height) inches each, at fixed margins
    (left, right, top, bottom) and gaps (between columns, between rows) in inches: room for
    tick labels, axis labels and titles without a layout pass (``tight_layout`` took longer
    than drawing a figure of a dozen axes).

    Returns
    -------
    fig : Figure
    axes : ndarray of Axes, shape (n_rows, n_cols)
    """
    (left, right, top, bottom), (across, down) = margins, gaps
    width = left + n_cols * size[0] + (n_cols - 1) * across + right
    height = top + n_rows * size[1] + (n_rows - 1) * down + bottom
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(width, height), squeeze=False, **subplots)
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                        top=1 - top / height, wspace=across / size[0],
                        hspace=down / size[1])  # fmt: skip
    return fig, axes


#: Figures of :func:`reused_grid`, by their layout: kept for the next image of a batch.
_GRIDS: dict[tuple, tuple[Figure, np.ndarray]] = {}


def reused_grid(
    n_rows: int, n_cols: int, size: tuple[float, float], **layout
) -> tuple[Figure, np.ndarray]:
    """:func:`plot_grid`'s figure, emptied for a new drawing: the last figure of the same
    layout (from an earlier image of the job) with its lines and collections removed,
    its data limits forgotten and its axes on, or a new one. The figures drawn on it set
    every title, axis label and legend they show each time (the next ``ax.legend()``
    replaces a legend), so those are not reset.

    A figure job draws the same grid for every image; making its axes and their ticks again
    took most of the time of drawing such a figure. What is drawn on the emptied figure is
    what a new one shows, pixel for pixel (``tests/test_figures.py`` checks).
    """
    key = (n_rows, n_cols, size, tuple(sorted(layout.items())))
    if key not in _GRIDS:
        _GRIDS[key] = plot_grid(n_rows, n_cols, size, **layout)
        return _GRIDS[key]
    fig, axes = _GRIDS[key]
    for ax in axes.flat:
        for artist in [*ax.lines, *ax.collections]:
            artist.remove()
        ax.set_axis_on()
        ax.relim()  # forget the last drawing's data limits, and show what a new axes shows
        ax.set_xlim(0, 1, auto=True)
        ax.set_ylim(0, 1, auto=True)
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


def save_figure(fig: Figure, path, dpi: int = FIGURE_DPI) -> None:
    """Write ``fig`` as PNG atomically and close it.

    zlib level 1: PNG encoding was a fifth of the drawing time at the default level 6, for
    files 5% smaller. A :func:`panel_figure` is saved at :data:`FIGURE_DPI`, the resolution
    its panels were composed at: matplotlib draws its text, the panels' pixels are laid over
    it unchanged (matplotlib would resample them, which cost more than the rest of the
    figure), and Pillow writes the PNG.
    """
    if hasattr(fig, "segsweep_panels"):
        from PIL import Image

        canvas, drawn = fig.segsweep_panels
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        for top, bottom, left, right in drawn:  # slices: a boolean mask took 20x longer
            pixels[top:bottom, left:right] = canvas[top:bottom, left:right]
        with atomic_path(path) as tmp:
            Image.fromarray(pixels).save(tmp, format="PNG", compress_level=1)
        plt.close(fig)
        return
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    plt.close(fig)
