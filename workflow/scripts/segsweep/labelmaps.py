"""Label-map arithmetic shared by the steps: canonical numbering, cluster means, compactness."""

from __future__ import annotations

import numpy as np

#: Rows per chunk when a computation runs over all pixels.
CHUNK_ROWS = 1 << 18


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel to 0..n-1 in order of first appearance in raster order.

    The same partition always gets the same label values, and label 0 is the cluster of the
    top-left pixel. The result has the smallest unsigned type that holds every label.
    """
    flat = labels.ravel()
    values, first_seen, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rank = np.empty(len(values), dtype=np.int64)
    rank[np.argsort(first_seen)] = np.arange(len(values))
    dtype = np.min_scalar_type(max(len(values) - 1, 0))
    dtype = np.uint8 if dtype.itemsize == 1 else dtype
    return rank[inverse].astype(dtype).reshape(labels.shape)


def cluster_means(X: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Mean feature vector of each label 0..n_labels-1 (float64, shape (n_labels, C))."""
    labels = labels.astype(np.intp, copy=False)
    counts = np.bincount(labels, minlength=n_labels).astype(np.float64)
    sums = np.stack(
        [np.bincount(labels, weights=X[:, c], minlength=n_labels) for c in range(X.shape[1])],
        axis=1,
    )
    return sums / np.maximum(counts, 1.0)[:, None]


def compactness(X: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Within-cluster sum of squares and mean distance to the cluster mean.

    Parameters
    ----------
    X : ndarray, shape (n_pixels, C)
    labels : ndarray of int, shape (n_pixels,), values 0..n-1

    Returns
    -------
    inertia : float
        Sum over pixels of the squared Euclidean distance to their cluster's mean (WCSS).
    eta : float
        Mean over pixels of the Euclidean distance to their cluster's mean.
    """
    labels = labels.astype(np.intp, copy=False)
    means = cluster_means(X, labels, int(labels.max()) + 1).astype(X.dtype)
    squared_total = 0.0
    distance_total = 0.0
    for start in range(0, len(X), CHUNK_ROWS):
        stop = start + CHUNK_ROWS
        diff = X[start:stop] - means[labels[start:stop]]
        squared = np.einsum("ij,ij->i", diff, diff, dtype=np.float64)
        squared_total += float(squared.sum())
        distance_total += float(np.sqrt(squared).sum())
    return squared_total, distance_total / len(X)
