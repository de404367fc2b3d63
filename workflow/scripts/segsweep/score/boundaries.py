"""Boundary precision and recall, the Berkeley benchmark's way (BSDS500 ``bench``).

A segmentation's boundary map is ``seg2bdry(seg, 'imageSize')`` thinned to one pixel
(``bwmorph(bmap, 'thin', inf)``); it is matched to each annotation's boundary map
(``correspondPixels``, a minimum-cost bipartite matching in which pixels further apart than
0.0075 of the image diagonal cannot be matched and an unmatched pixel costs 100 times that
distance). Per fit the benchmark counts, over the annotations:

- recall: matched annotation pixels over annotation pixels (summed over annotations);
- precision: segmentation pixels matched in *any* annotation over segmentation pixels.

The four counts are kept per fit (not the ratios) because the dataset scores sum them over
images: :func:`best_f_on_curve` (ODS, interpolated along the curve), :func:`ois_counts` and
:func:`average_precision` follow ``collect_eval_bdry.m``.

The matching here is scipy's sparse assignment (LAPJVsp,
:func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`) on the same graph with
*every* outlier connection, so it finds the exact optimum of the benchmark's cost; the
official matcher (Goldberg's CSA) connects each pixel to six random outliers and lands on a
slightly different matching, so the two agree to a few 1e-4 in recall and precision, not
exactly (the tests say where). The official C++ matcher is GPL-2.0 (``pyedgeeval`` wraps
it); this one keeps the project on BSD-licensed code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Largest distance between matched pixels, as a fraction of the image diagonal
#: (``maxDist`` of the benchmark).
MAX_DISTANCE = 0.0075
#: Cost of leaving a pixel unmatched, as a multiple of the largest distance.
OUTLIER_COST = 100.0
#: The benchmark's matcher works on integer costs: distances times this, rounded.
COST_SCALE = 100
#: Steps between consecutive points of a precision-recall curve when looking for its best F
#: (``linspace(0, 1)`` in ``collect_eval_bdry.m``).
CURVE_STEPS = 100
#: Recall values at which precision is averaged for the average precision (0, 0.01, ..., 1).
AP_RECALLS = np.linspace(0.0, 1.0, 101)


def boundary_map(labels: np.ndarray) -> np.ndarray:
    """The boundary pixels of a label map, ``seg2bdry(labels, 'imageSize')``.

    A pixel is on a boundary when the 2 x 2 block it starts (it, the pixel below, the
    one to the right and the one diagonally below right) holds more than one label; on the
    last row when its right neighbour differs, on the last column when the pixel below
    differs; the bottom-right pixel never.
    """
    labels = np.asarray(labels)
    edges = np.zeros(labels.shape, dtype=bool)
    top_left = labels[:-1, :-1]
    edges[:-1, :-1] = (
        (top_left != labels[1:, :-1]) | (top_left != labels[:-1, 1:]) | (top_left != labels[1:, 1:])
    )
    edges[-1, :-1] = labels[-1, :-1] != labels[-1, 1:]
    edges[:-1, -1] = labels[:-1, -1] != labels[1:, -1]
    return edges


def thin_boundaries(edges: np.ndarray) -> np.ndarray:
    """Boundaries thinned to one pixel (``bwmorph(edges, 'thin', inf)``; scikit-image's
    :func:`~skimage.morphology.thin` is the same algorithm and look-up tables)."""
    from skimage.morphology import thin

    return thin(np.asarray(edges, dtype=bool))


def segmentation_boundaries(labels: np.ndarray) -> np.ndarray:
    """The thinned boundary map the benchmark scores for a segmentation."""
    return thin_boundaries(boundary_map(labels))


def max_distance_pixels(shape: tuple[int, int], max_distance: float = MAX_DISTANCE) -> float:
    """The largest matching distance in pixels: ``max_distance`` times the diagonal."""
    return max_distance * float(np.hypot(*shape[:2]))


@lru_cache(maxsize=8)
def _offsets(radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row and column offsets within ``radius`` pixels, and their integer costs."""
    reach = int(np.ceil(radius))
    rows, cols = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    inside = rows * rows + cols * cols <= radius * radius
    rows, cols = rows[inside], cols[inside]
    costs = np.rint(np.hypot(rows, cols) * COST_SCALE).astype(np.int64)
    return rows, cols, costs


def _candidate_pairs(machine: np.ndarray, truth: np.ndarray, radius: float):
    """Every (machine pixel, truth pixel) pair within ``radius``: their indices among the
    boundary pixels of each map and the integer cost of matching them."""
    height, width = machine.shape
    machine_rows, machine_cols = np.nonzero(machine)
    truth_index = np.full(machine.shape, -1, dtype=np.int64)
    truth_index[truth] = np.arange(int(np.count_nonzero(truth)))
    pairs_machine, pairs_truth, pairs_cost = [], [], []
    for row_step, col_step, cost in zip(*_offsets(radius), strict=True):
        rows, cols = machine_rows + row_step, machine_cols + col_step
        inside = np.flatnonzero((rows >= 0) & (rows < height) & (cols >= 0) & (cols < width))
        partner = truth_index[rows[inside], cols[inside]]
        found = partner >= 0
        pairs_machine.append(inside[found])
        pairs_truth.append(partner[found])
        pairs_cost.append(np.full(int(found.sum()), cost, dtype=np.int64))
    return np.concatenate(pairs_machine), np.concatenate(pairs_truth), np.concatenate(pairs_cost)


def match_boundaries(
    machine: np.ndarray, truth: np.ndarray, max_distance: float = MAX_DISTANCE
) -> tuple[np.ndarray, np.ndarray]:
    """Which boundary pixels of each map are matched (``correspondPixels``).

    The assignment problem of the benchmark: each machine pixel is matched to one truth
    pixel within ``max_distance`` of the diagonal (cost: their distance) or to an outlier
    (cost: :data:`OUTLIER_COST` times the largest distance), and likewise each truth pixel;
    the outliers left over pair with each other at the outlier cost. So a matching with one
    more matched pair always wins, and among those the one with the smaller total distance.
    Only pixels with a partner in reach take part; leftover outliers pair along the mirror
    image of the real pairs, which keeps the graph sparse and admits the optimum.

    Parameters
    ----------
    machine, truth : ndarray of bool, shape (H, W)
        Boundary maps (the machine's already thinned).
    max_distance : float
        Largest distance between matched pixels, as a fraction of the image diagonal.

    Returns
    -------
    matched_machine, matched_truth : ndarray of bool, shape (H, W)
    """
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    machine = np.asarray(machine, dtype=bool)
    truth = np.asarray(truth, dtype=bool)
    if machine.shape != truth.shape:
        raise ValueError(f"boundary maps differ in shape: {machine.shape} and {truth.shape}")
    matched_machine = np.zeros(machine.shape, dtype=bool)
    matched_truth = np.zeros(truth.shape, dtype=bool)
    radius = max_distance_pixels(machine.shape, max_distance)
    pair_machine, pair_truth, pair_cost = _candidate_pairs(machine, truth, radius)
    if pair_machine.size == 0:
        return matched_machine, matched_truth
    machine_nodes, machine_node = np.unique(pair_machine, return_inverse=True)
    truth_nodes, truth_node = np.unique(pair_truth, return_inverse=True)
    graph = _assignment_graph(machine_node, truth_node, pair_cost, radius)
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    real = (matched_rows < machine_nodes.size) & (matched_cols < truth_nodes.size)
    matched_machine.flat[np.flatnonzero(machine)[machine_nodes[matched_rows[real]]]] = True
    matched_truth.flat[np.flatnonzero(truth)[truth_nodes[matched_cols[real]]]] = True
    return matched_machine, matched_truth


def _assignment_graph(machine_node, truth_node, pair_cost, radius):
    """The benchmark's assignment problem as a sparse cost matrix.

    Rows: the machine pixels, then the truth pixels' outliers; columns: the truth pixels,
    then the machine pixels' outliers. Each pixel may take its own outlier at the outlier
    cost, and the outliers left over pair along the mirror image of the real pairs. Every
    cost is raised by one because the sparse solver cannot tell a zero cost (two pixels on
    the same spot) from a missing edge; every full matching has the same number of edges,
    so the optimum is unchanged.
    """
    from scipy import sparse

    n_machine, n_truth = int(machine_node.max()) + 1, int(truth_node.max()) + 1
    outlier = int(np.ceil(OUTLIER_COST * radius * COST_SCALE))
    machine_outliers = n_truth + np.arange(n_machine)
    truth_outliers = n_machine + np.arange(n_truth)
    rows = np.concatenate(
        [machine_node, np.arange(n_machine), truth_outliers, n_machine + truth_node]
    )
    cols = np.concatenate(
        [truth_node, machine_outliers, np.arange(n_truth), n_truth + machine_node]
    )
    costs = np.concatenate([
        pair_cost,
        np.full(n_machine + n_truth + pair_cost.size, outlier, dtype=np.int64),
    ]) + 1  # fmt: skip
    size = n_machine + n_truth
    return sparse.csr_matrix((costs.astype(np.float64), (rows, cols)), shape=(size, size))


@dataclass(frozen=True)
class BoundaryCounts:
    """The benchmark's four counts for one fit (or their sums over images).

    ``recall = matched_truth / truth`` and ``precision = matched_machine / machine``.
    """

    matched_truth: int
    truth: int
    matched_machine: int
    machine: int

    @property
    def recall(self) -> float:
        """Matched annotation pixels over annotation pixels (0 when there are none)."""
        return self.matched_truth / self.truth if self.truth else 0.0

    @property
    def precision(self) -> float:
        """Matched boundary pixels over boundary pixels (0 when there are none)."""
        return self.matched_machine / self.machine if self.machine else 0.0

    @property
    def f(self) -> float:
        """The harmonic mean of precision and recall (0 when both are 0)."""
        return float(f_measure(self.recall, self.precision))


def boundary_counts(
    machine: np.ndarray, truths: Sequence[np.ndarray], max_distance: float = MAX_DISTANCE
) -> BoundaryCounts:
    """The counts of one thinned boundary map against every annotation's boundaries
    (``evaluation_bdry_image.m``): recall summed over annotations, a machine pixel matched
    if it is matched in any of them."""
    machine = np.asarray(machine, dtype=bool)
    matched_anywhere = np.zeros(machine.shape, dtype=bool)
    matched_truth = truth_pixels = 0
    for truth in truths:
        matched_machine, matched = match_boundaries(machine, truth, max_distance)
        matched_anywhere |= matched_machine
        matched_truth += int(np.count_nonzero(matched))
        truth_pixels += int(np.count_nonzero(truth))
    return BoundaryCounts(
        matched_truth, truth_pixels, int(np.count_nonzero(matched_anywhere)),
        int(np.count_nonzero(machine)),
    )  # fmt: skip


def f_measure(recall, precision):
    """``2 P R / (P + R)``, 0 where both are 0 (``fmeasure`` of the benchmark)."""
    recall, precision = np.asarray(recall, dtype=float), np.asarray(precision, dtype=float)
    total = precision + recall
    return 2 * precision * recall / np.where(total == 0, 1.0, total)


def ratios(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Recall and precision of rows of counts ``(matched_truth, truth, matched_machine,
    machine)``, 0 where a denominator is 0."""
    counts = np.asarray(counts, dtype=float)
    recall = counts[..., 0] / np.where(counts[..., 1] == 0, 1.0, counts[..., 1])
    precision = counts[..., 2] / np.where(counts[..., 3] == 0, 1.0, counts[..., 3])
    return recall, precision


def best_f_on_curve(recall: np.ndarray, precision: np.ndarray) -> tuple[float, float, float, float]:
    """The best F along a precision-recall curve, interpolating linearly between its
    consecutive points (``maxF`` of ``collect_eval_bdry.m``).

    Returns
    -------
    f, recall, precision, position : float
        ``position`` is where on the curve: 2.25 means a quarter of the way from the third
        point to the fourth (0-based), so a swept value can be interpolated from it.
    """
    recall, precision = np.asarray(recall, dtype=float), np.asarray(precision, dtype=float)
    best = (float(f_measure(recall[0], precision[0])), float(recall[0]), float(precision[0]), 0.0)
    steps = np.linspace(0.0, 1.0, CURVE_STEPS)
    for point in range(1, recall.size):
        r = recall[point] * steps + recall[point - 1] * (1 - steps)
        p = precision[point] * steps + precision[point - 1] * (1 - steps)
        f = f_measure(r, p)
        at = int(np.argmax(f))
        if f[at] > best[0]:  # strictly: the first best is kept, as the benchmark does
            best = (float(f[at]), float(r[at]), float(p[at]), point - 1 + float(steps[at]))
    return best


def ois_counts(per_image: np.ndarray) -> np.ndarray:
    """Sum over images of each image's counts at its own best point of the curve (the
    first of its best F, not interpolated, as ``collect_eval_bdry.m`` sums them).

    Parameters
    ----------
    per_image : ndarray, shape (n_images, n_points, 4)
    """
    per_image = np.asarray(per_image, dtype=float)
    with np.errstate(invalid="ignore"):
        f = f_measure(*ratios(per_image))
    measured = ~np.isnan(f).all(axis=1)  # an image fitted at no value adds nothing
    best = np.nanargmax(f[measured], axis=1)
    return per_image[measured][np.arange(int(measured.sum())), best].sum(axis=0)


def curve_point(values: np.ndarray, position: float) -> float:
    """The swept value at a position on the curve (:func:`best_f_on_curve`): interpolated
    linearly between the two values around it."""
    index = min(int(np.floor(position)), len(values) - 1)
    if index + 1 >= len(values):
        return float(values[index])
    fraction = position - index
    return float(values[index] * (1 - fraction) + values[index + 1] * fraction)


def average_precision(recall: np.ndarray, precision: np.ndarray) -> float:
    """Area under the precision-recall curve: precision interpolated linearly at recall
    0, 0.01, ..., 1 (0 outside the recalls reached), summed times 0.01; 0 for a curve of
    fewer than two distinct recalls (``collect_eval_bdry.m``)."""
    unique_recall, first = np.unique(np.asarray(recall, dtype=float), return_index=True)
    if unique_recall.size < 2:
        return 0.0
    at = np.interp(AP_RECALLS, unique_recall, np.asarray(precision, dtype=float)[first],
                   left=np.nan, right=np.nan)  # fmt: skip
    return float(np.nansum(at) * (AP_RECALLS[1] - AP_RECALLS[0]))
