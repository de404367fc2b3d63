import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from tools.setups import sweep_as_configured as sweep

from segsweep.fit import methods
from segsweep.fit.methods import sample_indices
from segsweep.fit.spaces import to_features
from segsweep.fit.sweep import FIT_COLUMNS
from segsweep.store.labelmaps import (
    canonical_labels,
    compactness,
    load_label_maps,
    maps_by_value,
    save_label_maps,
)


@pytest.mark.parametrize("method", ["kmeans", "gmm"])
def test_three_flat_colours_give_three_exact_clusters(stripes, method):
    rgb, truth = stripes
    fits, labels, timings = sweep(to_features(rgb, "rgb"), {"method": method}, [2, 3, 4], [0], None)
    assert list(fits.columns)[: len(FIT_COLUMNS)] == FIT_COLUMNS
    assert fits["k"].tolist() == [2, 3, 4]
    assert (fits.parameter == "k").all() and fits["value"].tolist() == [2.0, 3.0, 4.0]
    k3 = labels[(3, 0)]
    assert k3.shape == truth.shape
    # canonical labels number the stripes left to right
    np.testing.assert_array_equal(k3, truth)
    row = fits.set_index("k").loc[3]
    assert row["inertia"] == pytest.approx(0.0, abs=1e-9)
    assert row["eta"] == pytest.approx(0.0, abs=1e-6)
    assert row["n_segments"] == 3 and not row["degenerate"]
    # four clusters cannot be found in three colours: recorded, not a crash
    assert fits.set_index("k").loc[4, "degenerate"]
    assert set(timings.columns) == {"value", "seed", "fit_seconds"}


def test_inertia_falls_as_k_grows(noisy_photo):
    fits, _, _ = sweep(
        to_features(noisy_photo, "lab"), {"method": "kmeans"}, [2, 3, 4, 6, 8], [0], None
    )
    assert (np.diff(fits["inertia"]) < 0).all()
    assert (np.diff(fits["eta"]) < 0).all()


def test_inertia_matches_scikit_learn_on_a_full_fit(noisy_photo):
    X = to_features(noisy_photo, "rgb").reshape(-1, 3)
    setup = {"method": "kmeans", "params": {"n_init": 1}}
    fits, labels, _ = sweep(X.reshape(40, 60, 3), setup, [4], [3], None)
    reference = KMeans(4, n_init=1, random_state=3, algorithm="lloyd").fit(X)
    # at convergence the centres are the cluster means, so WCSS equals sklearn's inertia_
    assert fits["inertia"].iloc[0] == pytest.approx(reference.inertia_, rel=1e-4)
    assert adjusted_rand_score(reference.labels_, labels[(4, 3)].ravel()) == 1.0


def test_mixture_rows_have_likelihood_and_information_criteria(noisy_photo):
    fits, _, _ = sweep(to_features(noisy_photo, "rgb"), {"method": "gmm"}, [2, 3], [0], None)
    assert fits[["log_likelihood", "bic", "aic"]].notna().all().all()
    n = 40 * 60
    # full covariance, 3 features: k*3 means + k*6 covariances + (k-1) weights
    n_params = 2 * 3 + 2 * 6 + 1
    row = fits.iloc[0]
    assert row["bic"] - row["aic"] == pytest.approx(n_params * (np.log(n) - 2), rel=1e-6)
    # Sampled fit: the likelihood is still that of every pixel under the fitted model.
    sampled, _, _ = sweep(to_features(noisy_photo, "rgb"), {"method": "gmm"}, [3], [0], 500)
    model = methods.create("gmm", value=3, random_state=0, params={})
    X = to_features(noisy_photo, "rgb").reshape(-1, 3)
    model.fit(X[sample_indices(len(X), 500, 0)])
    assert sampled["log_likelihood"].iloc[0] == pytest.approx(model.score_samples(X).mean())
    kmeans, _, _ = sweep(to_features(noisy_photo, "rgb"), {"method": "kmeans"}, [2], [0], None)
    assert kmeans[["log_likelihood", "bic", "aic"]].isna().all().all()


def test_sampled_fit_records_sample_and_assigns_every_pixel(noisy_photo):
    features = to_features(noisy_photo, "rgb")
    fits, labels, _ = sweep(features, {"method": "kmeans"}, [3], [0, 1], 500)
    assert fits["n_fit"].tolist() == [500, 500]
    assert fits["n_pixels"].tolist() == [2400, 2400]
    assert labels[(3, 1)].shape == (40, 60)
    full, _, _ = sweep(features, {"method": "kmeans"}, [3], [0], None)
    assert full["n_fit"].iloc[0] == 2400
    # a sample-fitted model is nearly as compact as a full fit on this easy image
    assert fits["inertia"].iloc[0] <= 1.05 * full["inertia"].iloc[0]


def test_same_seed_same_result_other_seed_other_sample(noisy_photo):
    features = to_features(noisy_photo, "hsv")
    one = sweep(features, {"method": "gmm"}, [3], [5], 300)
    two = sweep(features, {"method": "gmm"}, [3], [5], 300)
    np.testing.assert_array_equal(one[1][(3, 5)], two[1][(3, 5)])
    assert one[0].equals(two[0])
    assert not np.array_equal(sample_indices(2400, 300, 5), sample_indices(2400, 300, 6))


@pytest.mark.parametrize("method", ["kmeans", "gmm", "opencv_kmeans", "slic_kmeans"])
def test_fewer_pixels_than_k_is_recorded_as_degenerate(method):
    one_pixel = np.full((1, 1, 3), 0.5, np.float32)
    fits, labels, _ = sweep(one_pixel, {"method": method}, [2, 3], [0], None)
    assert fits["degenerate"].all() and (fits["n_segments"] == 1).all()
    assert (fits["inertia"] == 0).all()
    assert labels[(2, 0)].shape == (1, 1)


@pytest.mark.parametrize("method", ["kmeans", "gmm", "minibatch_kmeans", "opencv_kmeans"])
def test_single_colour_image_with_large_k_is_degenerate_not_a_crash(method):
    flat = np.full((10, 12, 3), 0.25, np.float32)
    fits, labels, _ = sweep(flat, {"method": method}, [2, 5], [0], None)
    assert fits["degenerate"].all()
    assert (fits["n_segments"] == 1).all()


def test_canonical_labels():
    labels = np.array([[7, 7, 2], [5, 2, 7]])
    out = canonical_labels(labels)
    np.testing.assert_array_equal(out, [[0, 0, 1], [2, 1, 0]])
    assert out.dtype == np.uint8
    assert canonical_labels(np.arange(300)).dtype == np.uint16
    many = canonical_labels(np.arange(70000)[::-1])
    assert many.dtype == np.uint32 and many[0] == 0 and many[-1] == 69999


@pytest.mark.parametrize("n_values", [1, 3, 300])
def test_canonical_labels_same_partition_whatever_the_label_values(n_values):
    rng = np.random.default_rng(n_values)
    small = rng.integers(0, n_values, size=(64, 48))  # the linear-time path
    spread = small * 1_000_003 - 17  # negative and huge values: the sorting path
    out = canonical_labels(small)
    np.testing.assert_array_equal(out, canonical_labels(spread))
    np.testing.assert_array_equal(out, canonical_labels(small.astype(np.uint16)))
    # Same partition as the input, numbered by first appearance.
    _, first = np.unique(out.ravel(), return_index=True)
    assert np.all(np.diff(first) > 0) and out.flat[0] == 0
    pairs = np.unique(np.stack([small.ravel(), out.ravel()]), axis=1)
    assert pairs.shape[1] == len(np.unique(small)) == len(np.unique(out))  # a bijection


def test_maps_by_value_takes_the_seed_where_fitted_else_another():
    maps = {("rgb", 2, 0): "a0", ("rgb", 2, 1): "a1", ("rgb", 5, 0): "b0", ("lab", 2, 1): "x"}
    assert maps_by_value(maps, "rgb", 1) == {2: "a1", 5: "b0"}
    assert maps_by_value(maps, "lab", 0) == {2: "x"}


def test_label_maps_round_trip_with_a_typed_index(tmp_path):
    maps = {
        ("rgb", 3, 0): np.array([[0, 1], [2, 2]], np.uint8),
        ("lab", 10, 2): np.array([[0, 300], [1, 2]], np.uint16),
        ("lab", 0.25, 0): np.array([[1, 0], [1, 0]], np.uint8),
    }
    save_label_maps(tmp_path / "a.npz", maps)
    save_label_maps(tmp_path / "b.npz", dict(reversed(maps.items())))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = load_label_maps(tmp_path / "a.npz")
    assert set(loaded) == set(maps)
    for key, labels in maps.items():
        np.testing.assert_array_equal(loaded[key], labels)
    with np.load(tmp_path / "a.npz") as archive:  # readable without segsweep
        assert archive["value"].dtype == np.float64 and archive["seed"].dtype == np.int64
        assert archive["space"].tolist() == ["lab", "lab", "rgb"]


def test_compactness_known_answer():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0]], dtype=np.float32)
    inertia, eta = compactness(X, np.array([0, 0, 1]))
    assert inertia == pytest.approx(2.0)  # two points at distance 1 from their mean
    assert eta == pytest.approx(2.0 / 3.0)


def test_methods_swept_over_their_own_parameter_or_without_seed(noisy_photo):
    features = to_features(noisy_photo, "rgb")
    setup = {"method": "meanshift", "grid": [0.3, 0.1]}
    fits, labels, _ = sweep(features, setup, [2, 3, 4], [0, 1], None)
    assert fits["seed"].tolist() == [0, 0, 1, 1]  # its own grid, sorted; not the k
    assert (fits.parameter == "quantile").all() and fits["value"].tolist() == [0.1, 0.3] * 2
    assert fits["k"].isna().all() and not fits["degenerate"].any()  # mean shift asks no k
    assert set(labels) == {(0.1, 0), (0.3, 0), (0.1, 1), (0.3, 1)}
    fits, labels, _ = sweep(features, {"method": "corner_threshold"}, [2, 3, 4], [0, 1], 500)
    assert len(fits) == 1 and fits["n_fit"].iloc[0] == 2400  # image methods use every pixel
    grey = to_features(noisy_photo, "grey")
    fits, _, _ = sweep(grey, {"method": "otsu"}, [2, 3, 8], [0, 1], None)
    assert fits["k"].tolist() == [2, 3]  # deterministic: first seed only; k = 8 > max_k


def test_kmeans_refinement_on_all_pixels_is_recorded_and_never_worse(noisy_photo):
    features = to_features(noisy_photo, "rgb")
    sampled, _, _ = sweep(features, {"method": "kmeans"}, [4], [0], 200)
    refined, _, _ = sweep(
        features, {"method": "kmeans", "params": {"refine_iter": 10}}, [4], [0], 200
    )
    assert not sampled["refined"].iloc[0] and refined["refined"].iloc[0]
    assert refined["n_fit"].iloc[0] == 200  # the sample size stays on record
    assert refined["inertia"].iloc[0] <= sampled["inertia"].iloc[0] * (1 + 1e-9)
    full, _, _ = sweep(
        features, {"method": "kmeans", "params": {"refine_iter": 10}}, [4], [0], None
    )
    assert not full["refined"].iloc[0]  # nothing to refine after a fit on every pixel


def test_a_swept_option_fits_once_per_seed_and_equals_each_value_alone(noisy_photo, monkeypatch):
    from segsweep.fit.methods.kmeans import KMeansMethod

    fitted = []
    original_fit = KMeansMethod.fit

    def counting_fit(self, X, y=None):
        fitted.append(self.random_state)
        return original_fit(self, X, y)

    monkeypatch.setattr(KMeansMethod, "fit", counting_fit)
    features = to_features(noisy_photo, "lab")
    setup = {"method": "kmeans", "grid": [6], "split_regions": True,
             "merge_boundaries": [0.2, 0.0, 0.03]}  # fmt: skip
    fits, labels, _ = sweep(features, setup, [2, 3], [0, 1], None)
    assert fitted == [0, 1]  # one fit per seed, reused by the three values
    assert (fits.parameter == "merge_boundaries").all()
    assert fits["value"].tolist() == [0.0, 0.03, 0.2] * 2
    assert (fits["merge_boundaries"] == fits["value"]).all()
    assert (fits["k"] == 6).all() and not fits["degenerate"].any()  # k asked; merged below
    found = fits[fits["seed"] == 0]["n_segments"].tolist()
    assert found[0] > found[1] > found[2]  # merging across stronger boundaries
    fitted.clear()
    for value in (0.0, 0.03, 0.2):
        _, alone, _ = sweep(features, {**setup, "merge_boundaries": [value]}, [2], [1], None)
        np.testing.assert_array_equal(alone[(value, 1)], labels[(value, 1)])
    assert fitted == [1, 1, 1]
    # k sweeps refit at every k, and a swept xy weight refits at every weight
    fitted.clear()
    sweep(features, {"method": "kmeans", "merge_boundaries": 0.03}, [2, 3], [0], None)
    sweep(features, {"method": "kmeans", "grid": [3], "xy_weight": [0.0, 1.0]}, [2], [0], None)
    assert fitted == [0, 0, 0, 0]


def test_options_before_the_swept_one_are_applied_once(noisy_photo):
    from segsweep.configuration import method_setup
    from segsweep.fit.sweep import fit_one

    features = to_features(noisy_photo, "lab")
    setup = method_setup(
        {"method": "gmm", "grid": [5], "smoothing": 1.0, "split_regions": True,
         "merge_boundaries": [0.01, 0.05]},
        ks=[2], sample_size="all",
    )  # fmt: skip
    reuse = {}
    _, first, _ = fit_one(features, setup, 0.01, 0, reuse)
    kept = {option: reuse[option][1] for option in ("smoothing", "split_regions")}
    model, hierarchy = reuse["fit"].model, reuse[("prepared", "merge_boundaries")][1]
    _, second, _ = fit_one(features, setup, 0.05, 0, reuse)
    assert reuse["fit"].model is model
    assert reuse[("prepared", "merge_boundaries")][1] is hierarchy  # built once, cut twice
    for option, labels in kept.items():
        assert reuse[option][1] is labels  # taken as it was, not made again
    assert reuse["merge_boundaries"][1] is second and len(np.unique(second)) < len(np.unique(first))
    _, other_seed, _ = fit_one(features, setup, 0.05, 1, reuse)
    assert reuse["fit"].model is not model and reuse["smoothing"][1] is not kept["smoothing"]


@pytest.mark.parametrize("option", ["smoothing", "min_region", "merge_boundaries"])
def test_an_option_sweep_equals_each_value_applied_alone(option, noisy_photo):
    from segsweep.configuration import method_setup
    from segsweep.fit.sweep import fit_one, sweep

    values = {"smoothing": [0.5, 1.0, 2.0], "min_region": [2, 4, 10],
              "merge_boundaries": [0.01, 0.03, 0.06]}[option]  # fmt: skip
    raw = {"method": "kmeans", "grid": [6], "split_regions": True, "xy_weight": 0.5,
           "smoothing": 0.1, "min_region": 2, "merge_boundaries": 0.02, "merge_sigma": 1.0,
           option: values}  # fmt: skip
    features = to_features(noisy_photo, "lab")
    setup = method_setup(raw, ks=[6], sample_size=1000)
    fits, maps, _ = sweep(features, setup, [0])
    distinct = {maps[(float(v), 0)].tobytes() for v in values}
    assert len(distinct) == 3  # the option's value matters
    for value in list(setup.grid):
        _, alone, _ = fit_one(features, setup, value, 0)
        np.testing.assert_array_equal(maps[(float(value), 0)], alone)


def test_a_library_that_cannot_fit_an_image_gives_one_line_naming_image_and_entry(
    monkeypatch, noisy_photo
):
    """A library error inside a fit (the EM's covariance failure raised a ValueError on two
    BSDS500 images) reaches the console as one line that names the image and the entry."""
    from segsweep.configuration import method_setup
    from segsweep.errors import FitError
    from segsweep.fit import segment as segment_module

    def failing(*args):
        raise np.linalg.LinAlgError("1-th leading minor of the array\nis not positive definite")

    monkeypatch.setattr(segment_module, "segment", failing)
    setup = method_setup({"method": "gmm"}, ks=[2], sample_size=1000, label="gmm_regions")
    with pytest.raises(FitError) as raised:
        segment_module.segment_image("347031", noisy_photo, setup, ["lab"], [0])
    message = str(raised.value)
    assert message.startswith("image 347031: entry gmm_regions: the fit failed (LinAlgError: ")
    assert "\n" not in message and "is not positive definite" in message
    assert isinstance(raised.value.__cause__, np.linalg.LinAlgError)
