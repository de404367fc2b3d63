"""Berkeley segmentation benchmark (BSDS500) region measures over a sweep.

The benchmark evaluates one segmentation per "threshold"; here a threshold is a k of the
sweep. For every image and threshold it needs the probabilistic Rand index (PRI: mean Rand
index over the annotations), the variation of information (VI: mean over annotations, bits)
and the covering numerator and denominator (regions of all annotations pooled), as defined in
:mod:`segsweep.scores`. From those:

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


def ods_ois_matrices(
    pri: np.ndarray,
    vi: np.ndarray,
    cover_num: np.ndarray,
    cover_den: np.ndarray,
    thresholds: np.ndarray,
) -> dict[str, float]:
    """:func:`ods_ois` on matrices of shape (images, thresholds), NaN where an image lacks
    a threshold; the form :mod:`segsweep.uncertainty` works on. Besides the scores it gives
    the column of each ODS choice (``pri_ods_column``, ``vi_ods_column``,
    ``cover_ods_column``) and each image's OIS column for covering (``cover_ois_columns``)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_pri, mean_vi = np.nanmean(pri, axis=0), np.nanmean(vi, axis=0)
        cover = np.nansum(cover_num, axis=0) / np.nansum(cover_den, axis=0)
        per_image = cover_num / cover_den
    best_pri, best_vi, best_cover = (
        np.nanargmax(mean_pri),
        np.nanargmin(mean_vi),
        np.nanargmax(cover),
    )
    # each image's last best threshold: the first best of the reversed row
    last_best = per_image.shape[1] - 1 - np.nanargmax(per_image[:, ::-1], axis=1)
    rows = np.arange(len(per_image))
    return {
        "pri_ods_column": int(best_pri),
        "vi_ods_column": int(best_vi),
        "cover_ods_column": int(best_cover),
        "cover_ois_columns": last_best,
        "pri_ods_threshold": thresholds[best_pri].item(),
        "pri_ods": float(mean_pri[best_pri]),
        "vi_ods_threshold": thresholds[best_vi].item(),
        "vi_ods": float(mean_vi[best_vi]),
        "cover_ods_threshold": thresholds[best_cover].item(),
        "cover_ods": float(cover[best_cover]),
        "pri_ois": float(np.nanmax(pri, axis=1).mean()),
        "vi_ois": float(np.nanmin(vi, axis=1).mean()),
        "cover_ois": float(cover_num[rows, last_best].sum() / cover_den[rows, last_best].sum()),
    }
