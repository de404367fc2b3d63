"""Evaluate a sweep: internal criteria of every fit and, with ground truth, its scores.

The segment step (:mod:`segsweep.fit.segment`) calls :func:`evaluate` right after fitting, while
the features and label maps are in memory. Criteria are defined in :mod:`segsweep.score.criteria`,
scores in :mod:`segsweep.score.scores`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from segsweep.score.criteria import (
    CLUSTER_CRITERIA_MAX_SEGMENTS,
    CRITERIA_COLUMNS,
    SilhouetteDistances,
    internal_criteria,
)
from segsweep.score.measures import ImageTruth, score_fit, scores_of


def evaluate(
    features: np.ndarray,
    label_maps: Mapping[tuple[float, int], np.ndarray],
    fits: pd.DataFrame,
    silhouette_sample: int,
    annotations: Sequence | None = None,
    max_segments: int | None = CLUSTER_CRITERIA_MAX_SEGMENTS,
    own_boundaries=None,
) -> tuple[pd.DataFrame, list[float]]:
    """Criteria (and scores, if ``annotations`` is given) of every fit in ``fits``.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    label_maps : mapping of (value, seed) to ndarray, shape (H, W)
    fits : DataFrame
        Columns ``value`` (of the swept parameter) and ``seed``, one row per fit.
    silhouette_sample : int
    annotations : ImageTruth or sequence of label images, optional
        The image's annotations, prepared once for all fits (:class:`ImageTruth`; from label
        images, for every group of scores).
    max_segments : int or None
        ``criteria.max_segments`` (:func:`segsweep.score.criteria.internal_criteria`).
    own_boundaries : callable, optional
        ``own_boundaries(value)``: the boundary map a method gives itself at a swept value
        (a UCM's), scored instead of the labels' boundaries.

    Returns
    -------
    table : DataFrame
        ``value, seed``, the criteria columns, ``skipped`` (the criteria left empty and why)
        and, with annotations, the score columns.
    seconds : list of float
        Time spent on each fit's criteria and scores (kept out of the table, which must be
        reproducible).
    """
    X = features.reshape(-1, features.shape[-1])
    distances = SilhouetteDistances(X, silhouette_sample)
    truth = annotations
    if annotations is not None and not isinstance(annotations, ImageTruth):
        truth = ImageTruth.of(annotations) if len(annotations) else None
    rows, seconds = [], []
    for value, seed in zip(fits["value"].tolist(), fits["seed"].tolist(), strict=True):
        start = time.perf_counter()
        labels = label_maps[(value, seed)]
        row = {"value": value, "seed": seed}
        row.update(internal_criteria(X, labels.ravel(), silhouette_sample, seed,
                                     distances(seed), max_segments))  # fmt: skip
        if truth is not None:
            own = own_boundaries(value) if own_boundaries is not None else None
            row.update(score_fit(truth, labels, own))
        rows.append(row)
        seconds.append(time.perf_counter() - start)
    scores = [m.column for m in scores_of(truth.groups)] if truth is not None else []
    columns = ["value", "seed", *CRITERIA_COLUMNS, *scores, "skipped"]
    return pd.DataFrame(rows, columns=columns), seconds
