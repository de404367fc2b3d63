"""Internal criteria: how good is each fit, judged without ground truth.

- Calinski-Harabasz (higher is better) and Davies-Bouldin (lower is better) on all pixels,
  for fits of at most ``criteria.max_segments`` segments (:data:`CLUSTER_CRITERIA_MAX_SEGMENTS`
  by default; null: any number), by :func:`cluster_criteria`: scikit-learn's formulas from
  per-cluster sums made in one pass over the pixels (scikit-learn scans all pixels once per
  cluster). Davies-Bouldin compares every pair of centres (4 GB at the 23 000 segments a
  ``split_regions`` fit can reach), so for fits with more segments (region splitting,
  superpixels) both are left empty, and the fit's ``skipped`` column says so. They exist to
  choose k among clusterings, where segment counts are small;
- silhouette (higher is better) on a seeded random sample of pixels only, since its cost
  grows with the square of the number of pixels. All fits with the same seed share the sample,
  so the sample's pairwise distances are computed once per (features, seed) and every fit's
  silhouette is taken from them (:func:`silhouette_of_distances`: scikit-learn's
  ``silhouette_score`` with ``metric="precomputed"``, the same operations in the same order
  but with the per-cluster distance sums added column by column instead of row by row, so
  the same bits in a quarter of the time). Samples above
  :data:`PRECOMPUTED_SILHOUETTE_MAX` pixels, whose distance matrix would be large, are
  measured fit by fit instead.

A criterion that needs at least two clusters is left empty (NaN) for a fit that found one.
Every criterion left empty is named, with the reason, in the ``skipped`` entry of
:func:`internal_criteria` (the fits table's ``skipped`` column).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import pairwise_distances, silhouette_score

CRITERIA_COLUMNS = ["calinski_harabasz", "davies_bouldin", "silhouette"]

#: Largest segment count for which Calinski-Harabasz and Davies-Bouldin are computed, unless
#: the configuration's ``criteria.max_segments`` says otherwise.
CLUSTER_CRITERIA_MAX_SEGMENTS = 300

#: Largest silhouette sample whose distance matrix is computed once and shared (256 MB).
PRECOMPUTED_SILHOUETTE_MAX = 8192

#: Most clusters in a silhouette sample for which :func:`silhouette_of_distances` sums
#: column by column (above it, its cluster-by-sample table costs more than the library's
#: row-by-row loop, which it then calls).
SILHOUETTE_COLUMNS_MAX_CLUSTERS = 1000

#: Side of the square tiles :func:`transposed` copies one at a time.
TRANSPOSE_TILE = 256


def silhouette_of_distances(distances_t: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of ``labels`` from the transposed pairwise distances of the sample:
    the value of ``sklearn.metrics.silhouette_score(distances, labels,
    metric="precomputed")``, bit for bit (a test checks).

    scikit-learn sums each sample's distances to every cluster with one ``bincount`` per
    sample (in float64, over the other samples in order, then stored in the distances'
    dtype); here the same sums are made for all samples at once, adding one column of the
    distance matrix (a row of ``distances_t``) at a time in the same order, so each sum sees
    the same additions. The rest follows scikit-learn's ``silhouette_samples`` step by step.

    Parameters
    ----------
    distances_t : ndarray, shape (n, n)
        The transpose of the sample's distance matrix, C-contiguous.
    labels : ndarray, shape (n,)
    """
    classes, codes = np.unique(labels, return_inverse=True)
    n = len(codes)
    if len(classes) > SILHOUETTE_COLUMNS_MAX_CLUSTERS:
        return float(silhouette_score(distances_t.T, labels, metric="precomputed"))
    sizes = np.bincount(codes)
    sums = np.zeros((len(classes), n))
    for column, code in enumerate(codes.tolist()):
        sums[code] += distances_t[column]
    sums = sums.astype(distances_t.dtype)
    samples = np.arange(n)
    intra = sums[codes, samples]
    sums[codes, samples] = np.inf
    sums /= sizes[:, None]
    inter = sums.min(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= (sizes - 1).take(codes, mode="clip")
        silhouettes = inter - intra
        silhouettes /= np.maximum(intra, inter)
    return float(np.mean(np.nan_to_num(silhouettes)))


def transposed(matrix: np.ndarray) -> np.ndarray:
    """``np.ascontiguousarray(matrix.T)``, the same array, copied tile by tile.

    A plain transposing copy of a 5 000-pixel sample's distances walks one of the two
    matrices column by column and took 0.18-0.38 s; by square tiles that stay in the cache
    it takes 0.05 s. It was the largest part of measuring an image's first fit.
    """
    rows, columns = matrix.shape
    out = np.empty((columns, rows), dtype=matrix.dtype)
    for top in range(0, rows, TRANSPOSE_TILE):
        for left in range(0, columns, TRANSPOSE_TILE):
            tile = matrix[top : top + TRANSPOSE_TILE, left : left + TRANSPOSE_TILE]
            out[left : left + TRANSPOSE_TILE, top : top + TRANSPOSE_TILE] = tile.T
    return out


def silhouette_index(n_pixels: int, silhouette_sample: int, seed: int) -> np.ndarray:
    """Seeded random pixel indices of the silhouette sample (all pixels if there are few)."""
    rng = np.random.default_rng(seed)
    return rng.choice(n_pixels, size=min(silhouette_sample, n_pixels), replace=False)


def cluster_criteria(X: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin indices of one labelling of ``X``.

    scikit-learn's ``calinski_harabasz_score`` and ``davies_bouldin_score``, formula for
    formula, from per-cluster sums made in one pass over the pixels (``bincount``) instead
    of one pass per cluster; each pixel's distance to its centre is taken directly rather
    than by the dot-product expansion of ``pairwise_distances``. Sums are in float64: they
    agree with scikit-learn on float64 input to 1e-12 (tested). On the float32 features the
    pipeline stores, scikit-learn's Davies-Bouldin averages the centres in float32 and is up
    to 0.2% off the float64 value at 0.15 Mpx; this one is not. The cost is the same at any
    number of clusters.

    Parameters
    ----------
    X : ndarray, shape (n_pixels, C)
    labels : ndarray of int, shape (n_pixels,)
        At least two clusters, fewer than ``n_pixels``.

    Returns
    -------
    calinski_harabasz, davies_bouldin : float
    """
    X = np.asarray(X, dtype=np.float64)
    _, codes = np.unique(labels, return_inverse=True)
    codes = codes.ravel()
    n_pixels, n_clusters = len(X), int(codes.max()) + 1
    sizes = np.bincount(codes, minlength=n_clusters).astype(np.float64)
    sums = np.stack([np.bincount(codes, column, n_clusters) for column in X.T], axis=1)
    centroids = sums / sizes[:, None]
    spread = X - centroids[codes]
    squared = np.einsum("ij,ij->i", spread, spread)
    extra = float(np.sum(sizes * np.sum((centroids - X.mean(axis=0)) ** 2, axis=1)))
    intra = float(np.sum(squared))
    calinski = (
        1.0 if intra == 0.0 else extra * (n_pixels - n_clusters) / (intra * (n_clusters - 1.0))
    )
    scatter = np.bincount(codes, np.sqrt(squared), n_clusters) / sizes
    between = pairwise_distances(centroids)
    if np.allclose(scatter, 0.0) or np.allclose(between, 0.0):
        return calinski, 0.0
    between[between == 0] = np.inf
    davies = float(np.mean(np.max((scatter[:, None] + scatter) / between, axis=1)))
    return calinski, davies


def _count_labels(labels: np.ndarray) -> int:
    """Number of distinct values of an integer label array."""
    if labels.dtype.kind in "iu" and labels.size and labels.min() >= 0:
        return int(np.count_nonzero(np.bincount(labels)))
    return len(np.unique(labels))


def internal_criteria(
    X: np.ndarray,
    labels: np.ndarray,
    silhouette_sample: int,
    seed: int,
    distances: np.ndarray | None = None,
    max_segments: int | None = CLUSTER_CRITERIA_MAX_SEGMENTS,
) -> dict[str, float | str]:
    """Calinski-Harabasz, Davies-Bouldin (all pixels) and sampled silhouette of one fit.

    Parameters
    ----------
    X : ndarray, shape (n_pixels, C)
    labels : ndarray of int, shape (n_pixels,)
    silhouette_sample : int
        Pixels drawn (seeded by ``seed``, :func:`silhouette_index`) for the silhouette.
    seed : int
    distances : ndarray, optional
        The transpose of the sample's pairwise distances (C-contiguous), if already
        computed (:class:`SilhouetteDistances`).
    max_segments : int or None
        Largest segment count for which Calinski-Harabasz and Davies-Bouldin are computed
        (None: any).

    Returns
    -------
    dict
        ``calinski_harabasz``, ``davies_bouldin``, ``silhouette``; NaN when fewer than two
        clusters (or, for the silhouette, fewer than two clusters in the sample), or above
        ``max_segments``; and ``skipped``: each criterion left empty, with the reason ("" if
        none).
    """
    result = {"calinski_harabasz": np.nan, "davies_bouldin": np.nan, "silhouette": np.nan}
    n_labels = _count_labels(labels)
    if n_labels < 2 or n_labels >= len(X):
        why = "one segment" if n_labels < 2 else "as many segments as pixels"
        return {**result, "skipped": f"{', '.join(CRITERIA_COLUMNS)}: {why}"}
    skipped = []
    if max_segments is None or n_labels <= max_segments:
        result["calinski_harabasz"], result["davies_bouldin"] = cluster_criteria(X, labels)
    else:
        skipped.append(
            f"calinski_harabasz, davies_bouldin: {n_labels} segments, above "
            f"criteria.max_segments = {max_segments}"
        )
    index = silhouette_index(len(X), silhouette_sample, seed)
    sampled = labels[index]
    if not 2 <= _count_labels(sampled) < len(index):
        skipped.append(
            f"silhouette: its {len(index)}-pixel sample holds one segment (or only singletons)"
        )
    elif distances is not None:
        result["silhouette"] = silhouette_of_distances(distances, sampled)
    else:
        result["silhouette"] = float(silhouette_score(X[index], sampled))
    return {**result, "skipped": "; ".join(skipped)}


class SilhouetteDistances:
    """Pairwise distances of each seed's silhouette sample of ``X``, computed once per seed,
    transposed into C order (what :func:`silhouette_of_distances` reads).

    Returns None for samples above :data:`PRECOMPUTED_SILHOUETTE_MAX` pixels (measured fit by
    fit instead).
    """

    def __init__(self, X: np.ndarray, silhouette_sample: int):
        self.X = X
        self.silhouette_sample = silhouette_sample
        self._by_seed: dict[int, np.ndarray] = {}

    def __call__(self, seed: int) -> np.ndarray | None:
        if min(self.silhouette_sample, len(self.X)) > PRECOMPUTED_SILHOUETTE_MAX:
            return None
        if seed not in self._by_seed:
            index = silhouette_index(len(self.X), self.silhouette_sample, seed)
            self._by_seed[seed] = transposed(pairwise_distances(self.X[index]))
        return self._by_seed[seed]
