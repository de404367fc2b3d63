"""The registry of figures: every figure the workflow draws, declared once.

A :class:`FigureSpec` names a figure, says what it is drawn for (its scope), which report
category and caption it gets, which rule draws it and with which function. The per-image
job's outputs, the report's copies and captions, ``make figures`` and the tests' list of
expected files are all generated from :data:`FIGURES`; adding a per-image figure is one
entry here and its drawing function (which takes a :class:`segsweep.figures.image.ImageScene`
and a colour space, or None, and returns a matplotlib Figure).

This module imports nothing heavy: the workflow reads it while it parses.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Scopes: one figure per image and colour space, per image, per image with ground truth,
#: or one for the whole run.
SCOPES = ("space", "image", "truth", "dataset")

_SCATTER = (
    "Pixels of the image in the colour space of ``figures.detail_space`` (a seeded random "
    "sample of 4 000 pixels): scatter plots of the channel pairs, or a 3-D scatter, drawn in "
    "the pixels' own colours and coloured by the cluster ``figures.detail_method`` gives them "
    "at the chosen k (``figures.k``, by default the elbow's pick)."
)


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the registry.

    Attributes
    ----------
    name : str
        Its file name without ending; a figure per colour space is ``SPACE_NAME``.
    scope : str
        One of :data:`SCOPES`.
    category : str
        Its report category.
    caption : str
        Its report caption (reStructuredText; per-image figures), or the caption file under
        ``workflow/report/`` (dataset figures, whose captions read the config).
    rule : str
        The rule that draws it.
    draw : str
        ``module:function`` that draws it (per-image figures; the rule's entry draws a
        dataset figure).
    """

    name: str
    scope: str
    category: str
    caption: str
    rule: str
    draw: str = ""


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec("recolour", "space", "Segmentations",
               "The photo beside its segmentations in one colour space: one row per method, "
               "one column per swept value. Each pixel is painted with the mean RGB colour of "
               "its cluster.", "plot_images", "segsweep.figures.image:draw_recolour"),
    FigureSpec("labels", "space", "Label maps",
               "Label maps of the segmentations (one row per method, one column per swept "
               "value) in a fixed, colour-blind-safe palette. Labels are numbered in order of "
               "first appearance from the top-left corner, so label 0 (orange) is always the "
               "cluster of the top-left pixel.", "plot_images",
               "segsweep.figures.image:draw_labels"),
    FigureSpec("edges", "space", "Edges and boundaries",
               "Canny edges of the photo (scikit-image ``canny`` on the grey image, Gaussian "
               "width ``figures.canny_sigma``) beside the boundaries of each method's "
               "segmentation in one colour space, drawn over the photo, at the k of "
               "``figures.k`` or, by default, the k the elbow rule picks for that method.",
               "plot_images", "segsweep.figures.image:draw_edges"),
    FigureSpec("elbow", "image", "Choice of k",
               "Elbow curves: within-cluster sum of squares (top) and mean distance to the "
               "cluster mean (bottom) against k, per colour space and method. The star marks "
               "the k the knee rule picks. Values are comparable between methods within one "
               "colour space, not across spaces.", "plot_images",
               "segsweep.figures.image:draw_elbow"),
    FigureSpec("picks", "image", "Choice of k",
               "Which k each criterion picks for one image: one row per colour space and "
               "method, one column per criterion (elbow, BIC, AIC, silhouette, "
               "Calinski-Harabasz, Davies-Bouldin), the picked k written in each cell.",
               "plot_images", "segsweep.figures.image:draw_picks"),
    FigureSpec("scatter", "image", "Pixels in colour space", _SCATTER, "plot_images",
               "segsweep.figures.image:draw_scatter"),
    FigureSpec("scatter3d", "image", "Pixels in colour space", _SCATTER, "plot_images",
               "segsweep.figures.image:draw_scatter3d"),
    FigureSpec("clusters", "image", "Clusters and masks",
               "The label map of the chosen segmentation in the fixed colour-blind-safe "
               "palette, one binary mask per cluster (with its share of the pixels), and the "
               "photo multiplied by each mask.", "plot_images",
               "segsweep.figures.image:draw_clusters"),
    FigureSpec("truth", "truth", "Ground truth",
               "The photo, its ground truth, the best segmentation of the sweep by adjusted "
               "Rand index (over colour spaces, methods and swept values, for the figure "
               "seed), and its wrongly labelled pixels in red: segments are matched "
               "one-to-one to true regions (Hungarian matching), and a pixel is wrong if its "
               "segment is matched to another region or to none. With several annotations "
               "the first is shown.", "plot_images",
               "segsweep.figures.image:draw_truth"),
    FigureSpec("background_removal", "dataset", "Background removal", "background.rst",
               "plot_background"),
    FigureSpec("leaderboard", "dataset", "Ground truth", "leaderboard.rst", "plot_leaderboard"),
    FigureSpec("precision_recall", "dataset", "Ground truth", "precision_recall.rst",
               "plot_precision_recall"),
    FigureSpec("ranks", "dataset", "Ground truth", "ranks.rst", "plot_ranks"),
)  # fmt: skip


def spec(name: str) -> FigureSpec:
    """The figure of :data:`FIGURES` called ``name``."""
    found = {figure.name: figure for figure in FIGURES}
    if name not in found:
        raise KeyError(f"no figure {name!r} in the registry; known: {sorted(found)}")
    return found[name]


def image_figures(spaces: list[str]) -> dict[str, FigureSpec]:
    """Every figure of an image (without ground truth): file name -> figure, those per
    colour space once for each of ``spaces``."""
    found = {}
    for figure in FIGURES:
        if figure.scope == "space":
            found |= {f"{space}_{figure.name}": figure for space in spaces}
        elif figure.scope == "image":
            found[figure.name] = figure
    return found


def truth_figures() -> dict[str, FigureSpec]:
    """The figures an image with ground truth gets besides :func:`image_figures`."""
    return {figure.name: figure for figure in FIGURES if figure.scope == "truth"}


def figure_rules() -> list[str]:
    """Every rule that draws a figure, then the report's copies and the summary page (what
    ``make figures`` redraws)."""
    rules = list(dict.fromkeys(figure.rule for figure in FIGURES))
    return [*rules, "report_figures", "summary"]


def captions(spaces: list[str]) -> dict[str, str]:
    """File name -> caption of every per-image figure (for the report's copies)."""
    return {
        name: figure.caption for name, figure in (image_figures(spaces) | truth_figures()).items()
    }
