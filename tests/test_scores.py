import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from segsweep.score.measures import score_annotations, score_pair, scores_of
from segsweep.score.scores import (
    expected_mutual_information,
    hungarian_scores,
    matching_errors,
    pair_table,
    region_ious,
)

#: The region scores of one annotation, and the direction of those with one (the registry's).
SCORE_COLUMNS = [m.column for m in scores_of(("region",))]
HIGHER_IS_BETTER = {
    m.column: m.higher_is_better for m in scores_of(("region",)) if m.higher_is_better is not None
}

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
    # one pixel: no pair to disagree on, so the Rand index is 1 (scikit-learn's rand_score)
    assert score_pair(np.array([[3]]), np.array([[7]]))["rand"] == 1.0


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


@pytest.mark.parametrize(("truth_shape", "seg_shape"), [((2, 3), (3, 2)), ((3, 2), (2, 3))])
def test_shape_mismatch_is_an_error(truth_shape, seg_shape):
    with pytest.raises(ValueError, match="ground truth shape"):
        score_pair(np.zeros(truth_shape, int), np.zeros(seg_shape, int))


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


def exact_expected_mutual_information(row_sizes, col_sizes) -> float:
    """The expected mutual information by its definition, each hypergeometric probability
    an exact fraction of Python integers: a reference that shares no arithmetic with
    segsweep's or scikit-learn's."""
    import math
    from collections import Counter
    from fractions import Fraction

    n = int(sum(row_sizes))
    terms = []
    for a, count_a in Counter(map(int, row_sizes)).items():
        for b, count_b in Counter(map(int, col_sizes)).items():
            ways = math.comb(n, b)
            for k in range(max(1, a + b - n), min(a, b) + 1):
                p = Fraction(math.comb(a, k) * math.comb(n - a, b - k), ways)
                terms.append(count_a * count_b * k / n * math.log(n * k / (a * b)) * float(p))
    return math.fsum(terms)


def thousands_of_segments(shape=(60, 80), seed=0):
    """A 5 x 5 block truth and a segmentation of a few large blocks and 2 000 tiny ones."""
    rng = np.random.default_rng(seed)
    yy, xx = np.indices(shape)
    truth = (yy * 5 // shape[0]) * 5 + xx * 5 // shape[1]
    segmentation = (yy // 20) * 4 + xx // 20
    tiny = rng.random(shape) < 0.4
    segmentation[tiny] = 100 + rng.integers(0, 2000, tiny.sum())
    return truth, segmentation


def test_thousands_of_segments_count_the_occupied_cells_as_a_full_table_does():
    """Beyond a dense table's size the contingency table counts its occupied cells only;
    they are scikit-learn's contingency matrix, and so are the scores."""
    from sklearn.metrics import adjusted_rand_score
    from sklearn.metrics.cluster import contingency_matrix

    _, segmentation = thousands_of_segments()
    yy, xx = np.indices(segmentation.shape)
    truth = (yy // 4) * 20 + xx // 4  # 300 regions of 16 pixels
    table = pair_table(truth, segmentation)
    assert table.shape[0] * table.shape[1] > 8 * truth.size + 4096  # the sparse count
    full = contingency_matrix(truth.ravel(), segmentation.ravel())
    np.testing.assert_array_equal(table.counts, full[table.rows, table.cols])
    assert table.counts.sum() == truth.size and np.count_nonzero(full) == len(table.counts)
    expected = adjusted_rand_score(truth.ravel(), segmentation.ravel())
    assert score_pair(truth, segmentation)["ari"] == pytest.approx(expected, abs=1e-12)


def test_expected_mutual_information_is_exact_with_thousands_of_segments():
    truth, segmentation = thousands_of_segments()
    rows, cols = (
        np.unique(truth, return_counts=True)[1],
        np.unique(segmentation, return_counts=True)[1],
    )
    assert len(cols) > 1000
    exact = exact_expected_mutual_information(rows, cols)
    assert expected_mutual_information(rows, cols) == pytest.approx(exact, rel=1e-12)
    # symmetric in its two labellings, and zero with one cluster on either side
    assert expected_mutual_information(cols, rows) == pytest.approx(exact, rel=1e-12)
    assert expected_mutual_information(np.array([truth.size]), cols) == 0.0


def test_tails_are_left_out_only_where_they_do_not_count():
    """Sizes whose overlaps spread widely (half the image each) and whose overlaps are
    nearly fixed (one cluster of almost every pixel), and pairs whose mean overlap exceeds
    EMI_TAIL (where the upper window's Lambert W argument turns negative), against the
    exact sum."""
    cases = (([500, 500], [499, 1, 500]), ([990, 10], [995, 3, 2]), ([7] * 100, [700]),
             ([3, 1], [3, 1]), ([2, 2], [3, 1]), ([5, 4, 1], [6, 3, 1]),
             ([155, 245], [155, 245]))  # fmt: skip  # a mean overlap of 60, above EMI_TAIL
    for rows, cols in cases:
        exact = exact_expected_mutual_information(rows, cols)
        ours = expected_mutual_information(np.array(rows), np.array(cols))
        assert ours == pytest.approx(exact, rel=1e-12, abs=1e-15), (rows, cols)


def test_ami_is_scikit_learns_formula_around_the_expected_information(monkeypatch):
    """scikit-learn's adjusted_mutual_info_score with its expected mutual information
    replaced by segsweep's gives segsweep's AMI to the last bits: the mutual information,
    entropies, special cases and clamps around it are the library's. (The expected term
    itself is checked against exact arithmetic above: scikit-learn's float64 loop is off by
    1e-12 to 2e-11 relative on these inputs, so it cannot be the reference to 1e-12.)"""
    from sklearn.metrics import adjusted_mutual_info_score
    from sklearn.metrics.cluster import _supervised

    def ours(contingency, n_samples):
        rows = np.ravel(contingency.sum(axis=1))
        cols = np.ravel(contingency.sum(axis=0))
        return expected_mutual_information(rows, cols)

    monkeypatch.setattr(_supervised, "expected_mutual_information", ours)
    truth, segmentation = thousands_of_segments()
    for t in (truth, truth.T.reshape(truth.shape), truth // 5, np.zeros_like(truth)):
        expected = adjusted_mutual_info_score(t.ravel(), segmentation.ravel())
        assert score_pair(t, segmentation)["ami"] == pytest.approx(expected, abs=1e-15)
    # one cluster on one side: exactly 0, on both: exactly 1, as scikit-learn says
    assert score_pair(np.zeros_like(truth), segmentation)["ami"] == 0.0
    assert score_pair(truth, np.zeros_like(truth))["ami"] == 0.0
    assert score_pair(np.zeros_like(truth), np.ones_like(truth))["ami"] == 1.0
    scores = score_annotations([truth, truth // 5], segmentation)
    assert all(np.isfinite(scores[key]) for key in SCORE_COLUMNS)


def test_ami_on_a_bsds_sized_image_agrees_with_scikit_learn_to_its_rounding():
    """At 154 401 pixels each log-factorial is about 1.7e6, whose float64 rounding
    (2e-10) scikit-learn's loop carries into its expected mutual information: measured
    against 40-digit arithmetic it is off by 3e-10 relative there, and segsweep's by 1e-14.
    So against scikit-learn the agreement is to its rounding, 1e-10 here."""
    from sklearn.metrics import adjusted_mutual_info_score

    rng = np.random.default_rng(1)
    yy, xx = np.indices((321, 481))
    truth = (yy // 40) * 13 + xx // 40
    segmentation = (yy // 7) * 70 + xx // 7  # 3 220 segments
    segmentation[rng.random(truth.shape) < 0.01] = 0
    ours = score_pair(truth, segmentation)["ami"]
    assert ours == pytest.approx(
        adjusted_mutual_info_score(truth.ravel(), segmentation.ravel()), abs=1e-10
    )


def test_labels_may_be_negative_or_sparse():
    truth = np.array([[-5, -5, 7, 7], [1000, 1000, 7, 7]])
    seg = np.array([[3, 3, 0, 0], [9, 9, 0, 0]])
    scores = score_pair(truth, seg)
    assert scores["ari"] == 1.0 and scores["covering"] == 1.0 and scores["vi"] == 0.0
    np.testing.assert_array_equal(matching_errors(truth, seg), np.zeros_like(truth, bool))
    small = np.array([[-1, -1, 0, 0], [1, 1, 0, 0]])  # negative, yet below the pixel count
    assert score_pair(small, seg) == score_pair(small + 1, seg)


def test_each_direction_says_which_way_better_goes():
    """A segmentation equal to the truth against shuffled labels: better by every score,
    in the direction HIGHER_IS_BETTER gives it."""
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(4), 50).reshape(10, 20)
    perfect = score_pair(truth, truth)
    shuffled = score_pair(truth, rng.permutation(truth.ravel()).reshape(truth.shape))
    assert set(HIGHER_IS_BETTER) == set(SCORE_COLUMNS) - {"cover_num", "cover_den"}
    for score, higher in HIGHER_IS_BETTER.items():
        assert (perfect[score] > shuffled[score]) == higher, score


def test_an_unmatched_segment_is_wrong_wherever_it_lies():
    truth = np.array([[0, 0, 0, 0, 1, 1]])
    seg = np.array([[5, 5, 5, 6, 7, 7]])  # 6 has no region left to match
    np.testing.assert_array_equal(matching_errors(truth, seg), [[0, 0, 0, 1, 0, 0]])


@pytest.mark.parametrize("x, y", [(1, 2), (2, 1)])
def test_equal_matched_pixels_are_decided_by_the_larger_iou(x, y):
    """Region A (2 px) can match segment X or Y for 1 pixel either way, beside B matched to
    Z: equal pixels, so the larger IoU decides: A-X (1/3) over A-Y (1/4), whatever the
    labels' order."""
    truth = np.array([[0, 0, 1, 1, 1, 1, 1, 1]])
    seg = np.array([[x, y, x, y, y, 3, 3, 3]])
    np.testing.assert_array_equal(matching_errors(truth, seg), [[0, 1, 1, 1, 1, 0, 0, 0]])
    accuracy, mean_iou = hungarian_scores(truth, seg)
    assert accuracy == pytest.approx(4 / 8)
    assert mean_iou == pytest.approx((1 / 3 + 3 / 6) / 2)


def test_prepared_partitions_tables_and_facts_are_fixed_once_made():
    """They are shared between scores (and cached): none may be changed by a reader."""
    import dataclasses

    from segsweep.score.boundaries import BoundaryCounts
    from segsweep.score.measures import SCORES
    from segsweep.score.scores import PairFacts, Partition, pair_table

    truth, seg = np.array([[0, 0, 1]]), np.array([[1, 2, 2]])
    facts = PairFacts.of(truth, seg)
    counts = BoundaryCounts(1, 2, 1, 2)
    for shared, field in [
        (Partition.of(truth), "sizes"), (pair_table(truth, seg), "counts"),
        (facts, "table"), (counts, "truth"), (scores_of()[0], "column"), (SCORES[0], "column"),
    ]:  # fmt: skip
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(shared, field, None)
    assert counts.recall == 0.5 and facts.cover_num == 2 * 1 / 2 + 1 * 1 / 2


def test_covering_of_several_annotations_is_the_ratio_of_the_pooled_sums():
    """Not the mean of each annotation's covering, which differs in the last bits."""
    rng = np.random.default_rng(0)
    seg = rng.integers(0, 4, (9, 11))
    annotations = [rng.integers(0, 3 + i, (9, 11)) for i in range(3)]
    scores = score_annotations(annotations, seg)
    assert scores["covering"] == scores["cover_num"] / scores["cover_den"]
    assert scores["cover_den"] == 3 * seg.size


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.int8, (3, 4), elements=st.integers(0, 3)),
    arrays(np.int8, (3, 4), elements=st.integers(0, 3)),
)
def test_matching_takes_the_most_pixels_then_the_largest_iou_sum(truth, seg):
    """Against every one-to-one matching of a small table, enumerated."""
    import itertools

    from segsweep.score.scores import _cell_ious, match

    table = pair_table(truth, seg)
    dense = np.zeros(table.shape)
    iou = np.zeros(table.shape)
    dense[table.rows, table.cols] = table.counts
    iou[table.rows, table.cols] = _cell_ious(table)
    small, large = sorted(table.shape)
    best = max(
        (sum(dense[pair] for pair in pairs), sum(iou[pair] for pair in pairs))
        for chosen in itertools.permutations(range(large), small)
        for pairs in [
            [(i, j) if table.shape[0] <= table.shape[1] else (j, i) for i, j in enumerate(chosen)]
        ]
    )
    cells = match(table)
    assert table.counts[cells].sum() == best[0]
    assert _cell_ious(table)[cells].sum() == pytest.approx(best[1], abs=1e-12)


def test_ami_clamps_a_vanishing_denominator_as_scikit_learn_does(monkeypatch):
    """With the expected information equal to the mean entropy, AMI's denominator is 0 and
    scikit-learn divides by +eps; just above it, the denominator is within eps below 0 and
    it divides by -eps. The expected term is replaced on both sides to make these cases."""
    from sklearn.metrics import adjusted_mutual_info_score
    from sklearn.metrics.cluster import _supervised

    from segsweep.score import scores

    truth = np.repeat([0, 1], 6)
    seg = np.repeat([0, 1], [5, 7])  # mean entropy below 1 nat: its float steps are < eps
    for step in (0, 1):  # the mean entropy itself, then the next float above it

        def ours(row_sizes, col_sizes, step=step):
            n = np.sum(row_sizes)
            h = [-(np.sum((s / n) * (np.log(s) - np.log(n)))) for s in (row_sizes, col_sizes)]
            mean = (h[0] + h[1]) / 2
            return np.nextafter(mean, np.inf) if step else mean

        def theirs(contingency, n_samples, step=step):
            mean = np.mean([_supervised.entropy(truth), _supervised.entropy(seg)])
            return np.nextafter(mean, np.inf) if step else mean

        monkeypatch.setattr(scores, "expected_mutual_information", ours)
        monkeypatch.setattr(_supervised, "expected_mutual_information", theirs)
        expected = adjusted_mutual_info_score(truth, seg)
        assert abs(expected) > 1e12  # the numerator over an eps-sized denominator
        assert score_pair(truth, seg)["ami"] == pytest.approx(expected, rel=1e-6, abs=0)


def test_ami_clamps_a_vanishing_numerator_as_scikit_learn_does(monkeypatch):
    """With the expected information equal to the mutual information (scikit-learn's, which
    segsweep's equals on this pair), the numerator is 0 and becomes +eps; just above it,
    within eps below 0, it becomes -eps."""
    from sklearn.metrics import adjusted_mutual_info_score, mutual_info_score
    from sklearn.metrics.cluster import _supervised

    from segsweep.score import scores

    truth = np.repeat([0, 1], 6)
    seg = np.repeat([0, 1, 2], [3, 5, 4])
    mutual = mutual_info_score(truth, seg)
    for step in (0, 1):
        value = np.nextafter(mutual, np.inf) if step else mutual
        monkeypatch.setattr(scores, "expected_mutual_information", lambda *_, v=value: v)
        monkeypatch.setattr(_supervised, "expected_mutual_information", lambda *_, v=value: v)
        expected = adjusted_mutual_info_score(truth, seg)
        assert 0 < abs(expected) < 1e-14  # eps over the denominator
        assert score_pair(truth, seg)["ami"] == pytest.approx(expected, rel=1e-6, abs=0)
