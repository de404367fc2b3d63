"""Figures over all images: the leaderboard bar chart, the boundary precision-recall curves,
the critical-difference rank plot and the background-removal grid over the report's images,
with their Snakemake entries.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from segsweep.figures.canvas import Panel, downsample_step, panel_figure, plt
from segsweep.figures.image import baseline_threshold


def _checkerboard(shape: tuple[int, int], size: int = 8) -> np.ndarray:
    yy, xx = np.indices(shape)
    light = ((yy // size + xx // size) % 2).astype(bool)
    return np.where(light[..., None], 0.85, 0.65) * np.ones(3)


def composite(rgba: np.ndarray) -> np.ndarray:
    """An RGBA cut-out over a grey checkerboard, as float RGB in [0, 1]."""
    alpha = rgba[..., 3:] / 255.0
    return rgba[..., :3] / 255.0 * alpha + _checkerboard(rgba.shape[:2]) * (1 - alpha)


def background_figure(rows: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray]]) -> Figure:
    """Before/after grid: per image the photo, the clustering cut-out and the baseline's.

    Parameters
    ----------
    rows : sequence of (title, rgb, cluster cut-out RGBA, baseline cut-out RGBA)
    """
    title = "Background removal (transparent = background, shown as a checkerboard)"
    if not rows:
        fig = plt.figure(figsize=(6.0, 1.0))
        fig.text(0.5, 0.5, "No image's cut-outs could be drawn (the summary says why).",
                 ha="center", va="center")  # fmt: skip
        return fig
    aspects = [rgb.shape[0] / rgb.shape[1] for _, rgb, _, _ in rows]
    cells = []
    for name, rgb, clustered, baseline in rows:
        step = downsample_step(rgb.shape)
        cells.append([
            Panel(f"{name}: photo", rgb[::step, ::step]),
            Panel("cut-out: corner pixel's cluster", composite(clustered)[::step, ::step]),
            Panel(f"baseline: Chebyshev <= {baseline_threshold():g}",
                  composite(baseline)[::step, ::step]),
        ])  # fmt: skip
    return panel_figure(cells, aspects, panel=2.4, title=title, title_size=9)


def leaderboard_figure(leaderboard: pd.DataFrame) -> Figure:
    """Covering (ODS and OIS) and ARI (ODS) of every (space, method), best on top, each
    score's interval over images drawn from its low to its high end as the table has them
    (nothing clipped), when the table has intervals."""
    table = leaderboard.iloc[::-1]
    names = [f"{s} / {m}" for s, m in zip(table["space"], table["method"], strict=True)]
    y = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(table) + 1.8))
    for offset, column, label in ((-0.25, "covering_ods", "covering ODS (rank)"),
                                  (0.0, "covering_ois", "covering OIS"),
                                  (0.25, "ari_ods", "ARI ODS")):  # fmt: skip
        ax.barh(y + offset, table[column], height=0.25, label=label)
        low, high = table[f"{column}_low"], table[f"{column}_high"]
        drawn = low.notna().to_numpy()
        ax.hlines(y[drawn] + offset, low[drawn], high[drawn], color="black", linewidth=1)
        for end in (low, high):
            ax.plot(end[drawn], y[drawn] + offset, "|", color="black", markersize=5)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (higher is better); lines: interval over images")
    ax.set_title("Leaderboard over the images with ground truth")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def precision_recall_figure(
    curves: pd.DataFrame, leaderboard: pd.DataFrame, human_f: float | None = None
) -> Figure:
    """The boundary precision-recall curve of every entry over its swept values, on iso-F
    contours, each entry's ODS point marked and its ODS F, OIS F and AP in the legend (from
    the leaderboard), and the human agreement of the dataset (an F, drawn where recall and
    precision are equal) when it has one. Entries in the leaderboard's boundary F order."""
    fig, ax = plt.subplots(figsize=(6.4, 6.0))
    grid = np.linspace(0.01, 1, 200)
    for level in np.arange(0.1, 1.0, 0.1):
        recall = grid[grid > level / (2 - level)]  # where precision stays within [0, 1]
        ax.plot(recall, level * recall / (2 * recall - level), color="0.85", linewidth=0.8)
        ax.annotate(f"{level:.1f}", (1.0, level / (2 - level)), fontsize=7, color="0.5",
                    xytext=(2, 0), textcoords="offset points", va="center")  # fmt: skip
    order = leaderboard.sort_values("boundary_f_ods", ascending=False, kind="stable")
    for space, method, ods, ois, ap in order[["space", "method", "boundary_f_ods",
                                              "boundary_f_ois", "boundary_f_ap"]].itertuples(
                                                  index=False):  # fmt: skip
        curve = curves[(curves["space"] == space) & (curves["method"] == method)]
        curve = curve.sort_values("value")
        label = f"{space} / {method}: ODS {ods:.3f}, OIS {ois:.3f}, AP {ap:.3f}"
        (line,) = ax.plot(curve["recall"], curve["precision"], "-", marker=".", label=label)
        best = ods_point(curve)
        ax.plot(*best, "o", color=line.get_color(), markersize=8, markeredgecolor="black")
    if human_f is not None:
        label = f"human agreement: F {human_f:.2f} (drawn at recall = precision)"
        ax.plot(human_f, human_f, "*", color="black", markersize=12, label=label)
    ax.set_xlim(0, 1.02)  # points at recall or precision 1 stay whole
    ax.set_ylim(0, 1.02)
    ax.set_aspect("equal")
    ax.set_xlabel("boundary recall")
    ax.set_ylabel("boundary precision")
    ax.set_title("Boundaries over the images with ground truth (circles: ODS)")
    ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    return fig


def ods_point(curve: pd.DataFrame) -> tuple[float, float]:
    """Recall and precision of a curve's best F, interpolated between its points as the
    benchmark does (:func:`segsweep.score.boundaries.best_f_on_curve`)."""
    from segsweep.score.boundaries import best_f_on_curve

    _, recall, precision, _ = best_f_on_curve(curve["recall"].to_numpy(),
                                              curve["precision"].to_numpy())  # fmt: skip
    return recall, precision


def ranks_figure(per_image: pd.DataFrame, alpha: float) -> Figure:
    """Critical-difference plot: mean rank of each entry over the images, entries whose
    mean ranks differ by less than the Nemenyi critical difference joined by a bar."""
    from segsweep.tables import uncertainty

    by_entry = {
        f"{space} / {method}": rows.set_index("image")["covering"]
        for (space, method), rows in per_image.groupby(["space", "method"], sort=False)
    }
    ranks = uncertainty.mean_ranks(by_entry)
    n_images = len(next(iter(by_entry.values())))
    difference = uncertainty.critical_difference(len(ranks), n_images, alpha)
    groups = uncertainty.groups_not_different(ranks, difference)
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(ranks) + 0.3 * len(groups) + 1.6))
    y = -np.arange(len(ranks), dtype=float)
    ax.scatter(ranks.to_numpy(), y, color="black", zorder=3)
    for name, rank, row in zip(ranks.index, ranks.to_numpy(), y, strict=True):
        ax.annotate(f"{name} ({rank:.2f})", (rank, row), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)  # fmt: skip
    for level, members in enumerate(groups):
        low, high = ranks[members[0]], ranks[members[-1]]
        ax.plot([low, high], [0.8 + 0.3 * level] * 2, color="tab:blue", linewidth=3)
    ax.plot([1, 1 + difference], [y[-1] - 0.8] * 2, color="tab:red", linewidth=2)
    ax.annotate(f"CD = {difference:.2f}", (1, y[-1] - 0.8), xytext=(0, 4),
                textcoords="offset points", color="tab:red", fontsize=8)  # fmt: skip
    ax.set_xlim(0.5, len(ranks) + 0.5)
    ax.set_yticks([])
    ax.set_xlabel(f"mean rank over {n_images} images (1 = best covering at the entry's ODS k)")
    ax.set_title(f"Mean ranks; joined entries are not significantly different ({alpha})")
    fig.tight_layout()
    return fig


def background_main(snakemake) -> None:
    """Snakemake entry: before/after background-removal grid over the report's images (those
    whose cut-outs were drawn)."""
    from pathlib import Path

    from PIL import Image

    from segsweep.figures.canvas import displayable, save_figure
    from segsweep.figures.report import read_selection, write_thumbnail
    from segsweep.store.files import load_standard_form

    shown = set(read_selection(snakemake.input.selection))
    cutout_path = snakemake.params.cutout_path
    rows = []
    for name, photo in zip(snakemake.params.images, snakemake.input.images, strict=True):
        clustered = cutout_path.format(image=name, kind="cluster")
        baseline = cutout_path.format(image=name, kind="baseline")
        if name not in shown or not (Path(clustered).is_file() and Path(baseline).is_file()):
            continue  # a cut-out that could not be drawn is listed by the summary page
        with Image.open(clustered) as a, Image.open(baseline) as b:
            rgb = load_standard_form(photo)[0]
            rows.append((displayable(name), rgb, np.asarray(a), np.asarray(b)))
    save_figure(background_figure(rows), snakemake.output.figure)
    write_thumbnail(snakemake.output.figure, snakemake.output.report_copy, snakemake.params.width)


def leaderboard_main(snakemake) -> None:
    """Snakemake entry: the leaderboard as a bar chart."""
    from segsweep.figures.canvas import save_figure
    from segsweep.store.files import read_csv

    save_figure(leaderboard_figure(read_csv(snakemake.input.leaderboard)), snakemake.output.figure)


def precision_recall_main(snakemake) -> None:
    """Snakemake entry: the boundary precision-recall figure."""
    from segsweep.figures.canvas import save_figure
    from segsweep.store.files import read_csv

    figure = precision_recall_figure(read_csv(snakemake.input.curves),
                                     read_csv(snakemake.input.leaderboard),
                                     snakemake.params.human_f)  # fmt: skip
    save_figure(figure, snakemake.output.figure)


def ranks_main(snakemake) -> None:
    """Snakemake entry: the critical-difference rank plot."""
    from segsweep.figures.canvas import save_figure
    from segsweep.store.files import read_csv

    figure = ranks_figure(read_csv(snakemake.input.per_image), snakemake.params.alpha)
    save_figure(figure, snakemake.output.figure)
