"""The report's per-image figures: which images it shows, as small copies.

Every figure is drawn full size in ``results/figures/``; the HTML report embeds every file it
shows (base64), so at hundreds of images it would grow past a gigabyte. The report therefore
shows the figures of at most ``report.max_images`` images, as JPEG copies ``report.
thumbnail_width`` pixels wide:

- with at most that many images, all of them;
- otherwise, with ground truth, images spread evenly from the best to the worst segmented:
  ranked by the covering of the leaderboard's top entry at its ODS k, then taken at evenly
  spaced ranks (first and last included), so the report shows where the best method works and
  where it fails;
- without ground truth, images at evenly spaced positions of the sorted names.

Images without ground truth fill the places labelled images leave free, in name order.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

#: JPEG quality of the report's copies. At this quality and 700 pixels a copy averages about
#: 30 KB; a palette PNG of the same figure is larger for all but the picked-k chart.
THUMBNAIL_QUALITY = 75


def evenly_spaced(items: Sequence[str], count: int) -> list[str]:
    """``count`` items at evenly spaced positions of ``items`` (first and last included)."""
    if count >= len(items):
        return list(items)
    if count <= 0:
        return []
    positions = np.unique(np.rint(np.linspace(0, len(items) - 1, count)).astype(int))
    return [items[i] for i in positions]


def top_entry_scores(fits: pd.DataFrame, leaderboard: pd.DataFrame) -> pd.Series:
    """Per-image covering of the leaderboard's top (space, method) at its ODS value.

    Averaged over seeds, sorted from best to worst (ties by image name).
    """
    top = leaderboard.iloc[0]
    rows = fits[
        (fits["space"] == top["space"])
        & (fits["method"] == top["method"])
        & (fits["value"] == top["covering_ods_value"])
    ].dropna(subset=["covering"])
    scores = rows.groupby("image")["covering"].mean()
    order = sorted(scores.index, key=lambda image: (-scores[image], image))
    return scores.loc[order]


def select_images(images: Sequence[str], scores: pd.Series | None, max_images: int) -> list[str]:
    """Images whose figures the report shows (see the module docstring).

    Parameters
    ----------
    images : sequence of str
        Every accepted image.
    scores : Series or None
        :func:`top_entry_scores`, best first; None without ground truth.
    max_images : int

    Returns
    -------
    list of str, in the order the report lists them (best to worst, then by name)
    """
    images = sorted(images)
    if len(images) <= max_images:
        return images
    ranked = [] if scores is None else [image for image in scores.index if image in images]
    chosen = evenly_spaced(ranked, max_images)
    unscored = [image for image in images if image not in set(ranked)]
    return chosen + evenly_spaced(unscored, max_images - len(chosen))


def write_thumbnail(source, destination, width: int) -> None:
    """A JPEG copy of the figure ``source`` at most ``width`` pixels wide, written atomically."""
    from PIL import Image

    from segsweep.store.files import atomic_path

    with Image.open(source) as image:
        image = image.convert("RGB")
        if image.width > width:
            height = max(1, round(image.height * width / image.width))
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        with atomic_path(destination) as tmp:
            image.save(tmp, format="JPEG", quality=THUMBNAIL_QUALITY, optimize=True)


def selection_main(snakemake) -> None:
    """Snakemake entry: write the report's image selection (one image per line)."""
    from segsweep.store.files import read_csv, write_text

    fits = read_csv(snakemake.input.fits)
    leaderboard = snakemake.input.leaderboard  # empty without ground truth
    scores = top_entry_scores(fits, read_csv(leaderboard[0])) if leaderboard else None
    chosen = select_images(snakemake.params.images, scores, snakemake.params.max_images)
    write_text(snakemake.output.selection, "".join(f"{image}\n" for image in chosen))


def read_selection(path) -> list[str]:
    """Images listed by :func:`selection_main`."""
    return Path(path).read_text(encoding="utf-8").splitlines()


def thumbnails_main(snakemake) -> None:
    """Snakemake entry: JPEG copies of the selected images' figures, one folder per category.

    ``params.figures`` maps each per-image figure name to its report category; the copy of
    the figure ``params.figure_path`` (with ``{image}`` and ``{name}``) goes to
    ``OUTPUT/CATEGORY/IMAGE/NAME.jpg``.
    """
    output = Path(snakemake.output.folder)
    output.mkdir(parents=True, exist_ok=True)
    for image in read_selection(snakemake.input.selection):
        for name, category in snakemake.params.figures.items():
            source = Path(snakemake.params.figure_path.format(image=image, name=name))
            if source.is_file():  # the truth figure exists for images with ground truth only
                write_thumbnail(source, output / category / image / f"{name}.jpg",
                                snakemake.params.width)  # fmt: skip
