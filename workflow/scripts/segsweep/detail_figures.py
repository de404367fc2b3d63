"""Per-image detail figures of the seed tutorials, and the background-removal cut-outs.

For one image, one colour space, one method and one k (``figures.k``, by default the k the
elbow rule picks) these draw: pixel scatter plots of the three channel pairs and a 3-D
scatter, in the pixels' own colours and coloured by cluster; the label map, one binary mask
per cluster and the photo multiplied by each mask. The cut-outs make the background (the
cluster of the top-left pixel) transparent, beside the Chebyshev-threshold baseline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from segsweep.figures import (
    PALETTE,
    downsample_step,
    image_panels,
    label_colormap,
    plt,
    show_labels,
)

#: Pixels drawn in scatter plots (a seeded random sample).
SCATTER_PIXELS = 4000


def scatter_sample(n_pixels: int, seed: int, size: int = SCATTER_PIXELS) -> np.ndarray:
    """Seeded random pixel indices for scatter plots (all pixels if there are few)."""
    if n_pixels <= size:
        return np.arange(n_pixels)
    return np.sort(np.random.default_rng(seed).choice(n_pixels, size, replace=False))


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
    fig, axes = plt.subplots(2, len(pairs), figsize=(4.0 * len(pairs), 8.0), squeeze=False)
    for col, (a, b) in enumerate(pairs):
        for row, colours in enumerate((own, by_cluster)):
            ax = axes[row, col]
            ax.scatter(X[index, a], X[index, b], c=colours, s=3, linewidths=0)
            ax.set_xlabel(channels[a])
            ax.set_ylabel(channels[b])
            what = "own colours" if row == 0 else "by cluster"
            ax.set_title(f"{channels[a]} - {channels[b]} ({what})")
    fig.suptitle(title)
    fig.tight_layout()
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
    fig, axes = image_panels(2, columns, rgb.shape[0] / rgb.shape[1], panel, title)
    small_labels = labels[::step, ::step]
    small_rgb = rgb[::step, ::step]
    show_labels(axes[0, 0], small_labels)
    axes[0, 0].set_title("label map")
    axes[1, 0].imshow(small_rgb)
    axes[1, 0].set_title("photo")
    for value in range(n):
        mask = small_labels == value
        axes[0, value + 1].imshow(mask, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[0, value + 1].set_title(f"mask {value} ({(labels == value).mean():.0%})")
        axes[1, value + 1].imshow(small_rgb * mask[..., None])
        axes[1, value + 1].set_title(f"photo x mask {value}")
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
    from segsweep.methods.corner_threshold import CornerThresholdMethod

    return CornerThresholdMethod.defaults()["threshold"]


def chebyshev_background(rgb: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """The tutorial baseline: Chebyshev distance to the top-left pixel <= ``threshold``
    (None: :func:`baseline_threshold`)."""
    from segsweep.methods.corner_threshold import CornerThresholdMethod

    features = rgb.astype(np.float32) / np.float32(255.0)
    threshold = baseline_threshold() if threshold is None else threshold
    model = CornerThresholdMethod(threshold=threshold).fit(features)
    return model.predict(features) == 0


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
    aspects = [rgb.shape[0] / rgb.shape[1] for _, rgb, _, _ in rows]
    fig, axes = image_panels(len(rows), 3, aspects, panel=2.4, title=title)
    for row, (name, rgb, clustered, baseline) in enumerate(rows):
        step = downsample_step(rgb.shape)
        panels = (
            ("photo", rgb / 255.0),
            ("cut-out: corner pixel's cluster", composite(clustered)),
            (f"baseline: Chebyshev <= {baseline_threshold():g}", composite(baseline)),
        )
        for col, (what, image) in enumerate(panels):
            ax = axes[row, col]
            ax.imshow(image[::step, ::step])
            ax.set_title(f"{name}: {what}" if col == 0 else what, fontsize=9)
    return fig


def picks_figure(picks: pd.DataFrame, title: str = "") -> Figure:
    """Which k each criterion picks: rows (space, method), columns criteria, k written in."""
    from segsweep.selection import CRITERIA

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


def leaderboard_figure(leaderboard: pd.DataFrame) -> Figure:
    """Covering (ODS and OIS) and ARI (ODS) of every (space, method), best on top, with the
    bootstrap interval of each score as an error bar when the table has one."""
    table = leaderboard.iloc[::-1]
    names = [f"{s} / {m}" for s, m in zip(table["space"], table["method"], strict=True)]
    y = np.arange(len(table))
    fig, ax = plt.subplots(figsize=(7.5, 0.5 * len(table) + 1.8))
    for offset, column, label in ((-0.25, "covering_ods", "covering ODS (rank)"),
                                  (0.0, "covering_ois", "covering OIS"),
                                  (0.25, "ari_ods", "ARI ODS")):  # fmt: skip
        low, high = table[f"{column}_low"], table[f"{column}_high"]
        errors = None
        if low.notna().all():
            errors = np.vstack([table[column] - low, high - table[column]]).clip(min=0)
        ax.barh(y + offset, table[column], height=0.25, label=label, xerr=errors, capsize=2)
    ax.set_yticks(y, names)
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (higher is better); bars: bootstrap interval over images")
    ax.set_title("Leaderboard over the images with ground truth")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def ranks_figure(per_image: pd.DataFrame, alpha: float) -> Figure:
    """Critical-difference plot: mean rank of each entry over the images, entries whose
    mean ranks differ by less than the Nemenyi critical difference joined by a bar."""
    from segsweep import uncertainty

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
    """Snakemake entry: before/after background-removal grid over the report's images."""
    from PIL import Image

    from segsweep.figures import displayable, save_figure
    from segsweep.ingest import load_standard_form
    from segsweep.report_figures import read_selection, write_thumbnail

    shown = set(read_selection(snakemake.input.selection))
    rows = []
    for name, photo, clustered, baseline in zip(
        snakemake.params.images,
        snakemake.input.images,
        snakemake.input.clusters,
        snakemake.input.baselines,
        strict=True,
    ):
        if name not in shown:
            continue
        with Image.open(clustered) as a, Image.open(baseline) as b:
            rgb = load_standard_form(photo)[0]
            rows.append((displayable(name), rgb, np.asarray(a), np.asarray(b)))
    save_figure(background_figure(rows), snakemake.output.figure)
    write_thumbnail(snakemake.output.figure, snakemake.output.report_copy, snakemake.params.width)


def leaderboard_main(snakemake) -> None:
    """Snakemake entry: the leaderboard as a bar chart."""
    from segsweep.figures import save_figure
    from segsweep.storage import read_csv

    save_figure(leaderboard_figure(read_csv(snakemake.input.leaderboard)), snakemake.output.figure)


def ranks_main(snakemake) -> None:
    """Snakemake entry: the critical-difference rank plot."""
    from segsweep.figures import save_figure
    from segsweep.storage import read_csv

    figure = ranks_figure(read_csv(snakemake.input.per_image), snakemake.params.alpha)
    save_figure(figure, snakemake.output.figure)


#: Snakemake entry of each rule this module serves (see :func:`segsweep.entry.run_rule`).
RULES = {
    "plot_background": background_main,
    "plot_leaderboard": leaderboard_main,
    "plot_ranks": ranks_main,
}
