"""External scores: compare a segmentation with ground truth.

Labels are unordered, so every score compares partitions, never label values:

- ``ari``, ``rand``: adjusted Rand index and Rand index (the Berkeley benchmark's RI), by
  scikit-learn's pair-counting formulas (``pair_confusion_matrix``).
- ``ami``: adjusted mutual information, scikit-learn's definition (arithmetic mean of the
  entropies), with an exact and faster expected mutual information (see below).
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

**One table per pair.** Every score is derived from one sparse contingency table
per (segmentation, annotation) pair (:func:`pair_table`), built in one pass over the pixels.
The library functions each rebuild that table from the labels on every call (about 10-20 ms
per call at 0.15 Mpx, and far more for their dense intermediate tables at thousands of
segments), so here the table is built once and the libraries' formulas are applied to it; the
tests check each score against the scikit-learn or scikit-image function it stands for. The
matching runs scipy's sparse ``min_weight_full_bipartite_matching`` on the table's non-zero
cells, so its cost follows the number of overlapping (region, segment) pairs, not the product
of the two counts.

**AMI** needs the expected mutual information (EMI) under random labelling with the same
cluster sizes: a sum, over every (true region, segment) pair and every possible overlap
``n``, of a hypergeometric probability times its information. scikit-learn's loop visits
every ``n`` from 1 to the smaller size of every pair (0.5-0.9 s per annotation for a
thousand-segment fit of a BSDS500 image). :func:`expected_mutual_information` computes the
same sum exactly but skips what contributes nothing: the probability of an overlap falls
off like a Gaussian around its mean, so overlaps more than 12 standard deviations (plus 10)
from it, whose probabilities are below 1e-30, are left out (checked, not assumed: see the
function), and pairs of equal sizes are summed once with their multiplicity. It works in
extended precision (``numpy.longdouble``) and agrees with 40-digit arithmetic to about
1e-14, where scikit-learn's float64 loop is off by about 3e-10 on a BSDS500-sized image;
the tests check it against exact integer arithmetic and against scikit-learn.

Which scores a fit gets, and how several annotations combine, is declared once in the
registry :mod:`segsweep.score.measures` (its functions read :class:`PairFacts`). With several
annotations of one image (the Berkeley benchmark's case) every score is the mean over
annotations, except covering, which pools regions of all annotations (numerator
``cover_num`` and denominator ``cover_den`` are kept so datasets can be pooled).

scikit-image's ``adapted_rand_error`` is not used: it ignores label 0 by default and would
score clusters labelled 0 as perfect.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

#: The overlaps left out of the expected mutual information of one pair of clusters
#: (:func:`expected_mutual_information`) have a summed probability below exp(-EMI_TAIL) in
#: each tail.
EMI_TAIL = 46.0


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
    total = tn + fp + fn + tp  # ordered pairs of pixels: 0 for an empty image
    return (tn + tp) / total if total else 1.0


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


@functools.lru_cache(maxsize=4)
def _log_tables(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``log(m)`` (float64) and ``log(m!)`` (extended precision, ``numpy.longdouble``, by a
    running sum) for m = 0..n; cached, since every fit of one image has the same pixel
    count."""
    logs = np.log(np.arange(n + 1, dtype=np.longdouble)[1:])
    log_factorials = np.concatenate([np.zeros(1, dtype=np.longdouble), np.cumsum(logs)])
    return np.concatenate([[-np.inf], logs.astype(np.float64)]), log_factorials


def _log_probability_windows(a, b, n, start, stop):
    """Log hypergeometric probabilities of every overlap k in ``start[i]..stop[i]`` of each
    pair i of cluster sizes (a[i], b[i]) out of n pixels.

    The first of each window in extended precision from log factorials (their large terms
    cancel), the others by the ratio of consecutive probabilities, summed window by window
    in float64 (each window's sum stays small, so it keeps 15 digits).

    Returns
    -------
    pair, k, log_p : ndarray
        Flat arrays: the pair, the overlap and its log probability of every term.
    """
    logs, log_fact = _log_tables(n)
    first = (log_fact[a] + log_fact[b] + log_fact[n - a] + log_fact[n - b] - log_fact[n]
             - log_fact[start] - log_fact[a - start] - log_fact[b - start]
             - log_fact[n - a - b + start]).astype(np.float64)  # fmt: skip
    lengths = stop - start + 1
    pair = np.repeat(np.arange(len(a)), lengths)
    position = np.arange(len(pair)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    k = start[pair] + position
    # log P(k) - log P(k - 1) = log((a - k + 1)(b - k + 1) / (k (n - a - b + k)))
    step = (logs[a[pair] - k + 1] + logs[b[pair] - k + 1] - logs[k]
            - logs[n - a[pair] - b[pair] + k])  # fmt: skip
    step[position == 0] = first
    # Sum within each window: pad the windows into rows (grouped by length, so padding at
    # most doubles the work) and add along the rows.
    log_p = np.empty(len(pair))
    offsets = np.cumsum(lengths) - lengths
    width = 1
    while True:
        rows = np.flatnonzero((lengths <= width) & (lengths > width // 2))
        if len(rows):
            grid = np.zeros((len(rows), width))
            columns = np.arange(width)
            inside = columns[None, :] < lengths[rows, None]
            flat = (offsets[rows, None] + columns[None, :])[inside]
            grid[inside] = step[flat]
            log_p[flat] = np.cumsum(grid, axis=1)[inside]
        if width >= lengths.max(initial=0):
            break
        width *= 2
    return pair, k, log_p


def expected_mutual_information(row_sizes: np.ndarray, col_sizes: np.ndarray) -> float:
    """Expected mutual information (nats) of two labellings with these cluster sizes under
    random labelling: scikit-learn's ``expected_mutual_information``, computed exactly in
    fewer terms (module docstring).

    Parameters
    ----------
    row_sizes, col_sizes : ndarray of int
        Pixels per cluster of each labelling; both sum to the pixel count.

    Returns
    -------
    float
    """
    n = int(np.sum(row_sizes))
    if len(row_sizes) == 1 or len(col_sizes) == 1:
        return 0.0
    a_values, a_counts = np.unique(np.asarray(row_sizes, dtype=np.int64), return_counts=True)
    b_values, b_counts = np.unique(np.asarray(col_sizes, dtype=np.int64), return_counts=True)
    a = np.repeat(a_values, len(b_values))
    b = np.tile(b_values, len(a_values))
    multiplicity = np.outer(a_counts, b_counts).ravel().astype(np.float64)
    # Overlaps in the tails, whose summed probability is below exp(-EMI_TAIL), are left
    # out: the tails of the hypergeometric law are bounded by the binomial's (Hoeffding 1963),
    # whose Chernoff bounds give the window below (Bennett's h for the upper tail).
    from scipy.special import lambertw

    mean = a * b / n
    c = EMI_TAIL / mean - 1.0  # upper: mean * h(x) = EMI_TAIL, h(x) = (1+x) log(1+x) - x
    upper = mean * (np.exp(1.0 + lambertw(c / np.e).real) - 1.0)
    lower = np.sqrt(2.0 * mean * EMI_TAIL)
    start = np.maximum(np.maximum(1, a + b - n), np.floor(mean - lower).astype(np.int64))
    stop = np.minimum(np.minimum(a, b), np.ceil(mean + upper).astype(np.int64))
    pair, k, log_p = _log_probability_windows(a, b, n, start, stop)
    logs = _log_tables(n)[0]
    information = (k / n) * (logs[n] + logs[k] - logs[a[pair]] - logs[b[pair]])
    return float(np.sum(multiplicity[pair] * information * np.exp(log_p)))


def adjusted_mutual_information(table: PairTable) -> float:
    """Adjusted mutual information, as ``sklearn.metrics.adjusted_mutual_info_score`` with
    ``average_method="arithmetic"``, from the table (its special cases and clamps included;
    the expected term by :func:`expected_mutual_information`)."""
    n_rows, n_cols = table.shape
    if n_rows == n_cols == 1:
        return 1.0
    if n_rows == 1 or n_cols == 1:
        return 0.0
    n = table.n_pixels
    p = table.counts / n
    outer = table.row_sizes[table.rows] * table.col_sizes[table.cols]
    mutual = p * (np.log(table.counts) - np.log(n)) + p * (-np.log(outer) + np.log(n) + np.log(n))
    mutual = float(
        np.clip(np.where(np.abs(mutual) < np.finfo(float).eps, 0.0, mutual).sum(), 0.0, None)
    )
    entropies = [
        -(np.sum((s / n) * (np.log(s) - np.log(n)))) for s in (table.row_sizes, table.col_sizes)
    ]
    expected = expected_mutual_information(table.row_sizes, table.col_sizes)
    eps = np.finfo(np.float64).eps
    denominator = (entropies[0] + entropies[1]) / 2 - expected
    denominator = min(denominator, -eps) if denominator < 0 else max(denominator, eps)
    numerator = mutual - expected
    numerator = min(numerator, -eps) if numerator < 0 else max(numerator, eps)
    return float(numerator / denominator)


@dataclass(frozen=True)
class PairFacts:
    """What the scores of one (annotation, segmentation) pair are computed from: their
    contingency table, and the results several scores share, each computed once on first
    use (the registry of scores, :mod:`segsweep.score.measures`, reads them)."""

    table: PairTable

    @classmethod
    def of(cls, truth, segmentation) -> PairFacts:
        """The facts of a pair of label images (or prepared :class:`Partition` objects)."""
        return cls(pair_table(Partition.of(truth), Partition.of(segmentation)))

    @cached_property
    def entropies(self) -> tuple[float, float]:
        """:func:`conditional_entropies`: (false splits, false merges) in bits."""
        return conditional_entropies(self.table)

    @cached_property
    def matched(self) -> tuple[float, float]:
        """:func:`matched_scores`: pixel accuracy and mean IoU after one-to-one matching."""
        return matched_scores(self.table)

    @cached_property
    def cover_num(self) -> float:
        """Covering's numerator: each true region's best IoU times its size, summed."""
        return float((best_ious(self.table) * self.table.row_sizes).sum())


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
