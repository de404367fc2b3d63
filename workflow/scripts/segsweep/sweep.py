"""Sweep: fit one method for every k and seed on one image's features.

Fitting may use a seeded random sample of pixels (``sample_size``); every pixel is then
assigned with the fitted model, in chunks so memory stays a small multiple of the image.
All quality figures (inertia, eta, log-likelihood) are computed on **all** pixels, so a
sampled fit is judged exactly like a full one. Each row records ``n_fit``, the number of
pixels the model was fitted on.

Labels are relabelled canonically (in order of first appearance in raster order), so the same
partition always gets the same label values and label 0 is the top-left pixel's cluster.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from segsweep import methods
from segsweep.errors import ConfigError

#: Rows per chunk when assigning or scoring all pixels.
CHUNK_ROWS = 1 << 18

#: Columns of the fits table written by :func:`sweep`, in order.
FIT_COLUMNS = [
    "k",
    "seed",
    "n_pixels",
    "n_fit",
    "n_clusters_found",
    "degenerate",
    "inertia",
    "eta",
    "n_iter",
    "converged",
    "log_likelihood",
    "bic",
    "aic",
]


def label_key(k: int, seed: int) -> str:
    """Name of the label map of fit (k, seed) inside a job's ``.npz`` file."""
    return f"k{k:03d}_seed{seed}"


def sample_indices(n_pixels: int, sample_size: int | None, seed: int) -> np.ndarray | None:
    """Seeded random pixel indices to fit on, or None to fit on every pixel.

    Parameters
    ----------
    n_pixels : int
    sample_size : int or None
        None means all pixels; so does any size of at least ``n_pixels``.
    seed : int

    Returns
    -------
    ndarray of int64, sorted, or None
    """
    if sample_size is None or sample_size >= n_pixels:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_pixels, size=sample_size, replace=False))


def predict_in_chunks(model, X: np.ndarray, chunk_rows: int = CHUNK_ROWS) -> np.ndarray:
    """Assign every row of ``X`` with ``model.predict``, ``chunk_rows`` rows at a time."""
    labels = np.empty(len(X), dtype=np.int64)
    for start in range(0, len(X), chunk_rows):
        labels[start : start + chunk_rows] = model.predict(X[start : start + chunk_rows])
    return labels


def canonical_labels(labels: np.ndarray) -> np.ndarray:
    """Relabel to 0..n-1 in order of first appearance; the smallest fitting unsigned type."""
    flat = labels.ravel()
    values = np.unique(flat)
    first_seen = np.array([np.argmax(flat == value) for value in values])
    order = values[np.argsort(first_seen)]
    lookup = np.zeros(int(values.max()) + 1, dtype=np.int64)
    lookup[order] = np.arange(len(order))
    dtype = np.uint8 if len(order) <= 256 else np.uint16
    return lookup[labels].astype(dtype)


def cluster_means(X: np.ndarray, labels: np.ndarray, n_labels: int) -> np.ndarray:
    """Mean feature vector of each label 0..n_labels-1 (float64, shape (n_labels, C))."""
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


def mean_log_likelihood(model, X: np.ndarray) -> float:
    """Mean per-pixel log-likelihood (nats) of ``X`` under a fitted mixture, chunked."""
    total = 0.0
    for start in range(0, len(X), CHUNK_ROWS):
        total += float(model.score_samples(X[start : start + CHUNK_ROWS]).sum())
    return total / len(X)


def fit_one(
    X: np.ndarray, method: str, params: dict, k: int | None, seed: int, sample_size: int | None
) -> tuple[dict, np.ndarray, dict]:
    """Fit one (k, seed) and measure it on all pixels.

    Returns
    -------
    row : dict
        One row of the fits table (:data:`FIT_COLUMNS`).
    labels : ndarray of uint8 or uint16, shape (n_pixels,)
        Canonical labels of every pixel.
    timing : dict
        ``fit_seconds`` and ``assign_seconds`` (kept apart so tables stay reproducible).
    """
    n_pixels = len(X)
    if sample_size is not None and k is not None and min(sample_size, n_pixels) < k:
        raise ConfigError(
            f"sample_size: {sample_size} pixels cannot be fitted with k={k} clusters "
            f"(image has {n_pixels} pixels); raise sample_size or lower k"
        )
    index = sample_indices(n_pixels, sample_size, seed)
    X_fit = X if index is None else X[index]
    model = methods.create(method, n_clusters=k or 2, random_state=seed, params=params)

    start = time.perf_counter()
    with warnings.catch_warnings():
        # A degenerate fit (fewer distinct colours than k) is recorded in the table instead.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_fit)
    fitted = time.perf_counter()
    labels = canonical_labels(predict_in_chunks(model, X))
    assigned = time.perf_counter()

    n_found = int(labels.max()) + 1
    inertia, eta = compactness(X, labels)
    row = {
        "k": k if k is not None else n_found,
        "seed": seed,
        "n_pixels": n_pixels,
        "n_fit": len(X_fit),
        "n_clusters_found": n_found,
        "degenerate": k is not None and n_found < k,
        "inertia": inertia,
        "eta": eta,
        "n_iter": getattr(model, "n_iter_", np.nan),
        "converged": getattr(model, "converged_", np.nan),
        "log_likelihood": np.nan,
        "bic": np.nan,
        "aic": np.nan,
    }
    if hasattr(model, "score_samples"):
        mean_ll = mean_log_likelihood(model, X)
        n_params = model.n_free_parameters()
        total_ll = mean_ll * n_pixels
        row["log_likelihood"] = mean_ll
        row["bic"] = -2.0 * total_ll + n_params * np.log(n_pixels)
        row["aic"] = -2.0 * total_ll + 2.0 * n_params
    timing = {"fit_seconds": fitted - start, "assign_seconds": assigned - fitted}
    return row, labels, timing


def sweep(
    features: np.ndarray,
    method: str,
    params: dict,
    ks: Sequence[int],
    seeds: Iterable[int],
    sample_size: int | None,
) -> tuple[pd.DataFrame, dict[str, np.ndarray], pd.DataFrame]:
    """Fit ``method`` for every k in ``ks`` and every seed on an image's features.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    method : str
        Registered method name (see :mod:`segsweep.methods`).
    params : dict
        Method parameters (validated and completed with defaults here).
    ks : sequence of int
        Numbers of clusters. A method that does not take k is fitted once per seed.
    seeds : iterable of int
    sample_size : int or None
        Pixels to fit on (None: all pixels).

    Returns
    -------
    fits : DataFrame
        One row per (k, seed), columns :data:`FIT_COLUMNS`.
    label_maps : dict of str to ndarray, shape (H, W)
        Keyed by :func:`label_key`.
    timings : DataFrame
        ``k``, ``seed``, ``fit_seconds``, ``assign_seconds``.
    """
    params = methods.resolve_params(method, params)
    height, width, channels = features.shape
    X = features.reshape(-1, channels)
    run_ks = list(ks) if methods.get_method(method).takes_k else [None]
    rows, timings, label_maps = [], [], {}
    for seed in seeds:
        for k in run_ks:
            row, labels, timing = fit_one(X, method, params, k, seed, sample_size)
            rows.append(row)
            timings.append({"k": row["k"], "seed": seed, **timing})
            label_maps[label_key(row["k"], seed)] = labels.reshape(height, width)
    return pd.DataFrame(rows, columns=FIT_COLUMNS), label_maps, pd.DataFrame(timings)


def main(snakemake) -> None:
    """Snakemake entry: sweep one (image, space, method) and write fits, labels, timings."""
    from segsweep.features import load_features
    from segsweep.storage import save_arrays, write_csv

    wildcards = snakemake.wildcards
    setup = snakemake.params.method
    fits, label_maps, timings = sweep(
        load_features(snakemake.input.features),
        setup["method"],
        setup["params"],
        snakemake.params.ks,
        snakemake.params.seeds,
        snakemake.params.sample_size,
    )
    keys = {"image": wildcards.image, "space": wildcards.space, "method": wildcards.method}
    fits = pd.concat([pd.DataFrame([keys] * len(fits)), fits], axis=1)
    timings = pd.concat([pd.DataFrame([keys] * len(timings)), timings], axis=1)
    save_arrays(snakemake.output.labels, label_maps)
    write_csv(snakemake.output.fits, fits)
    write_csv(snakemake.output.timings, timings)
