"""Measure one batch's fits of one method setup, from their stored label maps.

The ``measure`` job reads each image's standard form (photo and annotations) and the label
maps the ``segment`` job stored, converts the photo to each colour space again (a few
milliseconds), and gives every fit its internal criteria and, with ground truth, its scores
(:func:`segsweep.score.evaluate.evaluate`). It is a job of its own so that editing a score
or a criterion recomputes them without refitting any model (segsweep.entry: each rule's
code is part of its params).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import sklearn

from segsweep.fit.spaces import to_features
from segsweep.score.criteria import CLUSTER_CRITERIA_MAX_SEGMENTS
from segsweep.score.evaluate import evaluate
from segsweep.score.measures import GROUPS, ImageTruth, groups_of
from segsweep.store.labelmaps import MapKey


def measure(
    rgb: np.ndarray,
    annotations: Sequence[np.ndarray],
    label_maps: Mapping[MapKey, np.ndarray],
    silhouette_sample: int,
    max_segments: int | None = CLUSTER_CRITERIA_MAX_SEGMENTS,
    groups: Sequence[str] = GROUPS,
    own_boundaries=None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Criteria and scores of every fit of one image.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    annotations : sequence of ndarray
        Ground truth of the image (empty: no scores).
    label_maps : mapping of (space, value, seed) to ndarray, shape (H, W)
        In the order the sweep fitted them.
    silhouette_sample, max_segments : int
        The configuration's ``criteria`` (:func:`segsweep.score.criteria.internal_criteria`).
    groups : sequence of str
        The groups of scores the configuration's ``scores`` turns on.
    own_boundaries : callable, optional
        ``own_boundaries(value)``: a method's own boundary map at a value (a UCM's).

    Returns
    -------
    measures : DataFrame
        ``space, value, seed``, the criteria, ``skipped`` and, with annotations, the scores.
    timings : DataFrame
        ``space, value, seed, evaluate_seconds``.
    """
    truth = ImageTruth.of(annotations, groups) if len(annotations) else None
    spaces = list(dict.fromkeys(space for space, _, _ in label_maps))
    tables, timings = [], []
    for space in spaces:
        maps = {(v, seed): labels for (s, v, seed), labels in label_maps.items() if s == space}
        fits = pd.DataFrame(list(maps), columns=["value", "seed"])
        with sklearn.config_context(assume_finite=True):
            features = to_features(rgb, space)
            measures, seconds = evaluate(features, maps, fits, silhouette_sample, truth,
                                         max_segments, own_boundaries)  # fmt: skip
        tables.append(measures.assign(space=space))
        timings.append(fits.assign(space=space, evaluate_seconds=seconds))
    order = ["space", "value", "seed"]
    measures = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=order)
    timings = pd.concat(timings, ignore_index=True) if timings else pd.DataFrame(columns=order)
    return (measures[[*order, *(c for c in measures.columns if c not in order)]],
            timings[[*order, "evaluate_seconds"]] if len(timings) else timings)  # fmt: skip


def main(snakemake) -> None:
    """Snakemake entry: measure every image of one batch for one method setup; write its
    measures and their timings (one file each for the batch)."""
    from segsweep.fit.segment import joined, key_first
    from segsweep.fit.setup import Setup
    from segsweep.store.files import load_standard_form, write_csv
    from segsweep.store.labelmaps import batch_images, load_label_maps

    params, method = snakemake.params, snakemake.wildcards.method
    setup = Setup.from_dict(method, params.setup)
    groups = groups_of(params.scores)
    measure_tables, timing_tables = [], []
    segmented = set(batch_images(snakemake.input.labels))  # not an image a method skipped
    for image, path in zip(params.images, snakemake.input.standard, strict=True):
        if image not in segmented:
            continue
        rgb, annotations = load_standard_form(path)
        measures, timings = measure(
            rgb, annotations, load_label_maps(snakemake.input.labels, image),
            params.criteria["silhouette_sample"], params.criteria["max_segments"], groups,
            setup.own_boundaries(image, rgb.shape[:2]),
        )  # fmt: skip
        keys = {"image": image, "method": method}
        measure_tables.append(measures.assign(**keys)[key_first(measures)])
        timing_tables.append(timings.assign(**keys)[key_first(timings)])
    write_csv(snakemake.output.measures, joined(measure_tables))
    write_csv(snakemake.output.timings, joined(timing_tables))
