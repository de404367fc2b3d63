import time

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

from segsweep.score.criteria import (
    CLUSTER_CRITERIA_MAX_SEGMENTS,
    CRITERIA_COLUMNS,
    SilhouetteDistances,
    cluster_criteria,
    internal_criteria,
    transposed,
)
from segsweep.score.evaluate import evaluate


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
    assert all(np.isnan(result[name]) for name in CRITERIA_COLUMNS)
    assert result["skipped"] == "calinski_harabasz, davies_bouldin, silhouette: one segment"


def test_silhouette_is_seeded():
    X, truth = blobs(0.1)
    a = internal_criteria(X, truth, 200, seed=1)["silhouette"]
    b = internal_criteria(X, truth, 200, seed=1)["silhouette"]
    c = internal_criteria(X, truth, 200, seed=2)["silhouette"]
    assert a == b != c


def test_shared_distances_give_the_same_silhouette_as_a_fit_by_fit_computation():
    X, truth = blobs(0.3)
    distances = SilhouetteDistances(X, 300)
    shared = internal_criteria(X, truth, 300, 4, distances(4))["silhouette"]
    alone = internal_criteria(X, truth, 300, 4)["silhouette"]
    assert shared == pytest.approx(alone, abs=1e-6)
    assert distances(4) is distances(4)  # computed once per seed


@pytest.mark.parametrize("shape", [(1, 1), (3, 700), (513, 257), (600, 600)])
def test_transposed_copies_the_transpose_exactly(shape):
    matrix = np.random.default_rng(0).random(shape).astype(np.float32)
    copy = transposed(matrix)
    assert copy.flags.c_contiguous
    np.testing.assert_array_equal(copy, matrix.T)


def test_cluster_criteria_are_left_empty_beyond_the_segment_limit():
    rng = np.random.default_rng(0)
    X = rng.random((4 * CLUSTER_CRITERIA_MAX_SEGMENTS, 3)).astype(np.float32)
    many = np.repeat(np.arange(CLUSTER_CRITERIA_MAX_SEGMENTS + 1), 3)[: len(X)]
    many = np.concatenate([many, np.zeros(len(X) - len(many), int)])
    result = internal_criteria(X, many, silhouette_sample=200, seed=0)
    assert np.isnan(result["calinski_harabasz"]) and np.isnan(result["davies_bouldin"])
    assert np.isfinite(result["silhouette"])
    assert result["skipped"] == (
        f"calinski_harabasz, davies_bouldin: {CLUSTER_CRITERIA_MAX_SEGMENTS + 1} segments, "
        f"above criteria.max_segments = {CLUSTER_CRITERIA_MAX_SEGMENTS}"
    )
    few = internal_criteria(X, many % CLUSTER_CRITERIA_MAX_SEGMENTS, 200, 0)
    assert np.isfinite(few["calinski_harabasz"]) and np.isfinite(few["davies_bouldin"])
    assert few["skipped"] == ""
    # the limit is a setting: raised, or None for any number, the criteria are computed
    for limit in (CLUSTER_CRITERIA_MAX_SEGMENTS + 1, None):
        lifted = internal_criteria(X, many, 200, 0, max_segments=limit)
        assert lifted["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, many))
        assert lifted["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, many))
        assert lifted["skipped"] == ""
    assert np.isnan(internal_criteria(X, many % 10, 200, 0, max_segments=9)["davies_bouldin"])


def test_evaluate_follows_fits_rows_and_scores_only_with_truth():
    X, truth = blobs(1.0)
    features = X.reshape(20, 50, 3)
    maps = {(2, 0): truth.reshape(20, 50), (3, 0): (np.arange(1000) % 3).reshape(20, 50)}
    fits = pd.DataFrame({"value": [2.0, 3.0], "seed": [0, 0]})
    started = time.perf_counter()
    table, seconds = evaluate(features, maps, fits, silhouette_sample=200)
    elapsed = time.perf_counter() - started
    assert table["value"].tolist() == [2, 3] and len(seconds) == 2
    assert 0 < sum(seconds) <= elapsed  # each fit's own time, within the call's
    assert "ari" not in table
    assert table.loc[0, "silhouette"] > table.loc[1, "silhouette"]
    assert table["silhouette"].iloc[0] == pytest.approx(
        internal_criteria(X, truth, 200, 0)["silhouette"], abs=1e-6
    )
    scored, _ = evaluate(features, maps, fits, 200, annotations=[truth.reshape(20, 50)])
    assert scored.loc[0, "ari"] == pytest.approx(1.0) and scored.loc[1, "ari"] < 0.1


@pytest.mark.parametrize("n_clusters", [2, 7, 60, 1500])
def test_silhouette_from_shared_distances_is_scikit_learns_bit_for_bit(n_clusters):
    from sklearn.metrics import pairwise_distances, silhouette_score

    from segsweep.score.criteria import silhouette_of_distances

    rng = np.random.default_rng(n_clusters)
    X = rng.random((2000, 3)).astype(np.float32)
    distances = pairwise_distances(X)
    labels = rng.integers(0, n_clusters, len(X)) * 3 + 1  # values need not be 0..c-1
    labels[:5] = 10_000 + np.arange(5)  # singletons: silhouette 0 by definition
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette_of_distances(np.ascontiguousarray(distances.T), labels) == expected


def criteria_cases():
    """(X, labels) on which the one-pass criteria must give scikit-learn's numbers: a
    BSDS-sized image in Lab-like units with 2, 8 and 300 clusters, labels that are not
    0..k-1, a cluster of one pixel, clusters whose pixels are all alike (no scatter), two
    clusters with the same centre, and float32 features as the pipeline stores them
    (compared with scikit-learn on the same values in float64: on float32 input its
    Davies-Bouldin averages centres in float32, up to 0.2% off at 0.15 Mpx)."""
    rng = np.random.default_rng(3)
    X = rng.normal(50.0, 20.0, (154_401, 3))
    for k in (2, 8, 300):
        yield X, rng.integers(0, k, len(X))
    small = rng.normal(0.0, 1.0, (600, 3))
    yield small, rng.choice([-4, 7, 1000], 600)
    yield small, np.r_[np.zeros(599, int), 1]
    yield np.repeat(np.eye(3), 200, axis=0), np.repeat([0, 1, 2], 200)
    twins = np.r_[small[:300], -small[:300]]
    yield twins, np.r_[np.zeros(300, int), np.ones(300, int)]
    yield X.astype(np.float32), rng.integers(0, 12, len(X))


@pytest.mark.parametrize("case", range(8))
def test_cluster_criteria_are_scikit_learns_to_1e_12(case):
    X, labels = list(criteria_cases())[case]
    calinski, davies = cluster_criteria(X, labels)
    X = X.astype(np.float64)
    assert calinski == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-12, abs=0)
    assert davies == pytest.approx(davies_bouldin_score(X, labels), rel=1e-12, abs=1e-15)


def test_the_default_segment_limit_is_the_schemas():
    """Outside a workflow (no config), Calinski-Harabasz and Davies-Bouldin are skipped
    above the schema's default of ``criteria.max_segments``, and computed at it."""
    from segsweep.cli import SCHEMA
    from segsweep.config_errors import read_yaml

    criteria = read_yaml(SCHEMA)["properties"]["criteria"]["properties"]
    limit = criteria["max_segments"]["default"]
    X = np.random.default_rng(0).random((2 * limit + 2, 3))
    for n_segments, skipped in ((limit, False), (limit + 1, True)):
        labels = np.arange(len(X)) % n_segments
        result = internal_criteria(X, labels, silhouette_sample=50, seed=0)
        assert np.isnan(result["davies_bouldin"]) == skipped, n_segments


def test_the_silhouette_sample_draws_distinct_pixels():
    from segsweep.score.criteria import silhouette_index

    index = silhouette_index(600, 500, 0)
    assert len(index) == 500 and len(np.unique(index)) == 500
    assert sorted(silhouette_index(5, 500, 0)) == [0, 1, 2, 3, 4]


def test_davies_bouldin_of_clusters_each_one_unit_wide_is_scikit_learns():
    """Every pixel 1 from its centre: the scatters are all 1 (not 0, the special case)."""
    X = np.array([[0.0, 1.0], [0.0, -1.0], [10.0, 1.0], [10.0, -1.0]])
    labels = np.array([0, 0, 1, 1])
    calinski, davies = cluster_criteria(X, labels)
    assert davies == pytest.approx(davies_bouldin_score(X, labels)) == pytest.approx(0.2)


def test_labels_are_counted_whatever_their_values():
    from segsweep.score.criteria import _count_labels

    assert _count_labels(np.array([-3, 5, 5, 0])) == 3
    assert _count_labels(np.array([7, 7, 2], np.uint8)) == 2
    assert _count_labels(np.array([], int)) == 0


def test_a_fit_of_as_many_segments_as_pixels_is_skipped_with_its_reason():
    X = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]])
    result = internal_criteria(X, np.array([0, 1]), silhouette_sample=2, seed=0)
    assert all(np.isnan(result[column]) for column in CRITERIA_COLUMNS)
    assert result["skipped"].endswith(": as many segments as pixels")
    assert internal_criteria(X, np.array([1, 1]), 2, 0)["skipped"].endswith(": one segment")


def test_a_silhouette_sample_of_singletons_is_skipped():
    """Three segments over four pixels, a sample of two that falls on two segments: each
    sampled segment a single pixel, so no silhouette (scikit-learn refuses one)."""
    from segsweep.score.criteria import silhouette_index

    X = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [5.0, 5.0, 5.0], [5.0, 5.0, 6.0]])
    labels = np.array([0, 1, 2, 2])
    seed = next(s for s in range(100) if len(set(labels[silhouette_index(4, 2, s)])) == 2)
    result = internal_criteria(X, labels, silhouette_sample=2, seed=seed)
    assert np.isnan(result["silhouette"]) and np.isfinite(result["calinski_harabasz"])
    assert (
        result["skipped"] == "silhouette: its 2-pixel sample holds one segment (or only singletons)"
    )
