import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from segsweep.scores import (
    AMI_MAX_SEGMENTS,
    HIGHER_IS_BETTER,
    SCORE_COLUMNS,
    hungarian_scores,
    matching_errors,
    region_ious,
    score_annotations,
    score_pair,
)

labels_2d = arrays(
    np.int64, st.tuples(st.integers(2, 8), st.integers(2, 8)), elements=st.integers(0, 4)
)


def permute(labels, seed):
    """Rename label values by a random one-to-one map (no merges)."""
    values = np.unique(labels)
    rng = np.random.default_rng(seed)
    new = rng.choice(np.arange(100, 200), size=len(values), replace=False)
    return new[np.searchsorted(values, labels)]


@settings(max_examples=60, deadline=None)
@given(labels_2d, labels_2d.map(lambda a: a), st.integers(0, 1000))
def test_renaming_labels_changes_nothing(truth, seg, seed):
    if truth.shape != seg.shape:
        seg = np.resize(seg, truth.shape)
    before = score_pair(truth, seg)
    after = score_pair(permute(truth, seed), permute(seg, seed + 1))
    for key, value in before.items():
        assert after[key] == pytest.approx(value, abs=1e-9), key


@settings(max_examples=60, deadline=None)
@given(labels_2d, st.integers(0, 1000))
def test_identical_partitions_score_perfectly(truth, seed):
    scores = score_pair(truth, permute(truth, seed))
    for key in ("rand", "covering", "pixel_accuracy", "mean_iou"):
        assert scores[key] == pytest.approx(1.0), key
    assert scores["vi"] == pytest.approx(0.0, abs=1e-12)
    if len(np.unique(truth)) > 1:
        assert scores["ari"] == pytest.approx(1.0)
        assert scores["ami"] == pytest.approx(1.0)


@settings(max_examples=80, deadline=None)
@given(labels_2d, labels_2d)
def test_scores_stay_in_range_and_vi_is_symmetric(truth, seg):
    seg = np.resize(seg, truth.shape)
    scores = score_pair(truth, seg)
    for key in ("rand", "covering", "pixel_accuracy", "mean_iou"):
        assert 0.0 <= scores[key] <= 1.0 + 1e-12, key
    assert -1.0 <= scores["ari"] <= 1.0 + 1e-12
    assert scores["vi"] >= -1e-12
    assert scores["vi"] <= np.log2(truth.size) + 1e-9
    swapped = score_pair(seg, truth)
    assert swapped["vi"] == pytest.approx(scores["vi"])
    assert swapped["vi_split"] == pytest.approx(scores["vi_merge"])


def test_known_answers_on_a_hand_built_partition():
    truth = np.array([[0, 0, 1, 1]])
    merged = np.array([[5, 5, 5, 5]])
    scores = score_pair(truth, merged)
    # pairs: 6; the segmentation agrees on the 2 same-region pairs only
    assert scores["rand"] == pytest.approx(2 / 6)
    assert scores["ari"] == pytest.approx(0.0)
    assert scores["vi_merge"] == pytest.approx(1.0)  # H(truth | seg) = 1 bit
    assert scores["vi_split"] == pytest.approx(0.0)
    assert scores["covering"] == pytest.approx(0.5)  # each region has IoU 2/4
    assert scores["pixel_accuracy"] == pytest.approx(0.5)
    assert scores["mean_iou"] == pytest.approx(0.25)  # one region matched at 0.5, one at 0

    split = np.array([[0, 1, 2, 3]])
    scores = score_pair(truth, split)
    assert scores["vi_split"] == pytest.approx(1.0) and scores["vi_merge"] == pytest.approx(0.0)
    assert scores["covering"] == pytest.approx(0.5)


def test_label_zero_is_a_cluster_like_any_other():
    """adapted_rand_error would ignore label 0 and call this perfect; we must not."""
    truth = np.array([[1, 1, 2, 2, 3, 3]])
    all_zero = np.zeros_like(truth)
    scores = score_pair(truth, all_zero)
    assert scores["ari"] == pytest.approx(0.0)
    assert scores["pixel_accuracy"] == pytest.approx(1 / 3)


def test_region_ious_and_hungarian():
    truth = np.array([[0, 0, 0, 1, 1, 2]])
    seg = np.array([[7, 7, 8, 8, 8, 8]])
    best, sizes = region_ious(truth, seg)
    np.testing.assert_allclose(best, [2 / 3, 2 / 4, 1 / 4])
    np.testing.assert_array_equal(sizes, [3, 2, 1])
    accuracy, mean_iou = hungarian_scores(truth, seg)
    assert accuracy == pytest.approx(4 / 6)  # 7->0 (2 px), 8->1 (2 px)
    assert mean_iou == pytest.approx((2 / 3 + 2 / 4 + 0) / 3)


def test_matching_errors():
    truth = np.array([[0, 0, 0, 1, 1, 2]])
    seg = np.array([[7, 7, 8, 8, 8, 8]])
    np.testing.assert_array_equal(matching_errors(truth, seg), [[0, 0, 1, 0, 0, 1]])


def test_several_annotations_average_and_pool():
    a = np.array([[0, 0, 1, 1]])
    b = np.array([[0, 0, 0, 1]])
    seg = np.array([[0, 0, 1, 1]])
    pooled = score_annotations([a, b], seg)
    one, two = score_pair(a, seg), score_pair(b, seg)
    assert pooled["rand"] == pytest.approx((one["rand"] + two["rand"]) / 2)
    assert pooled["cover_den"] == 8
    assert pooled["covering"] == pytest.approx((one["cover_num"] + two["cover_num"]) / 8)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="shape"):
        score_pair(np.zeros((2, 3), int), np.zeros((3, 2), int))


def test_every_score_has_a_direction():
    assert set(HIGHER_IS_BETTER) <= set(score_pair(np.eye(3, dtype=int), np.eye(3, dtype=int)))


@settings(max_examples=80, deadline=None)
@given(labels_2d, labels_2d)
def test_one_table_gives_the_libraries_numbers(truth, seg):
    """Every score derived from the one contingency table equals the scikit-learn or
    scikit-image function it stands for."""
    from skimage.metrics import variation_of_information
    from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score, rand_score

    seg = np.resize(seg, truth.shape)
    scores = score_pair(truth, seg)
    t, s = truth.ravel(), seg.ravel()
    assert scores["ari"] == adjusted_rand_score(t, s)
    assert scores["rand"] == rand_score(t, s)
    assert scores["ami"] == pytest.approx(adjusted_mutual_info_score(t, s), abs=1e-12)
    split, merge = variation_of_information(t, s)
    assert scores["vi_split"] == pytest.approx(split, abs=1e-12)
    assert scores["vi_merge"] == pytest.approx(merge, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(labels_2d, labels_2d)
def test_matching_maximises_matched_pixels(truth, seg):
    """The sparse matching finds as many matched pixels as a dense Hungarian matching."""
    from scipy.optimize import linear_sum_assignment
    from sklearn.metrics.cluster import contingency_matrix

    seg = np.resize(seg, truth.shape)
    table = contingency_matrix(truth.ravel(), seg.ravel())
    rows, cols = linear_sum_assignment(table, maximize=True)
    accuracy, _ = hungarian_scores(truth, seg)
    assert accuracy * truth.size == pytest.approx(table[rows, cols].sum())


def test_thousands_of_segments_get_every_score_but_ami():
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(6), 2000).reshape(60, 200)
    many = rng.permutation(AMI_MAX_SEGMENTS * 30).repeat(4)[: truth.size].reshape(truth.shape)
    scores = score_annotations([truth, truth.T.reshape(truth.shape)], many)
    assert np.isnan(scores["ami"])
    finite = [key for key in SCORE_COLUMNS if key != "ami"]
    assert all(np.isfinite(scores[key]) for key in finite)
    few = score_pair(truth, many % AMI_MAX_SEGMENTS)
    assert np.isfinite(few["ami"])


def test_labels_may_be_negative_or_sparse():
    truth = np.array([[-5, -5, 7, 7], [1000, 1000, 7, 7]])
    seg = np.array([[3, 3, 0, 0], [9, 9, 0, 0]])
    scores = score_pair(truth, seg)
    assert scores["ari"] == 1.0 and scores["covering"] == 1.0 and scores["vi"] == 0.0
    np.testing.assert_array_equal(matching_errors(truth, seg), np.zeros_like(truth, bool))
