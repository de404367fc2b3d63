"""An independent reference for the Berkeley benchmark's per-image statistics.

PRI, VI and covering computed with one library call each (scikit-learn's ``rand_score``,
scikit-image's ``variation_of_information``) and per-region IoUs, so the fixture tests can
compare :mod:`segsweep.score.benchmark` against the official outputs through code that shares
nothing with :mod:`segsweep.score.scores` but the region IoUs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from skimage.metrics import variation_of_information
from sklearn.metrics import rand_score

from segsweep.score.scores import region_ious


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


def best_covering(best_cover_nums: Sequence[float], cover_dens: Sequence[float]) -> float:
    """Dataset "best" covering from per-image best numerators and denominators."""
    return float(np.sum(best_cover_nums) / np.sum(cover_dens))
