"""Internal criteria: how good is each fit, judged without ground truth.

- Calinski-Harabasz (higher is better) and Davies-Bouldin (lower is better) on all pixels;
- silhouette (higher is better) on a seeded random sample of pixels only, since its cost
  grows with the square of the number of pixels (5 000 pixels take about 0.3 s, 10 000
  about 1.6 s on two cores).

A criterion that needs at least two clusters is left empty (NaN) for a fit that found one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from segsweep.labelmaps import label_key

CRITERIA_COLUMNS = ["k", "seed", "calinski_harabasz", "davies_bouldin", "silhouette"]


def internal_criteria(
    X: np.ndarray, labels: np.ndarray, silhouette_sample: int, seed: int
) -> dict[str, float]:
    """Calinski-Harabasz, Davies-Bouldin (all pixels) and sampled silhouette of one fit.

    Parameters
    ----------
    X : ndarray, shape (n_pixels, C)
    labels : ndarray of int, shape (n_pixels,)
    silhouette_sample : int
        Pixels drawn (seeded by ``seed``) for the silhouette.
    seed : int

    Returns
    -------
    dict
        ``calinski_harabasz``, ``davies_bouldin``, ``silhouette``; NaN when fewer than two
        clusters (or, for the silhouette, fewer than two clusters in the sample).
    """
    nan = {"calinski_harabasz": np.nan, "davies_bouldin": np.nan, "silhouette": np.nan}
    n_labels = len(np.unique(labels))
    if n_labels < 2 or n_labels >= len(X):
        return nan
    result = {
        "calinski_harabasz": float(calinski_harabasz_score(X, labels)),
        "davies_bouldin": float(davies_bouldin_score(X, labels)),
    }
    rng = np.random.default_rng(seed)
    index = rng.choice(len(X), size=min(silhouette_sample, len(X)), replace=False)
    sampled = labels[index]
    n_sampled = len(np.unique(sampled))
    result["silhouette"] = (
        float(silhouette_score(X[index], sampled)) if 2 <= n_sampled < len(index) else np.nan
    )
    return result


def criteria_table(
    features: np.ndarray, label_maps: dict[str, np.ndarray], fits: pd.DataFrame, sample: int
) -> pd.DataFrame:
    """Internal criteria of every fit listed in ``fits`` (columns ``k`` and ``seed``)."""
    X = features.reshape(-1, features.shape[-1])
    rows = []
    for k, seed in zip(fits["k"], fits["seed"], strict=True):
        labels = label_maps[label_key(int(k), int(seed))].ravel()
        rows.append({"k": k, "seed": seed, **internal_criteria(X, labels, sample, int(seed))})
    return pd.DataFrame(rows, columns=CRITERIA_COLUMNS)
