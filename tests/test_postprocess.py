import numpy as np
import pytest

from segsweep.fit.postprocess import potts_smooth, split_connected, with_xy


def test_with_xy_appends_scaled_coordinates():
    features = np.zeros((3, 5, 2), np.float32)
    out = with_xy(features, 2.0)
    assert out.shape == (3, 5, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out[0, :, 2], [0, 0.5, 1.0, 1.5, 2.0])  # x over the longer side
    np.testing.assert_allclose(out[:, 0, 3], [0, 0.5, 1.0])


def two_regions_with_salt(seed=0):
    rng = np.random.default_rng(seed)
    truth = np.zeros((30, 30), int)
    truth[:, 15:] = 1
    features = (truth[..., None] * 1.0 + rng.normal(0, 0.35, (30, 30, 1))).astype(np.float32)
    noisy = (features[..., 0] > 0.5).astype(int)
    return features, noisy, truth


def test_potts_smoothing_removes_isolated_errors():
    features, noisy, truth = two_regions_with_salt()
    errors_before = (noisy != truth).sum()
    smoothed = potts_smooth(features, noisy, strength=1.0)
    assert errors_before > 20
    assert (smoothed != truth).sum() < errors_before / 4
    np.testing.assert_array_equal(potts_smooth(features, noisy, 0.0), noisy)


def test_stronger_smoothing_gives_fewer_boundary_pixels():
    features, noisy, _ = two_regions_with_salt(1)

    def boundary_length(labels):
        return (np.diff(labels, axis=0) != 0).sum() + (np.diff(labels, axis=1) != 0).sum()

    lengths = [boundary_length(potts_smooth(features, noisy, s)) for s in (0.0, 0.3, 2.0)]
    assert lengths[0] > lengths[1] > lengths[2]


def test_split_connected():
    labels = np.array([[0, 1, 0], [0, 1, 0], [1, 1, 1]])
    out = split_connected(labels)
    assert len(np.unique(out)) == 3  # left zeros, right zeros, the ones
    assert out[0, 0] != out[0, 2]
    assert out.min() == 0


@pytest.mark.parametrize(
    "option", [{"smoothing": 1.0}, {"split_regions": True}, {"xy_weight": 1.0}]
)
def test_options_are_recorded_in_the_fits_table(option, noisy_photo):
    from tools.setups import sweep_as_configured

    from segsweep.fit.spaces import to_features

    fits, labels, _ = sweep_as_configured(
        to_features(noisy_photo, "rgb"), {"method": "kmeans", **option}, [3], [0], None
    )
    row = fits.iloc[0]
    assert row["algorithm"] == "kmeans"
    for key, value in option.items():
        assert row[key] == value
    assert labels[(3, 0)].shape == (40, 60)


def test_small_regions_take_the_label_of_the_nearest_large_one():
    from segsweep.fit.postprocess import merge_small_regions

    labels = np.zeros((20, 30), int)
    labels[:, 15:] = 1
    labels[2:4, 2:4] = 1  # a 4-pixel island of cluster 1 inside cluster 0
    labels[10, 20] = 0  # a 1-pixel island of cluster 0 inside cluster 1
    merged = merge_small_regions(labels, min_size=5)
    expected = np.zeros_like(labels)
    expected[:, 15:] = 1
    np.testing.assert_array_equal(merged, expected)
    np.testing.assert_array_equal(merge_small_regions(labels, min_size=4)[2:4, 2:4], 1)
    # nothing as large as min_size: unchanged rather than empty
    np.testing.assert_array_equal(merge_small_regions(labels, min_size=10_000), labels)


def test_min_region_option_is_applied_and_recorded(noisy_photo):
    from tools.setups import sweep_as_configured

    from segsweep.fit.spaces import to_features

    features = to_features(noisy_photo, "rgb")
    split = {"method": "kmeans", "split_regions": True}
    fits, labels, _ = sweep_as_configured(features, split, [3], [0], None)
    merged, merged_labels, _ = sweep_as_configured(
        features, {**split, "min_region": 50}, [3], [0], None
    )
    assert merged["min_region"].iloc[0] == 50 and fits["min_region"].iloc[0] == 0
    sizes = np.bincount(merged_labels[(3, 0)].ravel())
    assert sizes.min() >= 50 and len(sizes) < fits["n_segments"].iloc[0]


def blocks_over_two_halves(seed=0):
    """Features of a dark left and a bright right half with a little noise, their truth, and
    an over-segmentation into 4 x 4 blocks of 8 x 8 pixels, each block within one half."""
    rng = np.random.default_rng(seed)
    truth = np.zeros((32, 32), int)
    truth[:, 16:] = 1
    features = (truth[..., None] * np.array([0.6, 0.2, -0.2]) + 0.3).astype(np.float32)
    features += rng.normal(0, 0.005, features.shape).astype(np.float32)
    yy, xx = np.mgrid[0:32, 0:32]
    blocks = (yy // 8) * 4 + xx // 8
    return features, truth, blocks


def test_merging_weak_boundaries_joins_blocks_within_a_half_but_not_across():
    from sklearn.metrics import adjusted_rand_score

    from segsweep.fit.postprocess import colour_gradient, merge_weak_boundaries

    features, truth, blocks = blocks_over_two_halves()
    gradient = colour_gradient(features)
    inside, across = gradient[:, :10].max(), gradient[:, 15:17].mean()
    assert across > 10 * inside
    merged = merge_weak_boundaries(features, blocks, threshold=(inside + across) / 2)
    assert adjusted_rand_score(truth.ravel(), merged.ravel()) == 1.0
    # no merging at 0, everything merged above the strongest boundary
    np.testing.assert_array_equal(merge_weak_boundaries(features, blocks, 0.0), blocks)
    assert len(np.unique(merge_weak_boundaries(features, blocks, 2 * gradient.max()))) == 1


def test_a_higher_boundary_threshold_never_gives_more_regions(noisy_photo):
    from segsweep.fit.postprocess import colour_gradient, merge_weak_boundaries
    from segsweep.fit.spaces import to_features

    features = to_features(noisy_photo, "lab")
    yy, xx = np.mgrid[0:40, 0:60]
    cells = (yy // 5) * 12 + xx // 5
    top = float(colour_gradient(features).max())
    counts = [
        len(np.unique(merge_weak_boundaries(features, cells, t))) for t in np.linspace(0, top, 8)
    ]
    assert counts[0] == 96 and counts[-1] == 1
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False))
    assert len(set(counts)) > 3  # the threshold really sets the scale in between


def test_merging_one_region_or_a_one_pixel_high_image_is_harmless():
    from segsweep.fit.postprocess import merge_weak_boundaries

    rng = np.random.default_rng(0)
    single = np.zeros((6, 6), int)
    np.testing.assert_array_equal(merge_weak_boundaries(rng.random((6, 6, 3)), single, 1.0), single)
    row = np.array([[0, 0, 1, 1, 2]])
    assert merge_weak_boundaries(rng.random((1, 5, 3)), row, 1e9).max() == 0


def cells_of(features, size):
    """A grid of square cells of ``size`` pixels over the features: the regions to merge."""
    yy, xx = np.indices(features.shape[:2])
    return (yy // size) * (features.shape[1] // size + 1) + xx // size


def between(weights, count):
    """``count`` thresholds spread over ``weights``, each midway between two consecutive
    distinct ones, so no threshold equals an edge weight (where the last bit of a
    differently computed weight would decide)."""
    distinct = np.unique(weights)
    picks = np.linspace(0, len(distinct) - 2, count).astype(int)
    return (distinct[picks] + distinct[picks + 1]) / 2


def test_the_gradient_is_gaussian_then_sobel_per_channel(noisy_photo):
    from reference_merge import gradient_magnitude

    from segsweep.fit.postprocess import colour_gradient
    from segsweep.fit.spaces import to_features

    features = to_features(noisy_photo, "lab")
    for sigma in (0.0, 1.0, 2.0, 3.5):
        np.testing.assert_allclose(
            colour_gradient(features, sigma), gradient_magnitude(features, sigma), rtol=1e-12
        )
    assert not np.allclose(colour_gradient(features, 1.0), colour_gradient(features, 2.0))


@pytest.mark.parametrize("criterion", ["boundary", "colour", "colour_boundary", "ward"])
@pytest.mark.parametrize("sigma", [2.0, 0.7])
def test_one_hierarchy_cut_at_a_threshold_equals_merging_up_to_it(noisy_photo, criterion, sigma):
    """Merging until a threshold makes the first merges of merging to the end: the cut of
    the whole hierarchy is the independent reference (tests/reference_merge.py, scikit-image
    calls only) at that threshold, for every criterion and gradient width."""
    from reference_merge import merge_to_threshold

    from segsweep.fit.postprocess import BoundaryHierarchy
    from segsweep.fit.spaces import to_features
    from segsweep.store.labelmaps import canonical_labels

    features = to_features(noisy_photo, "lab")
    cells = cells_of(features, 4)
    hierarchy = BoundaryHierarchy(features, cells, sigma=sigma, criterion=criterion)
    assert len(hierarchy.weights) == len(np.unique(cells)) - 1  # merged to one region
    exact = hierarchy.weights[[len(hierarchy.weights) // 3, 2 * len(hierarchy.weights) // 3]]
    for threshold in [*between(hierarchy.weights, 6), *exact]:  # below T, not at T, merges
        direct = merge_to_threshold(features, cells, threshold, sigma, criterion)
        np.testing.assert_array_equal(
            canonical_labels(hierarchy.cut(threshold)), canonical_labels(direct)
        )


def test_criteria_merge_in_different_orders(noisy_photo):
    """The criteria are not the same rule under other names: their merge orders differ."""
    from segsweep.fit.postprocess import BoundaryHierarchy
    from segsweep.fit.spaces import to_features

    features = to_features(noisy_photo, "lab")
    cells = cells_of(features, 5)
    orders = {
        criterion: BoundaryHierarchy(features, cells, criterion=criterion).merged.tolist()
        for criterion in ("boundary", "colour", "colour_boundary", "ward")
    }
    assert len({str(order) for order in orders.values()}) == 4
    with pytest.raises(ValueError, match="merge criterion 'mean'"):
        BoundaryHierarchy(features, cells, criterion="mean")


def test_with_xy_scales_by_the_longer_side_whichever_it_is():
    tall = with_xy(np.zeros((5, 3, 1), np.float32), 1.0)
    np.testing.assert_allclose(tall[0, :, 1], [0, 0.25, 0.5])  # x in units of the 4 steps of y
    np.testing.assert_allclose(tall[:, 0, 2], [0, 0.25, 0.5, 0.75, 1.0])
    single = with_xy(np.ones((1, 1, 2), np.float32), 3.0)
    np.testing.assert_array_equal(single, [[[1, 1, 0, 0]]])
    pair = with_xy(np.zeros((1, 2, 1), np.float32), 1.0)
    np.testing.assert_array_equal(pair[0, :, 1], [0, 1])  # one step spans the whole weight


def reference_icm(features, labels, strength, max_iter):
    """Iterated conditional modes on a checkerboard, pixel by pixel in plain Python: the
    data cost is the squared distance to each cluster's mean over twice the mean squared
    residual, and each 4-neighbour with another label costs ``strength``."""
    height, width, _ = features.shape
    labels = labels.copy()
    n = int(labels.max()) + 1
    X = features.astype(np.float64)
    means = np.array([X[labels == v].mean(axis=0) for v in range(n)])
    variance = np.mean(((X - means[labels]) ** 2).sum(axis=-1))
    data = ((X[..., None, :] - means) ** 2).sum(axis=-1) / (2 * variance)
    for sweep in range(1, max_iter + 1):
        changed = False
        for colour in (0, 1):
            before = labels.copy()
            for y in range(height):
                for x in range(width):
                    if (y + x) % 2 != colour:
                        continue
                    neighbours = [before[j, i] for j, i in ((y - 1, x), (y + 1, x), (y, x - 1),
                                  (y, x + 1)) if 0 <= j < height and 0 <= i < width]  # fmt: skip
                    costs = [data[y, x, v] + strength * sum(u != v for u in neighbours)
                             for v in range(n)]  # fmt: skip
                    best = int(np.argmin(costs))
                    if best != labels[y, x]:
                        labels[y, x] = best
                        changed = True
        if not changed:
            return labels, sweep, True
    return labels, max_iter, False


@pytest.mark.parametrize("max_iter", [1, 2, 20])
def test_icm_equals_a_pixel_by_pixel_reference(max_iter):
    from segsweep.fit.postprocess import potts_icm

    rng = np.random.default_rng(3)
    truth = (np.indices((14, 17)).sum(axis=0) // 9) % 3
    features = truth[..., None] * np.array([0.5, 0.2]) + rng.normal(0, 0.3, (14, 17, 2))
    noisy = np.argmin(np.abs(features[..., :1] - np.array([0.0, 0.5, 1.0])), axis=-1)
    labels, sweeps, converged = potts_icm(features.astype(np.float32), noisy, 0.7, max_iter)
    expected, expected_sweeps, expected_converged = reference_icm(features, noisy, 0.7, max_iter)
    np.testing.assert_array_equal(labels, expected)
    assert (sweeps, converged) == (expected_sweeps, expected_converged)
    if max_iter == 20:
        assert converged and 1 < sweeps < 20  # it ran, and stopped when nothing changed
    if max_iter == 1:
        assert not converged  # the first sweep changed labels


def test_split_regions_joins_4_neighbours_only():
    diagonal = np.array([[0, 1], [1, 0]])
    assert len(np.unique(split_connected(diagonal))) == 4  # corners touch, no edge shared


def full_sweep_icm(features, labels, strength, max_iter):
    """ICM evaluating every pixel of a colour at every half-sweep, in the float32 arithmetic
    of segsweep before it skipped pixels whose neighbours had not changed (2026-11-30)."""
    labels = labels.astype(np.int64)
    height, width, channels = features.shape
    X = features.reshape(-1, channels)
    n = int(labels.max()) + 1
    counts = np.bincount(labels.ravel(), minlength=n)
    means = np.stack([np.bincount(labels.ravel(), weights=X[:, c].astype(np.float64),
                                  minlength=n) for c in range(channels)], axis=1)  # fmt: skip
    means /= np.maximum(counts, 1)[:, None]
    residual = X - means[labels.ravel()]
    variance = float(np.einsum("ij,ij->", residual, residual, dtype=np.float64)) / len(X)
    data = np.stack([((X - m) ** 2).sum(axis=1).reshape(height, width) for m in means])
    data = data.astype(np.float32) / np.float32(2.0 * variance)
    checker = (np.add.outer(np.arange(height), np.arange(width)) % 2).astype(bool)
    for sweep in range(1, max_iter + 1):
        changed = False
        for colour in (False, True):
            padded = np.pad(labels, 1, constant_values=-1)
            shifts = [padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2], padded[1:-1, 2:]]
            same = np.zeros((n, height, width), dtype=np.float32)
            for shifted in shifts:
                for value in range(n):
                    same[value] += shifted == value
            total = sum((shifted >= 0).astype(np.float32) for shifted in shifts)
            best = np.argmin(data + np.float32(strength) * (total - same), axis=0)
            update = (checker == colour) & (best != labels)
            if update.any():
                labels[update] = best[update]
                changed = True
        if not changed:
            return labels, sweep, True
    return labels, max_iter, False


@pytest.mark.parametrize("seed", range(4))
def test_icm_skipping_unchanged_neighbourhoods_equals_full_sweeps(seed):
    from segsweep.fit.postprocess import potts_icm

    rng = np.random.default_rng(seed)
    shape, k = (rng.integers(20, 60), rng.integers(20, 60)), int(rng.integers(2, 12))
    features = rng.random((*shape, 3)).astype(np.float32)
    labels = rng.integers(0, k, shape)
    strength = float(rng.uniform(0.2, 3.0))
    max_iter = int(rng.integers(1, 25))
    got = potts_icm(features, labels, strength, max_iter)
    expected = full_sweep_icm(features, labels, strength, max_iter)
    np.testing.assert_array_equal(got[0], expected[0])
    assert got[1:] == expected[1:]


def test_icm_leaves_one_label_or_one_colour_alone():
    from segsweep.fit.postprocess import potts_icm

    rng = np.random.default_rng(0)
    features = rng.random((6, 7, 3)).astype(np.float32)
    one_label = np.zeros((6, 7), int)
    labels, sweeps, converged = potts_icm(features, one_label, 2.0)
    np.testing.assert_array_equal(labels, one_label)
    assert (sweeps, converged) == (0, True)
    flat = np.ones((6, 7, 3), np.float32)  # one colour: no variance to weigh the data by
    two_labels = rng.integers(0, 2, (6, 7))
    labels, sweeps, converged = potts_icm(flat, two_labels, 2.0)
    np.testing.assert_array_equal(labels, two_labels)
    assert (sweeps, converged) == (0, True)
    # strength 0 is no smoothing, whatever the labels (here far from the nearest means)
    random = rng.integers(0, 3, (6, 7))
    labels, sweeps, converged = potts_icm(features, random, 0.0)
    np.testing.assert_array_equal(labels, random)
    assert (sweeps, converged) == (0, True)


def test_the_last_region_is_kept_when_it_is_large():
    from segsweep.fit.postprocess import merge_small_regions

    labels = np.zeros((10, 10), int)
    labels[:, 7:] = 1  # the last connected region, 30 pixels
    labels[0, 0] = 2  # one stray pixel, absorbed
    merged = merge_small_regions(labels, min_size=20)
    assert set(np.unique(merged)) == {0, 1} and (merged[:, 7:] == 1).all()


def test_the_default_cap_on_sweeps_is_the_schemas():
    """A setup without ``smoothing_max_iter`` gets the schema's default, and so does a
    caller of the smoothing functions."""
    import inspect

    from segsweep.cli import SCHEMA
    from segsweep.config_errors import read_yaml
    from segsweep.fit.postprocess import potts_icm

    setup = read_yaml(SCHEMA)["properties"]["methods"]["additionalProperties"]
    cap = setup["properties"]["smoothing_max_iter"]["default"]
    for smoothing in (potts_icm, potts_smooth):
        assert inspect.signature(smoothing).parameters["max_iter"].default == cap
    features, labels, _ = two_regions_with_salt()
    np.testing.assert_array_equal(
        potts_smooth(features, labels, 0.7), potts_icm(features, labels, 0.7, cap)[0]
    )
