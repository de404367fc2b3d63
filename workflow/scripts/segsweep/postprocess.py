"""Options that apply to any method: spatial features, Potts smoothing, connected regions,
small-region merging, merging across weak boundaries.

- :func:`with_xy` appends pixel coordinates (scaled to [0, 1] along the longer side, times a
  weight) to the colour features, so clusters prefer to be spatially compact.
- :func:`potts_smooth` makes clusters local after clustering: a Potts Markov random field
  whose data term is the squared distance of a pixel's features to each cluster mean (in
  units of the mean within-cluster variance) and whose pair term costs ``strength`` for each
  4-neighbour with another label, minimised by iterated conditional modes (ICM) on a
  checkerboard schedule, starting from the clustering.
- :func:`split_connected` turns every 4-connected region of a cluster into its own segment.
- :func:`merge_small_regions` lets the pixels of every 4-connected region smaller than a
  size take the label of the nearest larger region.
- :func:`merge_weak_boundaries` merges adjacent regions, the weakest shared boundary first,
  while that boundary's mean colour gradient is below a threshold: the regions of a clustering
  become a hierarchy (:class:`BoundaryHierarchy`, built once and cut at any threshold), in
  the spirit of the BSDS500 paper's ultrametric contour maps, with a plain gradient for the
  contour detector.
"""

from __future__ import annotations

import numpy as np
from skimage.measure import label as connected_components

from segsweep.labelmaps import cluster_means


def with_xy(features: np.ndarray, weight: float) -> np.ndarray:
    """Append ``weight * x`` and ``weight * y`` (scaled to [0, 1] on the longer side).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    weight : float

    Returns
    -------
    ndarray of float32, shape (H, W, C + 2)
    """
    height, width = features.shape[:2]
    scale = np.float32(weight / max(height - 1, width - 1, 1))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.concatenate([features, (xx * scale)[..., None], (yy * scale)[..., None]], axis=-1)


def _neighbour_counts(labels: np.ndarray, n_labels: int) -> tuple[np.ndarray, np.ndarray]:
    """For each label l, how many 4-neighbours of each pixel carry l; and neighbour totals."""
    padded = np.pad(labels, 1, constant_values=-1)
    shifts = [padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]]
    same = np.zeros((n_labels, *labels.shape), dtype=np.float32)
    for shifted in shifts:
        for value in range(n_labels):
            same[value] += shifted == value
    total = sum((shifted >= 0).astype(np.float32) for shifted in shifts)
    return same, total


def potts_smooth(
    features: np.ndarray, labels: np.ndarray, strength: float, max_iter: int = 20
) -> np.ndarray:
    """Potts-MRF smoothing of a label map by iterated conditional modes (module docstring).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    labels : ndarray of int, shape (H, W), values 0..n-1
    strength : float
        Cost of one unlike 4-neighbour, in units of the data term; 0 returns ``labels``.
    max_iter : int
        Sweeps over the image at most (it stops earlier when no label changes).

    Returns
    -------
    ndarray of int64, shape (H, W)
    """
    labels = labels.astype(np.int64)
    if strength <= 0:
        return labels
    height, width, channels = features.shape
    X = features.reshape(-1, channels)
    n_labels = int(labels.max()) + 1
    means = cluster_means(X, labels.ravel(), n_labels)
    residual = X - means[labels.ravel()]
    variance = float(np.einsum("ij,ij->", residual, residual, dtype=np.float64)) / len(X)
    if variance == 0.0 or n_labels < 2:
        return labels
    data_cost = np.stack(
        [((X - mean) ** 2).sum(axis=1).reshape(height, width) for mean in means]
    ).astype(np.float32) / np.float32(2.0 * variance)
    checker = (np.add.outer(np.arange(height), np.arange(width)) % 2).astype(bool)
    for _ in range(max_iter):
        changed = False
        for colour in (False, True):
            same, total = _neighbour_counts(labels, n_labels)
            cost = data_cost + np.float32(strength) * (total - same)
            best = np.argmin(cost, axis=0)
            update = (checker == colour) & (best != labels)
            if update.any():
                labels[update] = best[update]
                changed = True
        if not changed:
            break
    return labels


def split_connected(labels: np.ndarray) -> np.ndarray:
    """Give every 4-connected region of each label its own label (0..m-1)."""
    return connected_components(labels.astype(np.int64) + 1, background=0, connectivity=1) - 1


def merge_small_regions(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Labels in which every 4-connected region of fewer than ``min_size`` pixels has been
    absorbed: each of its pixels takes the label of the nearest pixel of a larger region
    (``skimage.segmentation.expand_labels``). Unchanged if no region is that large.
    """
    from skimage.segmentation import expand_labels

    regions = split_connected(labels) + 1
    large = np.bincount(regions.ravel()) >= min_size
    large[0] = False
    kept = np.where(large[regions], regions, 0)
    if not kept.any():
        return labels
    filled = expand_labels(kept, distance=sum(labels.shape))
    label_of_region = np.zeros(len(large), dtype=labels.dtype)
    label_of_region[regions.ravel()] = labels.ravel()
    return label_of_region[filled]


#: Width (pixels) of the Gaussian smoothing before the gradient of
#: :func:`merge_weak_boundaries`. Chosen on the 100 BSDS500 val images (README, "BSDS500
#: validation"): covering ODS 0.539, 0.540 and 0.542 at 1.5, 2 and 3, and 0.534 at 0.5
#: and 1, where fine texture still leaves edges inside regions.
BOUNDARY_SIGMA = 2.0


def colour_gradient(features: np.ndarray, sigma: float = BOUNDARY_SIGMA) -> np.ndarray:
    """Gradient magnitude of the features: the Euclidean norm over channels of the Sobel
    magnitude (scikit-image ``sobel``) of each channel after Gaussian smoothing.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    sigma : float
        Width of the Gaussian in pixels; 0 smooths nothing.

    Returns
    -------
    ndarray of float64, shape (H, W)
    """
    from skimage.filters import gaussian, sobel

    smoothed = np.asarray(features, dtype=np.float64)
    if sigma > 0:
        smoothed = gaussian(smoothed, sigma=sigma, channel_axis=-1, preserve_range=True)
    squared = sum(sobel(smoothed[..., c]) ** 2 for c in range(smoothed.shape[-1]))
    return np.sqrt(squared)


class BoundaryHierarchy:
    """Every merge of weak-boundary merging, run until no boundary is left, in order.

    The regions of ``labels`` become the nodes of a region adjacency graph whose edges weigh
    the mean :func:`colour_gradient` along the shared boundary
    (``skimage.graph.rag_boundary``). The pair with the weakest boundary merges first, the
    merged region's boundaries are re-averaged (weighted by their lengths), and so on
    (``skimage.graph.merge_hierarchical``). Merging until some threshold makes the same
    merges in the same order and stops at the first boundary at or above it, so one run to
    the end gives the labels at every threshold (:meth:`cut`); a sweep over thresholds
    builds the graph and merges once.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
        Colour features, in their scaled units (:mod:`segsweep.features`).
    labels : ndarray of non-negative int, shape (H, W)
    sigma : float
        Width of the Gaussian before the gradient, in pixels.

    Attributes
    ----------
    weights : ndarray of float64
        Boundary strength of each merge, in merge order.
    merged : ndarray of int64, shape (n_merges, 2)
        The two regions (label values of ``labels``) each merge joins.
    """

    def __init__(self, features: np.ndarray, labels: np.ndarray, sigma: float = BOUNDARY_SIGMA):
        self.labels = labels
        merges: list[tuple[float, int, int]] = []
        if int(labels.max()) != int(labels.min()):  # rag_boundary fails without edges
            from skimage import graph

            def record(rag, src, dst):
                merges.append((rag[src][dst]["weight"], src, dst))

            graph.merge_hierarchical(
                labels, graph.rag_boundary(labels, colour_gradient(features, sigma)),
                thresh=np.inf, rag_copy=False, in_place_merge=True, merge_func=record,
                weight_func=_boundary_weight,
            )  # fmt: skip
        self.weights = np.array([weight for weight, _, _ in merges], dtype=np.float64)
        self.merged = np.array([pair for _, *pair in merges], dtype=np.int64).reshape(-1, 2)

    def cut(self, threshold: float) -> np.ndarray:
        """Labels (H, W) after merging across every boundary weaker than ``threshold``: the
        merges made before the first at or above it, joined by
        ``scipy.sparse.csgraph.connected_components`` (which numbers the regions)."""
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        stronger = np.flatnonzero(self.weights >= threshold)
        made = self.merged[: stronger[0] if len(stronger) else len(self.merged)]
        if not len(made):
            return self.labels
        n = int(self.labels.max()) + 1
        joins = coo_matrix((np.ones(len(made)), (made[:, 0], made[:, 1])), shape=(n, n))
        _, region = connected_components(joins, directed=False)
        return region[self.labels]


def merge_weak_boundaries(
    features: np.ndarray, labels: np.ndarray, threshold: float, sigma: float = BOUNDARY_SIGMA
) -> np.ndarray:
    """Merge adjacent regions across boundaries weaker than ``threshold``, the weakest
    first (:class:`BoundaryHierarchy`, cut at ``threshold``).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    labels : ndarray of non-negative int, shape (H, W)
    threshold : float
        Mean gradient magnitude, in feature units per pixel; 0 returns ``labels``.
    sigma : float

    Returns
    -------
    ndarray of int, shape (H, W)
    """
    if threshold <= 0:
        return labels
    return BoundaryHierarchy(features, labels, sigma).cut(threshold)


def _boundary_weight(rag, src, dst, neighbour):
    """Edge from the merged region ``dst`` to ``neighbour``: the length-weighted mean of the
    gradients along the boundaries ``src`` and ``dst`` had with it (the callback
    ``merge_hierarchical`` asks for)."""
    none = {"weight": 0.0, "count": 0}
    old = [rag[node].get(neighbour, none) for node in (src, dst)]
    count = old[0]["count"] + old[1]["count"]
    weight = (old[0]["count"] * old[0]["weight"] + old[1]["count"] * old[1]["weight"]) / count
    return {"count": count, "weight": weight}
