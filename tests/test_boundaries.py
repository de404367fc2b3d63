"""Boundary precision-recall: the benchmark's boundary maps, matching and dataset scores.

The official numbers are ``tests/fixtures/bsds-bench/test_4/eval_bdry*.txt`` (five images, five
segmentations each). The official matcher (CSA with six random outlier edges per pixel) is
not exactly reproducible: an implementation on that very matcher lands within 3e-4 of the
files in recall and precision, and this one, an exact optimum of the same cost, within 4e-4
(measured). The tolerances below (0.005 for recall, precision and F, 0.01 for AP) are those
the benchmark's users accept between matchers; a wrong rule (no thinning, recall averaged
instead of summed, precision counted per annotation, the radius off by a pixel) moves them
by more.
"""

import itertools

import numpy as np
import pytest
from bsds_fixture import BSDS_BENCH
from scipy.optimize import linear_sum_assignment

from segsweep.score.boundaries import (
    COST_SCALE,
    OUTLIER_COST,
    BoundaryCounts,
    _offsets,
    average_precision,
    best_f_on_curve,
    boundary_counts,
    boundary_map,
    f_measure,
    match_boundaries,
    max_distance_pixels,
    ois_counts,
    ratios,
    segmentation_boundaries,
)

FIXTURE = BSDS_BENCH


def official(name):
    return np.loadtxt(FIXTURE / "test_4" / name, ndmin=2)


@pytest.fixture(scope="module")
def fixture_counts():
    """Counts per image and segmentation of the fixture, shape (5, 5, 4)."""
    from scipy.io import loadmat

    counts = []
    for mat in sorted((FIXTURE / "groundTruth").glob("*.mat")):
        truths = [cell["Boundaries"][0, 0].astype(bool) for cell in loadmat(mat)["groundTruth"][0]]
        segs = loadmat(FIXTURE / "segs" / mat.name)["segs"][0]
        counts.append([astuple(boundary_counts(segmentation_boundaries(s), truths)) for s in segs])
    return np.array(counts, dtype=float)


def astuple(counts):
    return counts.matched_truth, counts.truth, counts.matched_machine, counts.machine


def test_boundary_map_follows_seg2bdry_on_a_small_map():
    labels = np.array([[1, 1, 2],
                       [1, 1, 2],
                       [3, 3, 3]])  # fmt: skip
    # each pixel looks at its 2 x 2 block; the last row at its right neighbour, the last
    # column at the pixel below; the bottom-right pixel is never a boundary
    expected = np.array([[0, 1, 0],
                         [1, 1, 1],
                         [0, 0, 0]], dtype=bool)  # fmt: skip
    np.testing.assert_array_equal(boundary_map(labels), expected)
    assert not boundary_map(np.zeros((4, 5))).any()


def test_thinned_boundaries_of_the_annotations_are_the_datasets_own():
    """BSDS500 ships each annotation's Boundaries: exactly seg2bdry, thinned."""
    from scipy.io import loadmat

    for mat in sorted((FIXTURE / "groundTruth").glob("*.mat")):
        for cell in loadmat(mat)["groundTruth"][0]:
            found = segmentation_boundaries(cell["Segmentation"][0, 0])
            np.testing.assert_array_equal(found, cell["Boundaries"][0, 0].astype(bool))


def dense_optimum(machine, truth, max_distance):
    """The benchmark's matching cost by the dense Hungarian method on the full graph
    (every pixel connected to every outlier): an independent optimum to compare with."""
    radius = max_distance_pixels(machine.shape, max_distance)
    a, b = np.argwhere(machine), np.argwhere(truth)
    n1, n2 = len(a), len(b)
    outlier = np.ceil(OUTLIER_COST * radius * 100)
    big = 1e12
    cost = np.full((n1 + n2, n2 + n1), outlier)
    if n1 and n2:
        distance = np.hypot(*(a[:, None, :] - b[None, :, :]).transpose(2, 0, 1))
        cost[:n1, :n2] = np.where(distance <= radius, np.rint(distance * 100), big)
    rows, cols = linear_sum_assignment(cost)
    real = (rows < n1) & (cols < n2)
    return cost[rows, cols].sum(), int(real.sum()), np.rint(cost[rows[real], cols[real]]).sum()


def matching_cost(machine, truth, matched_machine, matched_truth, max_distance):
    """Cost of a matching given only which pixels matched: the count is what the scores
    use; the distance total is checked through an optimal pairing of the matched pixels."""
    radius = max_distance_pixels(machine.shape, max_distance)
    a, b = np.argwhere(matched_machine), np.argwhere(matched_truth)
    distance = np.hypot(*(a[:, None, :] - b[None, :, :]).transpose(2, 0, 1))
    rows, cols = linear_sum_assignment(np.where(distance <= radius, np.rint(distance * 100), 1e12))
    return len(a), np.rint(distance[rows, cols] * 100).sum()


@pytest.mark.parametrize("seed", range(12))
def test_matching_is_an_optimum_of_the_benchmarks_cost(seed):
    rng = np.random.default_rng(seed)
    shape = (14, 17)  # radius 0.0075 of the diagonal is too small here: use 0.15
    machine = rng.random(shape) < 0.12
    truth = rng.random(shape) < 0.10
    matched_machine, matched_truth = match_boundaries(machine, truth, max_distance=0.15)
    assert not (matched_machine & ~machine).any() and not (matched_truth & ~truth).any()
    assert matched_machine.sum() == matched_truth.sum()  # one-to-one
    _, pairs, distance = dense_optimum(machine, truth, 0.15)
    found_pairs, found_distance = matching_cost(
        machine, truth, matched_machine, matched_truth, 0.15
    )
    assert found_pairs == pairs  # the most pairs ...
    assert found_distance <= distance  # ... at the least total distance


def test_matching_respects_the_radius_and_pairs_one_to_one():
    machine = np.zeros((100, 100), dtype=bool)
    truth = np.zeros((100, 100), dtype=bool)
    radius = max_distance_pixels(machine.shape)  # 1.06 pixels
    machine[10, 10] = truth[10, 11] = True  # 1 pixel apart: matched
    machine[50, 50] = truth[51, 51] = True  # 1.41 apart: beyond the radius
    machine[80, 80] = machine[80, 82] = truth[80, 81] = True  # two candidates for one pixel
    matched_machine, matched_truth = match_boundaries(machine, truth)
    assert 1 < radius < np.sqrt(2)
    assert matched_truth[10, 11] and matched_machine[10, 10]
    assert not matched_truth[51, 51] and not matched_machine[50, 50]
    assert matched_truth[80, 81] and matched_machine[80, 80] + matched_machine[80, 82] == 1


def test_empty_maps_match_nothing():
    empty = np.zeros((9, 9), dtype=bool)
    full = np.ones((9, 9), dtype=bool)
    for machine, truth in itertools.product((empty, full), repeat=2):
        matched_machine, matched_truth = match_boundaries(machine, truth)
        assert matched_machine.sum() == matched_truth.sum() == (machine.any() and truth.any()) * 81
    for other in ((9, 8), (9, 10), (8, 9), (10, 9)):
        with pytest.raises(ValueError, match="shape"):
            match_boundaries(empty, np.zeros(other, dtype=bool))


def test_counts_sum_recall_over_annotations_and_take_precision_from_any():
    machine = np.zeros((100, 100), dtype=bool)
    machine[10, 10:20] = True  # ten pixels
    first = np.zeros_like(machine)
    first[10, 10:15] = True  # matches the left five
    second = np.zeros_like(machine)
    second[10, 15:20] = True  # matches the right five
    second[60, 60:70] = True  # ten more, unmatched
    counts = boundary_counts(machine, [first, second])
    assert astuple(counts) == (10, 20, 10, 10)
    assert counts.recall == 0.5 and counts.precision == 1.0
    assert counts.f == pytest.approx(2 / 3)


def test_per_threshold_recall_and_precision_match_the_official_benchmark(fixture_counts):
    recall, precision = ratios(fixture_counts.sum(axis=0))
    thresholds = official("eval_bdry_thr.txt")
    np.testing.assert_allclose(recall, thresholds[:, 1], atol=0.005)
    np.testing.assert_allclose(precision, thresholds[:, 2], atol=0.005)
    np.testing.assert_allclose(f_measure(recall, precision), thresholds[:, 3], atol=0.005)


def test_ods_ois_and_ap_match_the_official_benchmark(fixture_counts):
    best_t, best_r, best_p, best_f, r_max, p_max, f_max, area = official("eval_bdry.txt")[0]
    recall, precision = ratios(fixture_counts.sum(axis=0))
    f, r, p, position = best_f_on_curve(recall, precision)
    assert (f, r, p) == pytest.approx((best_f, best_r, best_p), abs=0.005)
    assert position + 1 == pytest.approx(best_t, abs=0.05)
    ois_recall, ois_precision = ratios(ois_counts(fixture_counts))
    assert (ois_recall, ois_precision) == pytest.approx((r_max, p_max), abs=0.005)
    assert f_measure(ois_recall, ois_precision) == pytest.approx(f_max, abs=0.005)
    assert average_precision(recall, precision) == pytest.approx(area, abs=0.01)


def test_per_image_best_points_match_the_official_benchmark(fixture_counts):
    for image, row in zip(fixture_counts, official("eval_bdry_img.txt"), strict=True):
        f, r, p, position = best_f_on_curve(*ratios(image))
        assert (r, p, f) == pytest.approx(tuple(row[2:]), abs=0.005)
        assert position + 1 == pytest.approx(row[1], abs=0.05)


def test_scores_are_deterministic(fixture_counts):
    from scipy.io import loadmat

    mat = sorted((FIXTURE / "groundTruth").glob("*.mat"))[0]
    truths = [cell["Boundaries"][0, 0].astype(bool) for cell in loadmat(mat)["groundTruth"][0]]
    machine = segmentation_boundaries(loadmat(FIXTURE / "segs" / mat.name)["segs"][0][0])
    first = [m.tobytes() for truth in truths for m in match_boundaries(machine, truth)]
    again = [m.tobytes() for truth in truths for m in match_boundaries(machine, truth)]
    assert first == again
    assert astuple(boundary_counts(machine, truths)) == tuple(fixture_counts[0, 0])


def test_best_f_interpolates_between_points():
    # (R, P) from (1, 0) to (0, 1): F is best half-way; the benchmark interpolates at 100
    # points (linspace(0, 1, 100)), of which 49/99 and 50/99 tie nearest the middle
    f, r, p, position = best_f_on_curve(np.array([1.0, 0.0]), np.array([0.0, 1.0]))
    assert f == pytest.approx(0.5, abs=1e-3)
    assert min(abs(position - 49 / 99), abs(position - 50 / 99)) < 1e-12
    # the first of equal bests is kept, also when a later segment reaches it again
    assert best_f_on_curve(np.array([0.5, 0.5]), np.array([0.5, 0.5]))[3] == 0.0
    again = best_f_on_curve(np.array([0.5, 0.2, 0.5]), np.array([0.5, 0.2, 0.5]))
    assert again[0] == 0.5 and again[3] == 0.0
    # the first point is judged by its own recall and precision
    crossing = best_f_on_curve(np.array([0.1, 0.9]), np.array([0.9, 0.1]))
    assert crossing[0] == pytest.approx(0.5, abs=1e-3)
    assert best_f_on_curve(np.array([0.3]), np.array([0.6]))[0] == pytest.approx(0.4)


def test_no_boundary_pixels_give_zero_not_nan():
    """The benchmark's R = cntR / (sumR + (sumR == 0)): an annotation or a fit without
    boundaries scores 0, never NaN."""
    counts = np.array([[0, 0, 0, 0], [0, 0, 3, 4], [2, 5, 0, 0], [1, 1, 1, 1]], dtype=float)
    recall, precision = ratios(counts)
    np.testing.assert_array_equal(recall, [0, 0, 0.4, 1])
    np.testing.assert_array_equal(precision, [0, 0.75, 0, 1])
    none = BoundaryCounts(0, 0, 0, 0)
    assert (none.recall, none.precision, none.f) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("radius", [1.0, 2.0, 3.0, 4.34])
def test_candidate_offsets_are_every_pixel_within_the_radius(radius):
    rows, cols, costs = _offsets(radius)
    reach = range(-6, 7)
    expected = {(r, c) for r in reach for c in reach if r * r + c * c <= radius * radius}
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expected
    np.testing.assert_array_equal(costs, np.rint(np.hypot(rows, cols) * COST_SCALE))


def test_coinciding_pixels_match_and_a_wide_radius_still_prefers_pairs():
    # isolated dots on the same spot: their only pairs cost 0, which must still count
    dots = np.zeros((40, 40), dtype=bool)
    dots[5, 5] = dots[20, 30] = dots[35, 8] = True
    matched_machine, matched_truth = match_boundaries(dots, dots)
    assert matched_machine.sum() == matched_truth.sum() == 3
    # a radius of 12 pixels (a 1 700 x 1 700 image): dots 11 pixels apart still pair
    machine, truth = np.zeros((1700, 1700), dtype=bool), np.zeros((1700, 1700), dtype=bool)
    machine[100, 100] = truth[100, 111] = True
    assert max_distance_pixels(machine.shape) > 11
    matched_machine, matched_truth = match_boundaries(machine, truth)
    assert matched_machine[100, 100] and matched_truth[100, 111]


def test_average_precision_is_the_area_under_the_interpolated_curve():
    # precision 1 from recall 0 to 0.5: area 0.5 (51 points at 1, 0.01 apart ...)
    assert average_precision(np.array([0.0, 0.5]), np.array([1.0, 1.0])) == pytest.approx(0.51)
    # a line from (0, 1) to (1, 0): 0.505 (the benchmark's sum over 101 points, not 0.5)
    assert average_precision(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(0.505)
    assert average_precision(np.array([0.3, 0.3]), np.array([0.2, 0.9])) == 0.0


def test_ois_takes_each_images_first_best_point():
    per_image = np.array([
        [[1, 2, 1, 2], [2, 2, 2, 2], [2, 2, 2, 2]],  # best at the second point (F = 1)
        [[3, 4, 3, 3], [1, 4, 1, 1], [0, 4, 0, 1]],  # best at the first
    ], dtype=float)  # fmt: skip
    np.testing.assert_array_equal(ois_counts(per_image), [5, 6, 5, 5])


def test_a_methods_own_boundary_map_is_thinned_before_it_is_matched():
    """A UCM's boundaries at a threshold are several pixels wide; the benchmark thins them
    like a segmentation's, so a 3-pixel band along the annotation's boundary is one column."""
    from segsweep.score.measures import ImageTruth, score_fit

    labels = np.zeros((30, 30), dtype=int)
    labels[:, 15:] = 1  # seg2bdry puts the boundary on column 14
    band = np.zeros(labels.shape, dtype=bool)
    band[:, 13:16] = True
    scores = score_fit(ImageTruth.of([labels], groups=("boundary",)), labels, band)
    assert scores["bdry_pixels"] <= 30  # one column (thinning trims its ends), not 90
    assert scores["bdry_precision"] == 1.0
