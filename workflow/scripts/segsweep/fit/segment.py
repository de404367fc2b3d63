"""Segment one image with one method setup: every colour space, swept value and seed,
measured at once.

:func:`segment` is the work on one image: it converts the image to every colour space the
method works in, fits every value of its grid (k, or the method's own parameter) and seed
(:func:`segsweep.fit.sweep.sweep`) and measures every fit (:func:`segsweep.score.evaluate.evaluate`:
internal criteria, and scores against the ground truth) while the features and label maps
are in memory. The workflow's unit of work is one Snakemake job per (batch of images,
method label) (:mod:`segsweep.fit.batches`): starting a job costs about a second (Python,
scikit-learn's imports, Snakemake's script preamble), as much as segmenting an image, so a
job segments every image of its batch. Adding an image reruns its batch's jobs; adding a
method label adds jobs and reruns none; adding a colour space reruns the method's jobs,
which then fit every space.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import sklearn

from segsweep.fit.spaces import to_features
from segsweep.fit.sweep import sweep
from segsweep.score.criteria import CLUSTER_CRITERIA_MAX_SEGMENTS
from segsweep.score.evaluate import evaluate
from segsweep.score.scores import Partition
from segsweep.setup import Setup
from segsweep.store.labelmaps import MapKey


def segment(
    rgb: np.ndarray,
    annotations: Sequence[np.ndarray],
    setup: Setup,
    spaces: Sequence[str],
    seeds: Sequence[int],
    silhouette_sample: int,
    max_segments: int | None = CLUSTER_CRITERIA_MAX_SEGMENTS,
) -> tuple[pd.DataFrame, dict[MapKey, np.ndarray], pd.DataFrame]:
    """Fit and measure one method setup on one image in every colour space of ``spaces``.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    annotations : sequence of ndarray
        Ground-truth annotations of the image (empty: no scores).
    setup : Setup
    spaces, seeds : sequences
    silhouette_sample, max_segments : int
        The configuration's ``criteria`` (:func:`segsweep.score.criteria.internal_criteria`).

    Returns
    -------
    fits : DataFrame
        One row per (space, value, seed): the fit's figures, its criteria and, with
        annotations, its scores.
    label_maps : dict of (space, value, seed) to ndarray, shape (H, W)
    timings : DataFrame
        ``space, value, seed, fit_seconds, evaluate_seconds``.
    """
    prepared = [Partition.of(annotation) for annotation in annotations]
    tables, timings, label_maps = [], [], {}
    for space in spaces:
        features = to_features(rgb, space)  # finite by construction: skip sklearn's checks
        with sklearn.config_context(assume_finite=True):
            fits, maps, fit_times = sweep(features, setup, seeds)
            measures, seconds = evaluate(
                features, maps, fits, silhouette_sample, prepared, max_segments
            )
        tables.append(fits.merge(measures, on=["value", "seed"], validate="one_to_one"))
        timings.append(fit_times.assign(evaluate_seconds=seconds))
        label_maps.update({(space, v, seed): labels for (v, seed), labels in maps.items()})
    fits = pd.concat(tables, keys=spaces, names=["space", None]).reset_index(level=0)
    timings = pd.concat(timings, keys=spaces, names=["space", None]).reset_index(level=0)
    return fits.reset_index(drop=True), label_maps, timings.reset_index(drop=True)


def main(snakemake) -> None:
    """Snakemake entry: segment every image of one batch with one method setup and write its
    label maps, fits and timings (one file each for the batch)."""
    from segsweep.store.files import load_standard_form, write_csv
    from segsweep.store.labelmaps import save_batch_label_maps

    params, method = snakemake.params, snakemake.wildcards.method
    setup = Setup.from_dict(method, params.setup)
    fits_tables, timing_tables = [], []

    def label_maps_by_image():
        for image, path in zip(params.images, snakemake.input.standard, strict=True):
            rgb, annotations = load_standard_form(path)
            fits, label_maps, timings = segment(
                rgb, annotations, setup, params.spaces, params.seeds,
                params.criteria["silhouette_sample"], params.criteria["max_segments"],
            )  # fmt: skip
            keys = {"image": image, "method": method}
            fits_tables.append(fits.assign(**keys)[_key_first(fits)])
            timing_tables.append(timings.assign(**keys)[_key_first(timings)])
            yield image, label_maps

    save_batch_label_maps(snakemake.output.labels, label_maps_by_image())
    write_csv(snakemake.output.fits, _joined(fits_tables))
    write_csv(snakemake.output.timings, _joined(timing_tables))


def _joined(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The batch's rows; the key columns alone for a batch without accepted images."""
    if not tables:
        return pd.DataFrame(columns=["image", "space", "method", "value", "seed"])
    return pd.concat(tables, ignore_index=True)


def _key_first(table: pd.DataFrame) -> list[str]:
    """Column order with the job keys first: image, space, method, then the rest."""
    return ["image", "space", "method", *(c for c in table.columns if c != "space")]
