"""Berkeley segmentation benchmark (BSDS500) region measures over a sweep.

The benchmark evaluates one segmentation per "threshold"; here a threshold is a k of the
sweep. For every image and threshold it needs the probabilistic Rand index (PRI: mean Rand
index over the annotations), the variation of information (VI: mean over annotations, bits)
and the covering numerator and denominator (regions of all annotations pooled), as defined in
:mod:`segsweep.score.scores`. From those:

- **ODS** (optimal dataset scale) picks one threshold for the whole dataset. PRI and VI are
  averaged over images per threshold, then the best threshold is taken (highest PRI, lowest
  VI). Covering sums numerators and denominators over images per threshold, then takes the best.
- **OIS** (optimal image scale) picks the best threshold per image. PRI and VI average the
  per-image best values. Covering takes each image's best threshold (the last one in case of
  ties, as the benchmark does) and divides the summed numerators by the summed denominators at
  those thresholds.
- **best** covering matches every true region with its best segment over all thresholds.

Ties for ODS go to the first (smallest) threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


def ods_ois(table: pd.DataFrame) -> dict[str, float]:
    """Dataset-level ODS and OIS from per-image, per-threshold statistics.

    Parameters
    ----------
    table : DataFrame
        Columns ``image``, ``threshold``, ``pri``, ``vi``, ``cover_num``, ``cover_den``.

    Returns
    -------
    dict
        ``pri_ods_threshold``, ``pri_ods``, ``pri_ois``, ``vi_ods_threshold``, ``vi_ods``,
        ``vi_ois``, ``cover_ods_threshold``, ``cover_ods``, ``cover_ois``.
    """
    matrices = {
        column: table.pivot_table(index="image", columns="threshold", values=column, dropna=False)
        for column in ("pri", "vi", "cover_num", "cover_den")
    }
    thresholds = matrices["pri"].columns.to_numpy()
    return ods_ois_matrices(
        *(matrices[column].to_numpy(dtype=float) for column in matrices), thresholds
    )


def mean_ods_ois(matrix: np.ndarray, higher_is_better: bool = True):
    """ODS and OIS of a score averaged over images (PRI, VI, ARI), from a matrix of shape
    (images, thresholds), NaN where an image lacks a threshold.

    Returns
    -------
    ods_column : int
        The threshold of the best mean (the first of equal bests).
    ods, ois : float
        The best mean; the mean of each image's best.
    image_bests : ndarray
        Each image's best value.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.nanmean(matrix, axis=0)
    best = np.nanargmax(means) if higher_is_better else np.nanargmin(means)
    image_bests = np.nanmax(matrix, axis=1) if higher_is_better else np.nanmin(matrix, axis=1)
    return int(best), float(means[best]), float(image_bests.mean()), image_bests


def ratio_ods_ois(numerators: np.ndarray, denominators: np.ndarray):
    """ODS and OIS of a score that is a ratio of sums over images (covering), from matrices
    of shape (images, thresholds), NaN where an image lacks a threshold.

    Returns
    -------
    ods_column : int
        The threshold of the best ratio of sums (the first of equal bests).
    ods, ois : float
        That ratio; the ratio of sums at each image's own best threshold, the last of its
        equal bests, as the benchmark takes them.
    image_columns : ndarray of int
        Each image's OIS threshold.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.nansum(numerators, axis=0) / np.nansum(denominators, axis=0)
        per_image = numerators / denominators
    best = np.nanargmax(ratio)
    # each image's last best threshold: the first best of the reversed row
    last_best = per_image.shape[1] - 1 - np.nanargmax(per_image[:, ::-1], axis=1)
    rows = np.arange(len(per_image))
    ois = numerators[rows, last_best].sum() / denominators[rows, last_best].sum()
    return int(best), float(ratio[best]), float(ois), last_best


def ods_ois_matrices(
    pri: np.ndarray,
    vi: np.ndarray,
    cover_num: np.ndarray,
    cover_den: np.ndarray,
    thresholds: np.ndarray,
) -> dict[str, float]:
    """:func:`ods_ois` on matrices of shape (images, thresholds), NaN where an image lacks
    a threshold (:func:`mean_ods_ois`, :func:`ratio_ods_ois`). Besides the scores it gives
    the column of each ODS choice (``pri_ods_column``, ``vi_ods_column``,
    ``cover_ods_column``) and each image's OIS column for covering (``cover_ois_columns``)."""
    best_pri, pri_ods, pri_ois, _ = mean_ods_ois(pri, higher_is_better=True)
    best_vi, vi_ods, vi_ois, _ = mean_ods_ois(vi, higher_is_better=False)
    best_cover, cover_ods, cover_ois, last_best = ratio_ods_ois(cover_num, cover_den)
    return {
        "pri_ods_column": best_pri,
        "vi_ods_column": best_vi,
        "cover_ods_column": best_cover,
        "cover_ois_columns": last_best,
        "pri_ods_threshold": thresholds[best_pri].item(),
        "pri_ods": pri_ods,
        "vi_ods_threshold": thresholds[best_vi].item(),
        "vi_ods": vi_ods,
        "cover_ods_threshold": thresholds[best_cover].item(),
        "cover_ods": cover_ods,
        "pri_ois": pri_ois,
        "vi_ois": vi_ois,
        "cover_ois": cover_ois,
    }
