"""External scores: compare a segmentation with ground truth.

Labels are unordered, so every score compares partitions, never label values:

- ``ari``, ``rand``: adjusted Rand index and Rand index (the Berkeley benchmark's RI), by
  scikit-learn's pair-counting formulas (``pair_confusion_matrix``).
- ``ami``: adjusted mutual information (scikit-learn), for segmentations of at most
  :data:`AMI_MAX_SEGMENTS` segments; empty (NaN) beyond, see below.
- ``vi``, ``vi_split``, ``vi_merge``: variation of information in bits, with its parts:
  ``vi_split`` = H(segmentation | truth), the false splits (over-segmentation), and
  ``vi_merge`` = H(truth | segmentation), the false merges (under-segmentation), as
  scikit-image's ``variation_of_information`` returns them.
- ``covering``: segmentation covering of the truth: every true region R is matched with the
  segment of highest intersection over union; ``sum |R| * IoU / sum |R|``. Segments are
  label values as given (not split into connected components).
- ``pixel_accuracy``, ``mean_iou``: after a one-to-one Hungarian matching of segments to true
  regions (maximising matched pixels, ties broken by the larger summed IoU so the result does
  not depend on label numbering); pixels of unmatched segments count as errors and unmatched
  true regions get IoU 0. ``mean_iou`` averages over true regions.

**One table per pair.** Every score except AMI is derived from one sparse contingency table
per (segmentation, annotation) pair (:func:`pair_table`), built in one pass over the pixels.
The library functions each rebuild that table from the labels on every call (about 10-20 ms
per call at 0.15 Mpx, and far more for their dense intermediate tables at thousands of
segments), so here the table is built once and the libraries' formulas are applied to it; the
tests check each score against the scikit-learn or scikit-image function it stands for. The
matching runs scipy's sparse ``min_weight_full_bipartite_matching`` on the table's non-zero
cells, so its cost follows the number of overlapping (region, segment) pairs, not the product
of the two counts.

**AMI** needs the expected mutual information under random labelling, which scikit-learn
computes by a loop whose cost grows with the product of the two label counts and the pixel
count (0.5-0.9 s per pair at 1 000-6 000 segments against a 173-region BSDS500 annotation).
It is computed only for segmentations of at most :data:`AMI_MAX_SEGMENTS` segments and left
empty beyond; every other score is computed for any number of segments.

With several annotations of one image (the Berkeley benchmark's case) every score is the mean
over annotations, except covering, which pools regions of all annotations (numerator
``cover_num`` and denominator ``cover_den`` are kept so datasets can be pooled).

scikit-image's ``adapted_rand_error`` is not used: it ignores label 0 by default and would
score clusters labelled 0 as perfect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from sklearn.metrics import adjusted_mutual_info_score

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

#: Largest number of segments for which adjusted mutual information is computed (see the
#: module docstring); segmentations with more get NaN in the ``ami`` column.
AMI_MAX_SEGMENTS = 100


@dataclass(frozen=True)
class Partition:
    """A label image as dense region indices, prepared once and scored many times.

    Attributes
    ----------
    labels : ndarray, shape (n_pixels,)
        The label values as given, flattened.
    index : ndarray of intp, shape (n_pixels,)
        Region index 0..n-1 of each pixel, in increasing order of label value.
    sizes : ndarray of int64, shape (n,)
        Pixels per region.
    shape : tuple
        Shape of the label image.
    """

    labels: np.ndarray
    index: np.ndarray
    sizes: np.ndarray
    shape: tuple

    @classmethod
    def of(cls, labels: np.ndarray | Partition) -> Partition:
        """Prepare a label image (any integer or boolean labels); a Partition is returned as is."""
        if isinstance(labels, Partition):
            return labels
        labels = np.asarray(labels)
        flat = labels.ravel()
        if flat.dtype.kind in "iu" and flat.size and flat.min() >= 0 and flat.max() < flat.size:
            counts = np.bincount(flat)
            present = counts > 0
            if present.all():
                index = flat.astype(np.intp, copy=False)
            else:
                index = (np.cumsum(present) - 1)[flat]
            return cls(flat, index, counts[present], labels.shape)
        _, index, sizes = np.unique(flat, return_inverse=True, return_counts=True)
        return cls(flat, index.astype(np.intp, copy=False), sizes, labels.shape)

    @property
    def n_regions(self) -> int:
        """Number of distinct labels."""
        return len(self.sizes)


@dataclass(frozen=True)
class PairTable:
    """Sparse contingency table of a (truth, segmentation) pair: its non-zero cells.

    Attributes
    ----------
    rows, cols : ndarray of intp
        True region and segment index of each non-zero cell, in row-major order.
    counts : ndarray of int64
        Pixels in each cell.
    row_sizes, col_sizes : ndarray of int64
        Pixels per true region and per segment.
    """

    rows: np.ndarray
    cols: np.ndarray
    counts: np.ndarray
    row_sizes: np.ndarray
    col_sizes: np.ndarray

    @property
    def n_pixels(self) -> int:
        return int(self.row_sizes.sum())

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.row_sizes), len(self.col_sizes)


def _check_shapes(truth: Partition, segmentation: Partition) -> None:
    if truth.shape != segmentation.shape:
        raise ValueError(
            f"ground truth shape {truth.shape} differs from segmentation shape {segmentation.shape}"
        )


def pair_table(truth, segmentation) -> PairTable:
    """The contingency table of ``truth`` (rows) against ``segmentation`` (columns).

    Parameters
    ----------
    truth, segmentation : ndarray of int or Partition, same shape

    Returns
    -------
    PairTable
    """
    truth, segmentation = Partition.of(truth), Partition.of(segmentation)
    _check_shapes(truth, segmentation)
    n_segments = segmentation.n_regions
    cells = truth.n_regions * n_segments
    code = truth.index.astype(np.int64) * n_segments + segmentation.index
    if cells <= 8 * code.size + 4096:  # a dense count is cheap: one bincount
        dense = np.bincount(code, minlength=cells)
        nonzero = np.flatnonzero(dense)
        counts = dense[nonzero]
    else:  # thousands x thousands: count the occupied cells only
        nonzero, counts = np.unique(code, return_counts=True)
    rows, cols = np.divmod(nonzero, n_segments)
    return PairTable(rows, cols, counts.astype(np.int64), truth.sizes, segmentation.sizes)


def pair_confusion(table: PairTable) -> tuple[int, int, int, int]:
    """(tn, fp, fn, tp) of the pair confusion matrix, as Python integers.

    The same numbers as ``sklearn.metrics.cluster.pair_confusion_matrix`` (ordered pairs of
    pixels), computed from the table's cells and margins.
    """
    n = table.n_pixels
    sum_squares = int((table.counts**2).sum())
    tp = sum_squares - n
    fp = int((table.counts * table.col_sizes[table.cols]).sum()) - sum_squares
    fn = int((table.counts * table.row_sizes[table.rows]).sum()) - sum_squares
    tn = n * n - fp - fn - sum_squares
    return tn, fp, fn, tp


def rand_index(table: PairTable) -> float:
    """Rand index, as ``sklearn.metrics.rand_score``."""
    tn, fp, fn, tp = pair_confusion(table)
    agree, total = tn + tp, tn + fp + fn + tp
    return 1.0 if agree == total or total == 0 else agree / total


def adjusted_rand_index(table: PairTable) -> float:
    """Adjusted Rand index, as ``sklearn.metrics.adjusted_rand_score``."""
    tn, fp, fn, tp = pair_confusion(table)
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def conditional_entropies(table: PairTable) -> tuple[float, float]:
    """(H(segmentation | truth), H(truth | segmentation)) in bits: the false splits and merges.

    The two values ``skimage.metrics.variation_of_information`` returns. (Its ``table=``
    argument would take this table, but fails without label images in scikit-image 0.26.)
    """
    p = table.counts / table.n_pixels
    p_rows = table.row_sizes[table.rows] / table.n_pixels
    p_cols = table.col_sizes[table.cols] / table.n_pixels
    split = float(-(p * np.log2(p / p_rows)).sum())
    merge = float(-(p * np.log2(p / p_cols)).sum())
    return split, merge


def _cell_ious(table: PairTable) -> np.ndarray:
    """Intersection over union of each non-zero cell's true region and segment."""
    union = table.row_sizes[table.rows] + table.col_sizes[table.cols] - table.counts
    return table.counts / union


def best_ious(table: PairTable) -> np.ndarray:
    """Best IoU of each true region with any segment (float, one per true region)."""
    best = np.zeros(len(table.row_sizes))
    np.maximum.at(best, table.rows, _cell_ious(table))
    return best


def match(table: PairTable) -> np.ndarray:
    """One-to-one matching of true regions to segments (see the module docstring).

    Maximises matched pixels; among matchings with equally many, the one with the largest
    summed IoU (the IoU term adds less than one in total, and pixel counts are whole numbers).
    Only cells with a common pixel can help, so the matching runs on the non-zero cells; each
    region (or segment, whichever are fewer) also gets a private zero-weight partner so that
    a complete matching always exists.

    Returns
    -------
    ndarray of intp
        Indices into the table's cells of the matched (region, segment) pairs.
    """
    n_rows, n_cols = table.shape
    weight = table.counts + (0.5 / max(1, min(n_rows, n_cols))) * _cell_ious(table)
    rows, cols = table.rows, table.cols
    if n_rows > n_cols:  # match every member of the smaller side
        rows, cols, n_rows, n_cols = cols, rows, n_cols, n_rows
    # Minimise (top - weight): every real cell costs less than a private partner (top).
    top = float(weight.max()) + 1.0
    partners = np.arange(n_rows)
    graph = sparse.csr_array(
        (
            np.concatenate([top - weight, np.full(n_rows, top)]),
            (np.concatenate([rows, partners]), np.concatenate([cols, n_cols + partners])),
        ),
        shape=(n_rows, n_cols + n_rows),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    real = matched_cols < n_cols
    matched_rows, matched_cols = matched_rows[real], matched_cols[real]
    if table.shape[0] > table.shape[1]:
        matched_rows, matched_cols = matched_cols, matched_rows
    # Cells are in row-major order, so their codes are sorted.
    n_segments = table.shape[1]
    codes = table.rows.astype(np.int64) * n_segments + table.cols
    return np.searchsorted(codes, matched_rows.astype(np.int64) * n_segments + matched_cols)


def matched_scores(table: PairTable) -> tuple[float, float]:
    """Pixel accuracy and mean IoU over true regions after :func:`match`."""
    cells = match(table)
    accuracy = table.counts[cells].sum() / table.n_pixels
    ious = np.zeros(len(table.row_sizes))
    ious[table.rows[cells]] = _cell_ious(table)[cells]
    return float(accuracy), float(ious.mean())


def region_ious(truth, segmentation) -> tuple[np.ndarray, np.ndarray]:
    """Best IoU of each true region with any segment, and the regions' sizes.

    Parameters
    ----------
    truth, segmentation : ndarray of int or Partition, same shape

    Returns
    -------
    best_iou : ndarray of float, shape (n_true_regions,)
    sizes : ndarray of int, shape (n_true_regions,)
    """
    table = pair_table(truth, segmentation)
    return best_ious(table), table.row_sizes


def hungarian_scores(truth, segmentation) -> tuple[float, float]:
    """Pixel accuracy and mean IoU after one-to-one matching of segments to true regions."""
    return matched_scores(pair_table(truth, segmentation))


def score_pair(truth, segmentation) -> dict[str, float]:
    """Every score of one segmentation against one annotation (see module docstring).

    Parameters
    ----------
    truth, segmentation : ndarray of int or Partition, same shape
    """
    truth, segmentation = Partition.of(truth), Partition.of(segmentation)
    table = pair_table(truth, segmentation)
    split, merge = conditional_entropies(table)
    accuracy, mean_iou = matched_scores(table)
    cover_num = float((best_ious(table) * table.row_sizes).sum())
    cover_den = float(table.n_pixels)
    ami = (
        float(adjusted_mutual_info_score(truth.labels, segmentation.labels))
        if segmentation.n_regions <= AMI_MAX_SEGMENTS
        else np.nan
    )
    return {
        "ari": adjusted_rand_index(table),
        "ami": ami,
        "rand": rand_index(table),
        "vi": split + merge,
        "vi_split": split,
        "vi_merge": merge,
        "covering": cover_num / cover_den,
        "pixel_accuracy": accuracy,
        "mean_iou": mean_iou,
        "cover_num": cover_num,
        "cover_den": cover_den,
    }


def score_annotations(annotations: Sequence, segmentation) -> dict[str, float]:
    """Scores of one segmentation against several annotations of the same image.

    Scores are averaged over annotations; covering pools every annotation's regions
    (``cover_num`` and ``cover_den`` are sums). With one annotation this is
    :func:`score_pair`. Annotations may be given as prepared :class:`Partition` objects, so
    a sweep prepares them once for all its fits.
    """
    if not annotations:
        raise ValueError("no annotation to score against")
    segmentation = Partition.of(segmentation)
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
    truth_part, seg_part = Partition.of(truth), Partition.of(segmentation)
    table = pair_table(truth_part, seg_part)
    cells = match(table)
    mapping = np.full(seg_part.n_regions, -1)
    mapping[table.cols[cells]] = table.rows[cells]
    return (mapping[seg_part.index] != truth_part.index).reshape(truth_part.shape)
