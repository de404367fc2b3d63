"""External scores: compare a segmentation with ground truth.

Labels are unordered, so every score compares partitions, never label values:

- ``ari``, ``ami``, ``rand``: adjusted Rand index, adjusted mutual information and Rand index
  (scikit-learn). The Rand index equals the Berkeley benchmark's RI.
- ``vi``, ``vi_split``, ``vi_merge``: variation of information in bits (scikit-image), with
  its parts: ``vi_split`` = H(segmentation | truth), the false splits (over-segmentation),
  and ``vi_merge`` = H(truth | segmentation), the false merges (under-segmentation).
- ``covering``: segmentation covering of the truth: every true region R is matched with the
  segment of highest intersection over union; ``sum |R| * IoU / sum |R|``. Segments are
  label values as given (not split into connected components).
- ``pixel_accuracy``, ``mean_iou``: after a one-to-one Hungarian matching of segments to true
  regions (maximising matched pixels, ties broken by the larger summed IoU so the result does
  not depend on label numbering); pixels of unmatched segments count as errors and unmatched
  true regions get IoU 0. ``mean_iou`` averages over true regions.

With several annotations of one image (the Berkeley benchmark's case) every score is the mean
over annotations, except covering, which pools regions of all annotations (numerator
``cover_num`` and denominator ``cover_den`` are kept so datasets can be pooled).

scikit-image's ``adapted_rand_error`` is not used: it ignores label 0 by default and would
score clusters labelled 0 as perfect.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from skimage.metrics import variation_of_information
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, rand_score
from sklearn.metrics.cluster import contingency_matrix

#: Score columns written by :func:`score_annotations`, in order.
SCORE_COLUMNS = [
    "ari",
    "ami",
    "rand",
    "vi",
    "vi_split",
    "vi_merge",
    "covering",
    "pixel_accuracy",
    "mean_iou",
    "cover_num",
    "cover_den",
]

#: Direction of each score: True if higher is better.
HIGHER_IS_BETTER = {
    "ari": True,
    "ami": True,
    "rand": True,
    "vi": False,
    "vi_split": False,
    "vi_merge": False,
    "covering": True,
    "pixel_accuracy": True,
    "mean_iou": True,
}


def _check_shapes(truth: np.ndarray, segmentation: np.ndarray) -> None:
    if truth.shape != segmentation.shape:
        raise ValueError(
            f"ground truth shape {truth.shape} differs from segmentation shape {segmentation.shape}"
        )


def region_ious(truth: np.ndarray, segmentation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Best IoU of each true region with any segment, and the regions' sizes.

    Parameters
    ----------
    truth, segmentation : ndarray of int, same shape

    Returns
    -------
    best_iou : ndarray of float, shape (n_true_regions,)
    sizes : ndarray of int, shape (n_true_regions,)
    """
    _check_shapes(truth, segmentation)
    table = contingency_matrix(truth.ravel(), segmentation.ravel()).astype(np.float64)
    return _iou_table(table).max(axis=1), table.sum(axis=1).astype(np.int64)


def _iou_table(table: np.ndarray) -> np.ndarray:
    """Intersection over union of every (true region, segment) pair of a contingency table."""
    union = table.sum(axis=1)[:, None] + table.sum(axis=0)[None, :] - table
    return table / union


def _match(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One-to-one matching of true regions (rows) to segments (columns).

    Maximises matched pixels; among matchings with equally many, the one with the largest
    summed IoU, so the result does not depend on how labels happen to be numbered. (The IoU
    term adds less than one in total, and pixel counts are whole numbers.)
    """
    tie_break = 0.5 / max(1, min(table.shape))
    return linear_sum_assignment(table + tie_break * _iou_table(table), maximize=True)


def hungarian_scores(truth: np.ndarray, segmentation: np.ndarray) -> tuple[float, float]:
    """Pixel accuracy and mean IoU after one-to-one matching of segments to true regions."""
    _check_shapes(truth, segmentation)
    table = contingency_matrix(truth.ravel(), segmentation.ravel()).astype(np.float64)
    rows, cols = _match(table)
    accuracy = table[rows, cols].sum() / table.sum()
    ious = np.zeros(table.shape[0])
    ious[rows] = _iou_table(table)[rows, cols]
    return float(accuracy), float(ious.mean())


def score_pair(truth: np.ndarray, segmentation: np.ndarray) -> dict[str, float]:
    """Every score of one segmentation against one annotation (see module docstring)."""
    _check_shapes(truth, segmentation)
    t, s = truth.ravel(), segmentation.ravel()
    split, merge = variation_of_information(t, s)
    best_iou, sizes = region_ious(truth, segmentation)
    accuracy, mean_iou = hungarian_scores(truth, segmentation)
    cover_num = float((best_iou * sizes).sum())
    cover_den = float(sizes.sum())
    return {
        "ari": float(adjusted_rand_score(t, s)),
        "ami": float(adjusted_mutual_info_score(t, s)),
        "rand": float(rand_score(t, s)),
        "vi": float(split + merge),
        "vi_split": float(split),
        "vi_merge": float(merge),
        "covering": cover_num / cover_den,
        "pixel_accuracy": accuracy,
        "mean_iou": mean_iou,
        "cover_num": cover_num,
        "cover_den": cover_den,
    }


def score_annotations(
    annotations: Sequence[np.ndarray], segmentation: np.ndarray
) -> dict[str, float]:
    """Scores of one segmentation against several annotations of the same image.

    Scores are averaged over annotations; covering pools every annotation's regions
    (``cover_num`` and ``cover_den`` are sums). With one annotation this is
    :func:`score_pair`.
    """
    if not annotations:
        raise ValueError("no annotation to score against")
    per_annotation = [score_pair(truth, segmentation) for truth in annotations]
    result = {
        key: float(np.mean([scores[key] for scores in per_annotation])) for key in SCORE_COLUMNS
    }
    result["cover_num"] = float(sum(scores["cover_num"] for scores in per_annotation))
    result["cover_den"] = float(sum(scores["cover_den"] for scores in per_annotation))
    result["covering"] = result["cover_num"] / result["cover_den"]
    return result


def matching_errors(truth: np.ndarray, segmentation: np.ndarray) -> np.ndarray:
    """Pixels labelled wrongly after one-to-one matching of segments to true regions.

    Returns
    -------
    ndarray of bool, same shape
        True where a pixel's segment is matched to another region, or to none.
    """
    _check_shapes(truth, segmentation)
    true_values, true_index = np.unique(truth.ravel(), return_inverse=True)
    seg_values, seg_index = np.unique(segmentation.ravel(), return_inverse=True)
    rows, cols = _match(contingency_matrix(true_index, seg_index).astype(np.float64))
    mapping = np.full(len(seg_values), -1)
    mapping[cols] = rows
    return (mapping[seg_index] != true_index).reshape(truth.shape)


def score_table(
    label_maps: dict[str, np.ndarray], fits: pd.DataFrame, annotations: Sequence[np.ndarray]
) -> pd.DataFrame:
    """Scores of every fit listed in ``fits`` (columns ``k``, ``seed``) against the truth."""
    from segsweep.labelmaps import label_key

    rows = []
    for k, seed in zip(fits["k"], fits["seed"], strict=True):
        segmentation = label_maps[label_key(int(k), int(seed))]
        rows.append({"k": k, "seed": seed, **score_annotations(annotations, segmentation)})
    return pd.DataFrame(rows, columns=["k", "seed", *SCORE_COLUMNS])
