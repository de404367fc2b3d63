"""Segment one image with one method setup: every colour space, swept value and seed.

:func:`segment` is the work on one image: it converts the image to every colour space the
method works in and fits every value of its grid (k, or the method's own parameter) and
seed (:func:`segsweep.fit.sweep.sweep`). The fits are measured (criteria, scores) by a job
of their own, from the stored label maps (:mod:`segsweep.score.measure`), so that editing a
score never refits a model. The workflow's unit of work is one Snakemake job per (batch of
images, method label) (:mod:`segsweep.fit.batches`): starting a job costs about a second
(Python, scikit-learn's imports, Snakemake's script preamble), as much as segmenting an
image, so a job segments every image of its batch. Adding an image reruns its batch's jobs;
adding a method label adds jobs and reruns none; adding a colour space reruns the method's
jobs, which then fit every space.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sklearn

from segsweep.errors import FitError, tell_user
from segsweep.fit.setup import Setup
from segsweep.fit.spaces import to_features
from segsweep.fit.sweep import sweep
from segsweep.store.labelmaps import MapKey


def segment(
    rgb: np.ndarray,
    setup: Setup,
    spaces: Sequence[str],
    seeds: Sequence[int],
    image: str | None = None,
) -> tuple[pd.DataFrame, dict[MapKey, np.ndarray], pd.DataFrame]:
    """Fit one method setup on one image in every colour space of ``spaces``.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    setup : Setup
    spaces, seeds : sequences
    image : str, optional
        The image's name, for a method that reads files of its own.

    Returns
    -------
    fits : DataFrame
        One row per (space, value, seed): the fit's figures
        (:data:`segsweep.fit.sweep.FIT_COLUMNS`).
    label_maps : dict of (space, value, seed) to ndarray, shape (H, W)
    timings : DataFrame
        ``space, value, seed, fit_seconds``.
    """
    tables, timings, label_maps = [], [], {}
    for space in spaces:
        features = to_features(rgb, space)  # finite by construction: skip sklearn's checks
        with sklearn.config_context(assume_finite=True):
            fits, maps, fit_times = sweep(features, setup, seeds, image)
        tables.append(fits)
        timings.append(fit_times)
        label_maps.update({(space, v, seed): labels for (v, seed), labels in maps.items()})
    fits = pd.concat(tables, keys=spaces, names=["space", None]).reset_index(level=0)
    timings = pd.concat(timings, keys=spaces, names=["space", None]).reset_index(level=0)
    return fits.reset_index(drop=True), label_maps, timings.reset_index(drop=True)


def segment_image(
    image: str, rgb: np.ndarray, setup: Setup, spaces: Sequence[str], seeds: Sequence[int]
) -> tuple[pd.DataFrame, dict[MapKey, np.ndarray], pd.DataFrame]:
    """:func:`segment` of the image named ``image``; a library's failure to fit it (a
    ``ValueError``, ``numpy.linalg.LinAlgError`` or arithmetic error) becomes a
    :class:`~segsweep.errors.FitError` of one line naming the image, the entry and the
    library's message (the console and the job's log show that line, not a traceback)."""
    try:
        return segment(rgb, setup, spaces, seeds, image)
    except (ValueError, ArithmeticError) as error:  # LinAlgError is a ValueError
        reason = " ".join(str(error).split()) or "no message"
        raise FitError(
            f"image {image}: entry {setup.label}: the fit failed ({type(error).__name__}: {reason})"
        ) from error


def main(snakemake) -> None:
    """Snakemake entry: segment every image of one batch with one method setup and write its
    label maps, fits and fit timings (one file each for the batch)."""
    import logging

    from segsweep.errors import ExternalFileError
    from segsweep.store.files import load_standard_form, write_csv
    from segsweep.store.labelmaps import save_batch_label_maps

    params, method = snakemake.params, snakemake.wildcards.method
    setup = Setup.from_dict(method, params.setup)
    fits_tables, timing_tables = [], []

    def label_maps_by_image():
        for image, path in zip(params.images, snakemake.input.standard, strict=True):
            rgb, _ = load_standard_form(path)
            try:
                fits, label_maps, timings = segment_image(image, rgb, setup, params.spaces,
                                                          params.seeds)  # fmt: skip
            except ExternalFileError as error:  # this image only: the others go on
                message = f"{error} (image {image} left out of {method})"
                logging.warning("%s", message)
                tell_user(f"segsweep: {message}")
                continue
            keys = {"image": image, "method": method}
            fits_tables.append(fits.assign(**keys)[key_first(fits)])
            timing_tables.append(timings.assign(**keys)[key_first(timings)])
            yield image, label_maps

    save_batch_label_maps(snakemake.output.labels, label_maps_by_image())
    write_csv(snakemake.output.fits, joined(fits_tables))
    write_csv(snakemake.output.timings, joined(timing_tables))


def joined(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """A batch's rows; the key columns alone for a batch without accepted images."""
    if not tables:
        return pd.DataFrame(columns=["image", "space", "method", "value", "seed"])
    return pd.concat(tables, ignore_index=True)


def key_first(table: pd.DataFrame) -> list[str]:
    """Column order with the job keys first: image, space, method, then the rest."""
    return ["image", "space", "method", *(c for c in table.columns if c != "space")]
