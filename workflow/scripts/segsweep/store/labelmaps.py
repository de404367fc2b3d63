"""Label maps shared by the steps: canonical numbering, cluster means, compactness, and the
``.npz`` files holding label maps with their typed (space, value, seed) index: one image's
(:func:`save_label_maps`), or a batch of images' (:func:`save_batch_label_maps`, what a
segment job writes). Needs numpy only, so drawing steps can import it without
scikit-learn."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from segsweep.store.files import ArrayWriter, save_arrays

#: Rows per chunk when a model labels or scores all pixels (large: each call has overhead).
CHUNK_ROWS = 1 << 18
#: Rows per chunk of the arithmetic passes below (small: the chunk's temporaries stay in cache).
PASS_ROWS = 1 << 16


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel to 0..n-1 in order of first appearance in raster order.

    The same partition always gets the same label values, and label 0 is the cluster of the
    top-left pixel. The result has the smallest unsigned type that holds every label.
    Non-negative integer labels no larger than the pixel count (what every method returns)
    take a linear-time path; any other labels are sorted with :func:`numpy.unique`.
    """
    flat = labels.ravel()
    if flat.size and flat.dtype.kind in "iu" and flat.min() >= 0 and flat.max() <= flat.size:
        unseen = np.bincount(flat) > 0  # labels whose first pixel is still to be found
        present = np.flatnonzero(unseen)
        n_values = len(present)
        first_seen = np.zeros(len(unseen), dtype=np.intp)
        for start in range(0, flat.size, PASS_ROWS):  # most labels show up early
            chunk = flat[start : start + PASS_ROWS]
            hits = np.flatnonzero(unseen[chunk])
            if len(hits):
                values, first = np.unique(chunk[hits], return_index=True)
                first_seen[values] = start + hits[first]
                unseen[values] = False
                if not unseen.any():
                    break
        to_rank = np.zeros(len(first_seen), dtype=_label_dtype(n_values))
        to_rank[present[np.argsort(first_seen[present])]] = np.arange(n_values)
        return to_rank[flat].reshape(labels.shape)
    values, first_seen, inverse = np.unique(flat, return_index=True, return_inverse=True)
    rank = np.empty(len(values), dtype=np.int64)
    rank[np.argsort(first_seen)] = np.arange(len(values))
    return rank[inverse].astype(_label_dtype(len(values))).reshape(labels.shape)


def _label_dtype(n_values: int) -> np.dtype:
    """Smallest unsigned integer type (uint8 at least) that holds labels 0..n_values-1."""
    dtype = np.min_scalar_type(max(n_values - 1, 0))
    return np.dtype(np.uint8) if dtype.itemsize == 1 else dtype


def cluster_means(X: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Mean feature vector of each label 0..n_labels-1 (float64, shape (n_labels, C))."""
    counts = np.zeros(n_labels)
    sums = np.zeros((n_labels, X.shape[1]))
    for start in range(0, len(X), PASS_ROWS):
        chunk_labels = labels[start : start + PASS_ROWS].astype(np.intp, copy=False)
        chunk = X[start : start + PASS_ROWS]
        counts += np.bincount(chunk_labels, minlength=n_labels)
        for c in range(X.shape[1]):
            sums[:, c] += np.bincount(chunk_labels, weights=chunk[:, c], minlength=n_labels)
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
    means = cluster_means(X, labels, int(labels.max()) + 1).astype(X.dtype)
    # Preallocated chunk buffers: this pass runs once per fit over every pixel.
    diff = np.empty((min(PASS_ROWS, len(X)), X.shape[1]), dtype=X.dtype)
    squared = np.empty(len(diff), dtype=X.dtype)
    squared_total = 0.0
    distance_total = 0.0
    for start in range(0, len(X), PASS_ROWS):
        chunk = X[start : start + PASS_ROWS]
        chunk_diff, chunk_squared = diff[: len(chunk)], squared[: len(chunk)]
        np.take(means, labels[start : start + PASS_ROWS], axis=0, out=chunk_diff)
        np.subtract(chunk, chunk_diff, out=chunk_diff)
        # Per-pixel squares in the features' precision; the sums over pixels in float64.
        np.einsum("ij,ij->i", chunk_diff, chunk_diff, out=chunk_squared)
        squared_total += float(chunk_squared.sum(dtype=np.float64))
        distance_total += float(np.sqrt(chunk_squared, out=chunk_squared).sum(dtype=np.float64))
    return squared_total, distance_total / len(X)


#: Key of one label map of a job: (colour space, swept value, seed).
MapKey = tuple[str, float, int]


def _index_arrays(label_maps: Mapping[MapKey, np.ndarray]) -> dict[str, np.ndarray]:
    """The arrays that hold one image's label maps: ``labels`` (n, H, W) in key order, in
    the smallest unsigned type that holds them all, and its index ``space``, ``value``,
    ``seed``."""
    keys = sorted(label_maps)
    stacked = np.stack([label_maps[key] for key in keys]) if keys else np.zeros((0, 0, 0))
    return {
        "labels": stacked.astype(_label_dtype(int(stacked.max(initial=0)) + 1), copy=False),
        "space": np.array([key[0] for key in keys], dtype=str),
        "value": np.array([key[1] for key in keys], dtype=np.float64),
        "seed": np.array([key[2] for key in keys], dtype=np.int64),
    }


def save_label_maps(path, label_maps: Mapping[MapKey, np.ndarray]) -> None:
    """Store one image's label maps as a reproducible ``.npz`` file.

    The file holds ``labels`` (n, H, W), every map in key order in the smallest unsigned type
    that holds all of them, and the typed index ``space`` (str), ``value`` (float64, of the
    swept parameter) and ``seed`` (int64), so ``numpy.load(path)["labels"][i]`` is the map
    of ``space[i], value[i], seed[i]``.
    """
    save_arrays(path, _index_arrays(label_maps))


def save_batch_label_maps(path, images) -> None:
    """Store the label maps of a batch of images in one reproducible ``.npz`` file, written
    image by image (only one image's maps in memory at a time).

    Parameters
    ----------
    path : path-like
    images : iterable of (image name, label maps)
        Each image's maps as :func:`save_label_maps` takes them; they are stored as the
        members ``IMAGE/labels``, ``IMAGE/space``, ``IMAGE/value`` and ``IMAGE/seed``
        (``numpy.load(path)["IMAGE/labels"]``).
    """
    with ArrayWriter(path) as writer:
        for image, label_maps in images:
            for name, array in _index_arrays(label_maps).items():
                writer.add(f"{image}/{name}", array)


def batch_images(path) -> list[str]:
    """The images whose label maps a batch file (:func:`save_batch_label_maps`) holds."""
    with np.load(path, allow_pickle=False) as archive:
        return sorted({name.rsplit("/", 1)[0] for name in archive.files if "/" in name})


def load_label_maps(path, image: str | None = None) -> dict[MapKey, np.ndarray]:
    """Label maps stored by :func:`save_label_maps` (``image`` None), or those of ``image``
    in a batch file (:func:`save_batch_label_maps`), keyed by (space, value, seed). Only
    that image's arrays are read."""
    prefix = "" if image is None else f"{image}/"
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[prefix + name] for name in ("labels", "space", "value", "seed")}
    columns = (arrays["space"].tolist(), arrays["value"].tolist(), arrays["seed"].tolist())
    keys = zip(*columns, strict=True)
    return {key: labels for key, labels in zip(keys, arrays["labels"], strict=True)}


def find_label_maps(results, image: str, method: str) -> dict[MapKey, np.ndarray]:
    """The label maps of ``image`` by method label ``method`` in a run's ``results`` folder
    (whichever batch file holds them: ``results/labels/BATCH/METHOD.npz``).

    Raises
    ------
    FileNotFoundError
        If no batch file of that method holds the image.
    """
    from pathlib import Path

    for path in sorted(Path(results, "labels").glob(f"*/{method}.npz")):
        if image in batch_images(path):
            return load_label_maps(path, image)
    raise FileNotFoundError(f"{results}/labels: no label maps of image {image!r} by {method!r}")


def maps_by_value(
    label_maps: Mapping[MapKey, np.ndarray], space: str, seed: int
) -> dict[float, np.ndarray]:
    """One label map per swept value in ``space``: the given seed's, or another's where a
    method fitted one seed only (deterministic methods)."""
    by_value: dict[float, np.ndarray] = {}
    for map_space, value, fitted_seed in sorted(label_maps):
        if map_space == space and (fitted_seed == seed or value not in by_value):
            by_value[value] = label_maps[(map_space, value, fitted_seed)]
    return by_value
