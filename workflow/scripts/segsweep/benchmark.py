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

from collections.abc import Sequence

import numpy as np
import pandas as pd
from skimage.metrics import variation_of_information
from sklearn.metrics import rand_score

from segsweep.scores import region_ious


def evaluate_image(
    segmentations: Sequence[np.ndarray], annotations: Sequence[np.ndarray]
) -> tuple[pd.DataFrame, float]:
    """Benchmark statistics of one image's segmentations, one per threshold.

    Parameters
    ----------
    segmentations : sequence of ndarray
        One label image per threshold, in threshold order.
    annotations : sequence of ndarray
        The image's ground-truth annotations.

    Returns
    -------
    table : DataFrame
        One row per threshold (1-based ``threshold``) with ``pri``, ``vi``, ``cover_num``,
        ``cover_den``.
    best_cover_num : float
        Sum over true regions of size times best IoU over all thresholds (for "best").
    """
    flat_annotations = [truth.ravel() for truth in annotations]
    sizes = np.concatenate([np.bincount(truth)[np.unique(truth)] for truth in flat_annotations])
    rows = []
    best = np.zeros(len(sizes))
    for threshold, segmentation in enumerate(segmentations, start=1):
        flat = segmentation.ravel()
        ious = np.concatenate([region_ious(truth, segmentation)[0] for truth in annotations])
        best = np.maximum(best, ious)
        rows.append(
            {
                "threshold": threshold,
                "pri": float(np.mean([rand_score(truth, flat) for truth in flat_annotations])),
                "vi": float(
                    np.mean([variation_of_information(t, flat).sum() for t in flat_annotations])
                ),
                "cover_num": float((ious * sizes).sum()),
                "cover_den": float(sizes.sum()),
            }
        )
    return pd.DataFrame(rows), float((best * sizes).sum())


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
    per_threshold = table.groupby("threshold").agg(
        pri=("pri", "mean"), vi=("vi", "mean"), num=("cover_num", "sum"), den=("cover_den", "sum")
    )
    cover = per_threshold["num"] / per_threshold["den"]
    thresholds = per_threshold.index.to_numpy()
    result = {
        "pri_ods_threshold": int(thresholds[int(np.argmax(per_threshold["pri"].to_numpy()))]),
        "pri_ods": float(per_threshold["pri"].max()),
        "vi_ods_threshold": int(thresholds[int(np.argmin(per_threshold["vi"].to_numpy()))]),
        "vi_ods": float(per_threshold["vi"].min()),
        "cover_ods_threshold": int(thresholds[int(np.argmax(cover.to_numpy()))]),
        "cover_ods": float(cover.max()),
    }
    by_image = table.sort_values(["image", "threshold"]).groupby("image")
    result["pri_ois"] = float(by_image["pri"].max().mean())
    result["vi_ois"] = float(by_image["vi"].min().mean())
    num = den = 0.0
    for _, rows in by_image:
        ratio = (rows["cover_num"] / rows["cover_den"]).to_numpy()
        last_best = len(ratio) - 1 - int(np.argmax(ratio[::-1]))
        num += rows["cover_num"].iloc[last_best]
        den += rows["cover_den"].iloc[last_best]
    result["cover_ois"] = float(num / den)
    return result


def best_covering(best_cover_nums: Sequence[float], cover_dens: Sequence[float]) -> float:
    """Dataset "best" covering from per-image best numerators and denominators."""
    return float(np.sum(best_cover_nums) / np.sum(cover_dens))
