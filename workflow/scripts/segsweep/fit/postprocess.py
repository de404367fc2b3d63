"""Options that apply to any method: spatial features, Potts smoothing, connected regions,
small-region merging, merging across weak boundaries.

- :func:`with_xy` appends pixel coordinates (scaled to [0, 1] along the longer side, times a
  weight) to the colour features, so clusters prefer to be spatially compact.
- :func:`potts_smooth` makes clusters local after clustering: a Potts Markov random field
  whose data term is the squared distance of a pixel's features to each cluster mean (in
  units of the mean within-cluster variance) and whose pair term costs ``strength`` for each
  4-neighbour with another label, minimised by iterated conditional modes (ICM) on a
  checkerboard schedule, starting from the clustering, for at most ``smoothing_max_iter``
  sweeps (:func:`potts_icm` says how many it made and whether the last changed nothing).
- :func:`split_connected` turns every 4-connected region of a cluster into its own segment.
- :func:`merge_small_regions` lets the pixels of every 4-connected region smaller than a
  size take the label of the nearest larger region.
- :func:`merge_weak_boundaries` merges adjacent regions, the weakest shared boundary first,
  while that boundary's mean colour gradient (after a Gaussian of ``merge_sigma`` pixels) is
  below a threshold: the regions of a clustering become a hierarchy
  (:class:`BoundaryHierarchy`, built once and cut at any threshold), in the spirit of the
  BSDS500 paper's ultrametric contour maps, with a plain gradient for the contour detector.
  ``merge_criterion`` weighs the edges otherwise (mean colours, their product with the
  boundary, Ward's criterion), as the val study compared them.

scikit-image is imported inside the functions: the workflow's parse step reads the defaults
below (through :mod:`segsweep.configuration`) and should not pay for it.
"""

from __future__ import annotations

import numpy as np

from segsweep.store.labelmaps import cluster_means


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


def _neighbour_index(height: int, width: int) -> np.ndarray:
    """Flat index of each pixel's 4 neighbours (up, down, left, right), -1 off the image;
    shape (4, height * width)."""
    index = np.arange(height * width).reshape(height, width)
    neighbours = np.full((4, height, width), -1)
    neighbours[0, 1:], neighbours[1, :-1] = index[:-1], index[1:]
    neighbours[2, :, 1:], neighbours[3, :, :-1] = index[:, :-1], index[:, 1:]
    return neighbours.reshape(4, -1)


#: Sweeps of iterated conditional modes at most, unless a setup sets ``smoothing_max_iter``.
SMOOTHING_MAX_ITER = 20


def potts_icm(
    features: np.ndarray, labels: np.ndarray, strength: float, max_iter: int = SMOOTHING_MAX_ITER
) -> tuple[np.ndarray, int, bool]:
    """Potts-MRF smoothing of a label map by iterated conditional modes (module docstring).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    labels : ndarray of int, shape (H, W), values 0..n-1
    strength : float
        Cost of one unlike 4-neighbour, in units of the data term; 0 returns ``labels``.
    max_iter : int
        Sweeps over the image at most (it stops earlier when a sweep changes no label).

    Returns
    -------
    labels : ndarray of int64, shape (H, W)
    sweeps : int
        Sweeps made (0 when nothing was smoothed).
    converged : bool
        Whether the last sweep changed no label (True when nothing was smoothed).
    """
    labels = labels.astype(np.int64)
    if strength <= 0:
        return labels, 0, True
    height, width, channels = features.shape
    X = features.reshape(-1, channels)
    n_labels = int(labels.max()) + 1
    means = cluster_means(X, labels.ravel(), n_labels)
    residual = X - means[labels.ravel()]
    variance = float(np.einsum("ij,ij->", residual, residual, dtype=np.float64)) / len(X)
    if variance == 0.0 or n_labels < 2:
        return labels, 0, True
    data_cost = np.stack(
        [((X - mean) ** 2).sum(axis=1).reshape(height, width) for mean in means]
    ).astype(np.float32) / np.float32(2.0 * variance)
    return _icm_sweeps(data_cost.reshape(n_labels, -1), labels, strength, max_iter)


def _icm_sweeps(
    data: np.ndarray, labels: np.ndarray, strength: float, max_iter: int
) -> tuple[np.ndarray, int, bool]:
    """Checkerboard ICM sweeps of :func:`potts_icm` on ``labels`` (changed in place), with
    the data cost ``data`` of each label at each pixel, shape (n_labels, n_pixels).

    Each half-sweep sets every pixel of one colour to its cheapest label given its
    neighbours (which are of the other colour). A pixel is re-evaluated only when a
    neighbour changed since its last evaluation: otherwise it would get the label it already
    has, so the labels are those of evaluating every pixel every time.
    """
    height, width = labels.shape
    n_labels = len(data)
    flat = labels.ravel()
    neighbours = _neighbour_index(height, width)
    colour_of = (np.add.outer(np.arange(height), np.arange(width)) % 2).astype(bool).ravel()
    dirty = np.ones(flat.size, dtype=bool)
    strength32 = np.float32(strength)
    for sweep in range(1, max_iter + 1):
        changed = False
        for colour in (False, True):
            pixels = np.flatnonzero(dirty & (colour_of == colour))
            dirty[pixels] = False
            around = neighbours[:, pixels]
            inside = around >= 0
            total = inside.sum(axis=0).astype(np.float32)
            neighbour_labels = flat[around[inside]]
            columns = np.broadcast_to(np.arange(len(pixels)), around.shape)[inside]
            same = np.bincount(neighbour_labels * len(pixels) + columns,
                               minlength=n_labels * len(pixels))  # fmt: skip
            same = same.reshape(n_labels, len(pixels)).astype(np.float32)
            cost = data[:, pixels] + strength32 * (total - same)
            best = np.argmin(cost, axis=0)
            moved = best != flat[pixels]
            if moved.any():
                flat[pixels[moved]] = best[moved]
                touched = neighbours[:, pixels[moved]]
                dirty[touched[touched >= 0]] = True
                changed = True
        if not changed:
            return labels, sweep, True
    return labels, max_iter, False


def potts_smooth(
    features: np.ndarray, labels: np.ndarray, strength: float, max_iter: int = SMOOTHING_MAX_ITER
) -> np.ndarray:
    """The labels of :func:`potts_icm` alone."""
    return potts_icm(features, labels, strength, max_iter)[0]


def split_connected(labels: np.ndarray) -> np.ndarray:
    """Give every 4-connected region of each label its own label (0..m-1)."""
    from skimage.measure import label as connected_components

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


#: Width (pixels) of the Gaussian smoothing before the gradient of weak-boundary merging,
#: unless a setup sets ``merge_sigma``. Chosen on the 100 BSDS500 val images (the study
#: ``make val-study`` reruns, docs/bsds500.md).
BOUNDARY_SIGMA = 2.0

#: How weak-boundary merging weighs the edge between two adjacent regions (the setup's
#: ``merge_criterion``): the mean colour gradient along their boundary, the distance between
#: their mean colours, the product of the two, or Ward's criterion (the increase of the
#: within-region sum of squares, per pixel of the image).
MERGE_CRITERIA = ("boundary", "colour", "colour_boundary", "ward")


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

    The regions of ``labels`` become the nodes of a region adjacency graph
    (``skimage.graph.rag_boundary`` of the :func:`colour_gradient`) whose edges weigh what
    ``criterion`` says (:data:`MERGE_CRITERIA`); with ``"boundary"``, the mean gradient along
    the shared boundary. The pair with the weakest edge merges first, the merged region's
    edges are weighed again (boundaries re-averaged, weighted by their lengths; mean colours
    of the merged pixels), and so on (``skimage.graph.merge_hierarchical``). Merging until
    some threshold makes the same merges in the same order and stops at the first edge at or
    above it, so one run to the end gives the labels at every threshold (:meth:`cut`); a
    sweep over thresholds builds the graph and merges once.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
        Colour features, in their scaled units (:mod:`segsweep.fit.spaces`).
    labels : ndarray of non-negative int, shape (H, W)
    sigma : float
        Width of the Gaussian before the gradient, in pixels.
    criterion : str
        One of :data:`MERGE_CRITERIA`.

    Attributes
    ----------
    weights : ndarray of float64
        Edge weight of each merge, in merge order.
    merged : ndarray of int64, shape (n_merges, 2)
        The two regions (label values of ``labels``) each merge joins.
    """

    def __init__(
        self,
        features: np.ndarray,
        labels: np.ndarray,
        sigma: float = BOUNDARY_SIGMA,
        criterion: str = "boundary",
    ):
        if criterion not in MERGE_CRITERIA:
            raise ValueError(f"merge criterion {criterion!r} is not one of {MERGE_CRITERIA}")
        self.labels = labels
        merges: list[tuple[float, int, int]] = []
        if int(labels.max()) != int(labels.min()):  # rag_boundary fails without edges
            from skimage import graph

            rag = graph.rag_boundary(labels, colour_gradient(features, sigma))
            weigh = _EdgeWeights(rag, features, labels, criterion)

            def record(rag, src, dst):
                merges.append((rag[src][dst]["weight"], src, dst))
                weigh.merge_nodes(src, dst)

            graph.merge_hierarchical(
                labels, rag, thresh=np.inf, rag_copy=False, in_place_merge=True,
                merge_func=record, weight_func=weigh,
            )  # fmt: skip
        self.weights = np.array([weight for weight, _, _ in merges], dtype=np.float64)
        self.merged = np.array([pair for _, *pair in merges], dtype=np.int64).reshape(-1, 2)

    def cut(self, threshold: float) -> np.ndarray:
        """Labels (H, W) after merging across every edge weaker than ``threshold``: the
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
    features: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    sigma: float = BOUNDARY_SIGMA,
    criterion: str = "boundary",
) -> np.ndarray:
    """Merge adjacent regions across edges weaker than ``threshold``, the weakest first
    (:class:`BoundaryHierarchy`, cut at ``threshold``).

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    labels : ndarray of non-negative int, shape (H, W)
    threshold : float
        Edge weight (for ``"boundary"``: mean gradient magnitude, in feature units per
        pixel); 0 returns ``labels``.
    sigma : float
    criterion : str
        One of :data:`MERGE_CRITERIA`.

    Returns
    -------
    ndarray of int, shape (H, W)
    """
    if threshold <= 0:
        return labels
    return BoundaryHierarchy(features, labels, sigma, criterion).cut(threshold)


class _EdgeWeights:
    """The ``weight_func`` of ``merge_hierarchical`` for one merging criterion, with the
    region statistics it needs (pixel count and feature sum of each region).

    Each edge keeps its boundary's mean gradient (``boundary``) and length (``count``), as
    ``rag_boundary`` made them; its ``weight`` is the criterion's. An edge of a merged
    region to a neighbour averages the two boundaries it had with it, weighted by their
    lengths.
    """

    def __init__(self, rag, features: np.ndarray, labels: np.ndarray, criterion: str):
        self.criterion = criterion
        flat = labels.ravel().astype(np.intp)
        self.size = np.bincount(flat).astype(np.float64)
        channels = np.moveaxis(features, -1, 0)
        self.total = np.stack([np.bincount(flat, weights=c.ravel()) for c in channels], axis=1)
        self.n_pixels = float(labels.size)
        for a, b, data in rag.edges(data=True):
            data["boundary"] = data["weight"]
            data["weight"] = self.weight(a, b, data["boundary"])

    def merge_nodes(self, src: int, dst: int) -> None:
        """Region ``src`` joins ``dst``: pool their statistics in ``dst``."""
        self.size[dst] += self.size[src]
        self.total[dst] += self.total[src]

    def weight(self, a: int, b: int, boundary: float) -> float:
        """The criterion's weight of the edge between regions ``a`` and ``b``."""
        return getattr(self, f"_{self.criterion}")(a, b, boundary)

    def _boundary(self, a, b, boundary):
        return boundary

    def _difference(self, a, b):
        return self.total[a] / self.size[a] - self.total[b] / self.size[b]

    def _colour(self, a, b, boundary):
        return float(np.linalg.norm(self._difference(a, b)))

    def _colour_boundary(self, a, b, boundary):
        return self._colour(a, b, boundary) * boundary

    def _ward(self, a, b, boundary):
        difference = self._difference(a, b)
        pooled = self.size[a] * self.size[b] / (self.size[a] + self.size[b])
        return float(pooled * difference @ difference / self.n_pixels)

    def __call__(self, rag, src, dst, neighbour):
        """Edge from the merged region ``dst`` to ``neighbour`` (``merge_hierarchical``'s
        ``weight_func``): boundaries averaged by length, weighed by the criterion."""
        none = {"boundary": 0.0, "count": 0}
        old = [rag[node].get(neighbour, none) for node in (src, dst)]
        count = old[0]["count"] + old[1]["count"]
        boundary = (
            old[0]["count"] * old[0]["boundary"] + old[1]["count"] * old[1]["boundary"]
        ) / count
        return {
            "count": count,
            "boundary": boundary,
            "weight": self.weight(dst, neighbour, boundary),
        }
