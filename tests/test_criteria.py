import numpy as np
import pandas as pd
import pytest

from segsweep.criteria import criteria_table, internal_criteria
from segsweep.labelmaps import label_key


def blobs(separation):
    rng = np.random.default_rng(0)
    truth = np.repeat([0, 1], 500)
    X = rng.normal(0, 0.05, (1000, 3)) + separation * truth[:, None]
    return X.astype(np.float32), truth


def test_better_separation_scores_better_on_every_criterion():
    far = internal_criteria(*blobs(1.0), silhouette_sample=300, seed=0)
    near = internal_criteria(*blobs(0.1), silhouette_sample=300, seed=0)
    assert far["silhouette"] > 0.9 > near["silhouette"]
    assert far["calinski_harabasz"] > near["calinski_harabasz"]
    assert far["davies_bouldin"] < near["davies_bouldin"]


def test_one_cluster_gives_nan_not_an_error():
    X, _ = blobs(1.0)
    result = internal_criteria(X, np.zeros(len(X), int), silhouette_sample=100, seed=0)
    assert all(np.isnan(value) for value in result.values())


def test_silhouette_is_seeded():
    X, truth = blobs(0.1)
    a = internal_criteria(X, truth, 200, seed=1)["silhouette"]
    b = internal_criteria(X, truth, 200, seed=1)["silhouette"]
    c = internal_criteria(X, truth, 200, seed=2)["silhouette"]
    assert a == b != c


def test_criteria_table_follows_fits_rows():
    X, truth = blobs(1.0)
    features = X.reshape(20, 50, 3)
    maps = {
        label_key(2, 0): truth.reshape(20, 50),
        label_key(3, 0): (np.arange(1000) % 3).reshape(20, 50),
    }
    fits = pd.DataFrame({"k": [2, 3], "seed": [0, 0]})
    table = criteria_table(features, maps, fits, sample=200)
    assert table["k"].tolist() == [2, 3]
    assert table.loc[0, "silhouette"] > table.loc[1, "silhouette"]
    assert table["silhouette"].iloc[0] == pytest.approx(
        internal_criteria(X, truth, 200, 0)["silhouette"]
    )
