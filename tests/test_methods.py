import hashlib
import warnings
from pathlib import Path

import numpy as np
import pytest
from method_inputs import graded_patches, noise_image, object_on_plain_ground
from sklearn.metrics import adjusted_rand_score

from segsweep.errors import ConfigError
from segsweep.fit import methods


def test_registry_finds_the_method_modules():
    registry = methods.registry()
    assert {"kmeans", "gmm"} <= set(registry)
    for name, cls in registry.items():
        assert cls.name == name
        assert set(cls.defaults()) == set(cls.param_specs)


def test_defaults_come_from_the_declarations():
    assert methods.resolve_params("kmeans", {}) == {
        "init": "k-means++",
        "n_init": 5,
        "max_iter": 300,
        "tol": 1e-4,
        "refine_iter": 0,
    }
    assert methods.resolve_params("gmm", {"covariance_type": "diag"})["covariance_type"] == "diag"


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("kmeans_x", {}, r"unknown method 'kmeans_x'; available: \[.*'gmm'.*'kmeans'"),
        ("kmeans", {"inti": "random"}, r"unknown parameter\(s\) \['inti'\].*known: .*'init'"),
        ("kmeans", {"n_init": "3"}, r"methods.params.n_init: expected int"),
        ("kmeans", {"n_init": True}, r"expected int"),
        ("kmeans", {"n_init": 0}, r"below the minimum 1"),
        ("gmm", {"covariance_type": "round"}, r"'round' is not one of \['full'"),
    ],
)
def test_bad_parameters_are_named(name, params, message):
    with pytest.raises(ConfigError, match=message):
        methods.resolve_params(name, params)


def test_float_parameter_accepts_int():
    assert methods.resolve_params("kmeans", {"tol": 0})["tol"] == 0.0


@pytest.mark.parametrize("name", ["kmeans", "gmm"])
def test_methods_separate_blobs_and_follow_estimator_api(name):
    rng = np.random.default_rng(0)
    centres = np.array([[0.1, 0.1, 0.1], [0.9, 0.2, 0.5], [0.3, 0.8, 0.9]])
    truth = np.repeat(np.arange(3), 200)
    X = (centres[truth] + rng.normal(0, 0.02, (600, 3))).astype(np.float32)
    model = methods.create(name, value=3, random_state=0, params={})
    assert model.get_params()["n_clusters"] == 3
    labels = model.fit(X).predict(X)
    assert adjusted_rand_score(truth, labels) == 1.0
    assert model.converged_ is True
    assert model.n_iter_ >= 1
    again = methods.create(name, value=3, random_state=0, params={}).fit(X).predict(X)
    np.testing.assert_array_equal(labels, again)


PIXEL_METHODS_WITH_K = ["kmeans", "gmm", "minibatch_kmeans", "bayesian_gmm", "opencv_kmeans"]


def three_blobs(n_per=300, noise=0.02, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.1, 0.1, 0.1], [0.9, 0.2, 0.5], [0.3, 0.8, 0.9]])
    truth = np.repeat(np.arange(3), n_per)
    return (centres[truth] + rng.normal(0, noise, (3 * n_per, 3))).astype(np.float32), truth


@pytest.mark.parametrize("name", PIXEL_METHODS_WITH_K)
def test_pixel_methods_find_separated_blobs(name):
    X, truth = three_blobs()
    labels = methods.create(name, value=3, random_state=1, params={}).fit(X).predict(X)
    assert adjusted_rand_score(truth, labels) == 1.0


def test_bayesian_gmm_uses_only_the_components_it_needs():
    X, truth = three_blobs()
    model = methods.create("bayesian_gmm", value=8, random_state=0, params={}).fit(X)
    assert model.fit_summary()["effective_components"] == 3
    assert adjusted_rand_score(truth, model.predict(X)) == 1.0
    model.model_.weights_ = np.array([0.9, model.weight_threshold, 0.0])
    assert model.fit_summary()["effective_components"] == 1  # a weight must exceed it


@pytest.mark.parametrize("name", ["gmm", "bayesian_gmm"])
def test_mixture_labels_and_scores_are_scikit_learns(name):
    rng = np.random.default_rng(4)
    X = np.concatenate([rng.normal(c, 0.3, (300, 3)) for c in (0.0, 2.0, 4.0)])
    X = X.astype(np.float32)
    model = methods.create(name, value=3, random_state=0, params={}).fit(X[::3])
    labels, scores = model.predict_and_score(X)
    np.testing.assert_array_equal(labels, model.model_.predict(X))  # float32, as the library
    np.testing.assert_array_equal(labels, model.model_.predict_proba(X).argmax(axis=1))
    np.testing.assert_array_equal(scores, model.model_.score_samples(X.astype(float)))
    assert scores.dtype == np.float64
    assert len(np.unique(labels)) == 3


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_free_parameters_agree_with_scikit_learns_bic(covariance_type):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 3))
    model = methods.create("gmm", 4, 0, {"covariance_type": covariance_type}).fit(X)
    bic = model.model_.bic(X)  # -2 log L + p log n, with scikit-learn's own p
    log_likelihood = model.model_.score(X) * len(X)
    free = model.n_free_parameters()
    assert isinstance(free, int)  # a count, written to the criteria table as one
    assert free == round((bic + 2 * log_likelihood) / np.log(len(X)))


def test_listing_and_validating_methods_imports_no_fitting_library():
    """The workflow's parse step validates methods; it must not pay for scikit-learn,
    scikit-image or OpenCV (each plug-in imports them inside fit)."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; from segsweep.fit import methods; "
        "[methods.resolve_params(n, {}) for n in methods.registry()]; "
        "print(sorted(m for m in ('sklearn', 'skimage', 'cv2', 'scipy') if m in sys.modules))"
    )
    scripts = str(Path(methods.__file__).parents[3])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": scripts})  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_meanshift_finds_the_number_of_clusters():
    X, truth = three_blobs()
    model = methods.create("meanshift", value=0.2, random_state=0, params={}).fit(X)
    assert adjusted_rand_score(truth, model.predict(X)) == 1.0
    assert model.fit_summary()["bandwidth"] > 0


def test_opencv_kmeans_random_centres_and_attempts():
    X, truth = three_blobs()
    params = {"centers": "random", "attempts": 3}
    model = methods.create("opencv_kmeans", value=3, random_state=4, params=params)
    assert adjusted_rand_score(truth, model.fit(X).predict(X)) == 1.0


def test_otsu_separates_grey_levels():
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(3), 200)
    X = (np.array([0.1, 0.5, 0.9])[truth] + rng.normal(0, 0.03, 600))[:, None]
    model = methods.create("otsu", value=3, random_state=0, params={}).fit(X)
    assert 0.1 < model.thresholds_[0] < 0.5 < model.thresholds_[1] < 0.9
    # thresholds sit on histogram bin centres, so a pixel at a class edge may fall over
    assert adjusted_rand_score(truth, model.predict(X)) > 0.99
    cls = methods.get_method("otsu")
    assert cls.works_in("grey") and not cls.works_in("rgb")
    assert cls.default_grid([2, 4, 6, 7, 10]) == [2, 4, 6]


def test_otsu_thresholds_the_grey_column_when_position_columns_follow():
    """With ``xy_weight`` the features are grey, x, y: the levels come from grey alone."""
    rng = np.random.default_rng(1)
    truth = np.repeat(np.arange(3), 200)
    grey = np.array([0.1, 0.5, 0.9])[truth] + rng.normal(0, 0.03, 600)
    position = rng.uniform(0, 0.05, (600, 2))  # levels of its own would lie below 0.1
    X = np.column_stack([grey, position])
    model = methods.create("otsu", value=3, random_state=0, params={}).fit(X)
    assert 0.1 < model.thresholds_[0] < 0.5 < model.thresholds_[1] < 0.9
    assert adjusted_rand_score(truth, model.predict(X)) > 0.99


def test_corner_threshold_is_the_tutorial_baseline():
    image, truth = object_on_plain_ground()
    cls = methods.get_method("corner_threshold")
    assert not cls.takes_k and cls.input_kind == "image" and not cls.uses_seed
    assert cls.sweeps == "threshold" and cls.default_grid([2, 3]) == [20.0]
    model = methods.create("corner_threshold", value=20.0, random_state=0, params={})
    labels = model.fit(image).predict(image)
    assert labels.shape == truth.shape
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) == 1.0
    # threshold 20 on the 0-255 scale: a pixel 21/255 away from the corner is foreground
    step = np.zeros((1, 3, 3), np.float32)
    step[0, 1] = 20 / 255
    step[0, 2] = 21 / 255
    np.testing.assert_array_equal(model.fit(step).predict(step), [[0, 0, 1]])
    # the top-left pixel is the background, wherever the other corners are; a twentieth of
    # a level above the threshold is foreground
    corners = np.zeros((2, 2, 3))
    corners[1, 0] = 0.5
    corners[0, 1] = 20.05 / 255
    np.testing.assert_array_equal(model.fit(corners).predict(corners), [[0, 1], [1, 0]])
    corners[0, 1] = 20.004 / 255
    np.testing.assert_array_equal(model.fit(corners).predict(corners), [[0, 1], [1, 0]])


def test_deterministic_methods_fit_the_first_seed_only():
    deterministic = methods.get_method("felzenszwalb")
    assert not deterministic.uses_seed and deterministic.seeds_to_fit([3, 5, 7]) == [3]
    assert methods.get_method("kmeans").seeds_to_fit([3, 5, 7]) == [3, 5, 7]


def test_slic_kmeans_segments_regions():
    image, truth = object_on_plain_ground()
    model = methods.create("slic_kmeans", value=2, random_state=0, params={"n_segments": 50})
    labels = model.fit(image).predict(image)
    assert adjusted_rand_score(truth.ravel(), labels.ravel()) > 0.95
    assert model.fit_summary()["superpixels"] > 10


def tiles(shape=(48, 64), seed=0):
    """Four flat, differently coloured quadrants with a little noise, and their truth."""
    rng = np.random.default_rng(seed)
    truth = np.zeros(shape, int)
    truth[shape[0] // 2 :, :] += 2
    truth[:, shape[1] // 2 :] += 1
    colours = np.array([[0.9, 0.1, 0.1], [0.1, 0.8, 0.2], [0.2, 0.2, 0.9], [0.9, 0.9, 0.2]])
    image = colours[truth] + rng.normal(0, 0.01, (*shape, 3))
    return image.astype(np.float32), truth


def segments_at(name, values, image, **params):
    """Labels of ``image`` by method ``name`` at each swept value."""
    fitted = [
        methods.create(name, value, 0, methods.resolve_params(name, params)).fit(image)
        for value in values
    ]
    return [np.asarray(model.predict(image)) for model in fitted]


@pytest.mark.parametrize(
    ("name", "values", "params"),
    [
        ("felzenszwalb", [50.0, 3000.0], {"min_size": 20}),
        ("quickshift", [24.0, 48.0], {}),
        ("watershed", [4, 16], {}),
        ("slic_rag", [0.1, 0.3], {"n_segments": 60}),
        ("slic_rag", [0.1, 0.3], {"n_segments": 60, "merge": "threshold"}),
        # With the default similarity the flat tiles' graph falls apart into four nearly
        # unconnected parts; its smallest eigenvalues are then equal, and which split the
        # eigen-solver returns depends on the platform's rounding (seen: 2 regions on one
        # machine, 4 on another). At similarity 1 the graph stays connected and the cut is
        # the same on any machine and seed; the lower threshold then keeps one region.
        ("slic_ncut", [0.01, 0.2], {"n_segments": 60, "similarity": 1.0}),
    ],
)
def test_region_methods_find_the_tiles(name, values, params):
    image, truth = tiles()
    labels = segments_at(name, values, image, **params)
    coarse = labels[0] if name == "watershed" else labels[-1]
    assert coarse.shape == truth.shape
    assert adjusted_rand_score(truth.ravel(), coarse.ravel()) > 0.9


def test_felzenszwalb_scale_and_min_size_set_the_region_count():
    image, _ = tiles(seed=1)
    counts = [len(np.unique(labels)) for labels in segments_at(
        "felzenszwalb", [1.0, 100.0, 10000.0], image, min_size=1, sigma=0.0)]  # fmt: skip
    assert counts[0] > counts[1] >= counts[2]
    (big,) = segments_at("felzenszwalb", [1.0], image, min_size=200, sigma=0.0)
    assert np.bincount(big.ravel()).min() >= 200


def test_region_method_labels_only_the_image_it_was_fitted_on():
    image, _ = tiles()
    model = methods.create("felzenszwalb", 100.0, 0, {"sigma": 0.8, "min_size": 20}).fit(image)
    assert model.fit_summary()["segments"] == len(np.unique(model.predict(image)))
    bigger = np.pad(image, ((0, 2), (0, 0), (0, 0)))
    for other in (image[:10], bigger):
        with pytest.raises(ValueError, match="felzenszwalb labels the image it was fitted on"):
            model.predict(other)


def test_ward_gives_exactly_k_connected_regions_even_when_subsampled():
    from scipy import ndimage

    image, truth = tiles((60, 80))
    params = methods.resolve_params("ward", {"max_fit_pixels": 1200})  # a step of 2
    for k in (2, 4, 6):
        labels = methods.create("ward", k, 0, params).fit(image).predict(image)
        assert labels.shape == truth.shape and len(np.unique(labels)) == k
        for region in np.unique(labels):
            assert ndimage.label(labels == region)[1] == 1  # connected
    four = methods.create("ward", 4, 0, params).fit(image).predict(image)
    assert adjusted_rand_score(truth.ravel(), four.ravel()) > 0.9


def test_dbscan_finds_blobs_and_assigns_every_pixel_to_a_core():
    X, truth = three_blobs()
    model = methods.create("dbscan", 0.5, 3, {"min_samples": 5, "max_fit_pixels": 200}).fit(X)
    labels = model.predict(X)
    assert labels.min() >= 0  # no noise label: every pixel joins a core pixel
    assert adjusted_rand_score(truth, labels) == 1.0
    assert 0 < model.fit_summary()["core_pixels"] <= 200
    again = methods.create("dbscan", 0.5, 3, {"min_samples": 5, "max_fit_pixels": 200})
    np.testing.assert_array_equal(again.fit(X).predict(X), labels)  # seeded sample
    lonely = methods.create("dbscan", 1e-6, 0, {"min_samples": 5, "max_fit_pixels": 200})
    lonely.fit(X)
    assert lonely.fit_summary()["core_pixels"] == 0 and set(lonely.predict(X)) == {0}


def test_optics_clusters_at_each_xi_are_the_librarys_from_one_ordering():
    """The ordering made once (prepare) and cut at each xi gives OPTICS(xi=...)'s labels on
    the same seeded sample; every pixel then joins a clustered sample pixel."""
    from sklearn.cluster import OPTICS

    X, truth = three_blobs()
    params = methods.resolve_params("optics", {"min_samples": 8, "max_fit_pixels": 150})
    first = methods.create("optics", 0.05, 4, params)
    prepared = first.prepare(X)
    sample = prepared[0]
    assert len(sample) == 150 and np.isin(sample, X).all()
    for xi in (0.01, 0.05, 0.2):
        model = methods.create("optics", xi, 4, params).fit(X[:10], prepared=prepared)
        library = OPTICS(min_samples=8, xi=xi).fit(sample).labels_
        np.testing.assert_array_equal(model.sample_labels_, library)
        assert model.predict(X).min() >= 0
    alone = methods.create("optics", 0.05, 4, params).fit(X)
    assert adjusted_rand_score(truth, alone.predict(X)) == 1.0
    assert alone.fit_summary()["clustered_pixels"] == int((alone.sample_labels_ >= 0).sum())


@pytest.mark.parametrize("name", ["quickshift", "ward"])
def test_a_tree_built_once_is_cut_as_the_library_cuts_it(name):
    """Quickshift and Ward build their tree once per sweep (``prepare``) and cut it at each
    value; the labels are those of the library's own call at that value."""
    from skimage.segmentation import quickshift
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.image import grid_to_graph

    image = graded_patches().astype(np.float64)
    model = methods.create(name, 2, 0, {})
    prepared = model.prepare(image)
    for value in {"quickshift": [2.0, 6.0, 12.0, 24.0, 48.0], "ward": [2, 3, 5, 9, 17]}[name]:
        model = methods.create(name, value, 0, {}).fit(image, prepared=prepared)
        if name == "quickshift":
            expected = quickshift(image * 100, ratio=0.5, kernel_size=5.0, max_dist=value,
                                  convert2lab=False, channel_axis=-1)  # fmt: skip
        else:
            expected = AgglomerativeClustering(
                n_clusters=value, linkage="ward", connectivity=grid_to_graph(*image.shape[:2])
            ).fit_predict(image.reshape(-1, 3)).reshape(image.shape[:2])  # fmt: skip
        if name == "ward":  # the same partition; scipy's cut numbers the regions otherwise
            assert adjusted_rand_score(expected.ravel(), model.labels_.ravel()) == 1.0
            assert len(np.unique(model.labels_)) == value
        else:
            np.testing.assert_array_equal(model.labels_, expected, err_msg=f"{name} at {value}")
        assert len(np.unique(expected)) > 1 or value == 48.0


@pytest.mark.parametrize("name", ["slic_ncut", "slic_rag"])
def test_an_image_slic_leaves_as_one_superpixel_is_one_region(name):
    """Uniform noise at the default compactness: SLIC returns one superpixel, which
    scikit-image cannot make a graph of; the grouping methods give one region."""
    image = noise_image()
    value = methods.get_method(name).default_grid([2])[0]
    model = methods.create(name, value, 0, methods.resolve_params(name, {"n_segments": 60}))
    labels = model.fit(image).predict(image)
    assert labels.shape == image.shape[:2] and len(np.unique(labels)) == 1


@pytest.mark.parametrize(("name", "max_iter"), [("kmeans", 300), ("minibatch_kmeans", 100)])
def test_kmeans_and_minibatch_kmeans_record_convergence(name, max_iter):
    """``converged`` is True when the fit stopped before its last iteration, and False when
    it ran out of them."""
    X, _ = three_blobs()
    params = {"init": "random"} if name == "kmeans" else {}
    done = methods.create(name, 3, 0, {**params, "max_iter": max_iter}).fit(X)
    assert done.n_iter_ < max_iter and done.converged_
    cut = methods.create(name, 3, 0, {**params, "max_iter": 1}).fit(X)
    assert cut.n_iter_ == 1 and not cut.converged_


def test_slic_kmeans_records_convergence_superpixels_and_its_image():
    image, _ = object_on_plain_ground()
    model = methods.create("slic_kmeans", 2, 0, {"n_segments": 50}).fit(image)
    assert model.converged_ and model.n_iter_ < model.model_.max_iter
    assert model.fit_summary()["superpixels"] == len(np.unique(model.superpixels_))
    for other in (image[:-1], np.pad(image, ((0, 1), (0, 0), (0, 0)))):
        with pytest.raises(ValueError, match="slic_kmeans labels the image it was fitted on"):
            model.predict(other)


def test_kmeans_refines_with_as_few_as_one_iteration():
    X, _ = three_blobs()
    for refine_iter, refined in [(0, False), (1, True)]:
        model = methods.create("kmeans", 3, 0, {"refine_iter": refine_iter}).fit(X[::7])
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # KMeans warns of n_init > 1 with given centres
            model.refine(X)
        assert model.refined_ is refined


def test_meanshift_gives_one_cluster_when_all_pixels_are_alike():
    X = np.full((500, 3), 0.4, dtype=np.float32)
    model = methods.create("meanshift", 0.2, 0, {}).fit(X)
    assert model.fit_summary()["bandwidth"] == 0.0
    np.testing.assert_array_equal(model.predict(X), np.zeros(500))
    np.testing.assert_array_equal(model.cluster_centers_, X[:1])


@pytest.mark.parametrize("centers", ["pp", "random"])
def test_opencv_kmeans_is_the_tutorials_call(centers):
    """The same centres as ``cv2.kmeans`` called as OpenCV's colour-quantisation tutorial
    does, with the seed set first; ``centers`` names the initialisation flag."""
    import cv2

    X = noise_image((24, 36)).reshape(-1, 3)
    params = methods.resolve_params("opencv_kmeans", {"centers": centers})
    model = methods.create("opencv_kmeans", 6, 3, params).fit(X)
    flag = {"pp": cv2.KMEANS_PP_CENTERS, "random": cv2.KMEANS_RANDOM_CENTERS}[centers]
    cv2.setRNGSeed(3)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 100, 1e-4)
    _, _, centres = cv2.kmeans(X, 6, None, criteria, 1, flag)
    np.testing.assert_array_equal(model.cluster_centers_, centres)


def test_sample_indices_draw_distinct_sorted_pixels():
    assert methods.sample_indices(100, None, 0) is None
    assert methods.sample_indices(100, 100, 0) is None
    index = methods.sample_indices(600, 500, 0)  # drawn with replacement, some would repeat
    assert len(np.unique(index)) == 500 and (np.diff(index) > 0).all()


def test_a_method_may_declare_one_grid_only():
    class TwoGrids(methods.ClusteringMethod):
        name = ""
        first: float = methods.param(1.0, "one scale", grid=(1.0, 2.0), effect="fewer regions")

    assert TwoGrids.sweeps == "first" and not TwoGrids.takes_k
    with pytest.raises(TypeError, match="only one parameter may declare a grid"):

        class Twice(methods.ClusteringMethod):
            name = ""
            first: float = methods.param(1.0, "one scale", grid=(1.0, 2.0), effect="fewer regions")
            second: float = methods.param(1.0, "another", grid=(1.0, 2.0), effect="fewer regions")


def test_ward_labels_each_pixel_as_its_nearest_subsampled_pixel():
    """Ward is built on every second pixel here (2400 pixels, at most 600 fitted): each
    pixel takes the label of the nearest subsampled pixel (the later one on a tie), and the
    subsampled labels are scikit-learn's Ward clustering of the subsampled image."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.image import grid_to_graph

    image = graded_patches((40, 60)).astype(np.float64)
    image[:, -3:] = 5.0  # a region of its own at the edge, where the nearest is clipped
    labels = methods.create("ward", 5, 0, {"max_fit_pixels": 600}).fit(image).predict(image)
    small = image[::2, ::2]
    coarse = AgglomerativeClustering(5, linkage="ward", connectivity=grid_to_graph(20, 30))
    coarse = coarse.fit_predict(small.reshape(-1, 3)).reshape(20, 30)

    def nearest(length, count):
        distance = np.abs(np.arange(length)[:, None] - 2 * np.arange(count)[None, :])
        return np.argmin(distance - 1e-6 * np.arange(count), axis=1)

    expected = coarse[np.ix_(nearest(40, 20), nearest(60, 30))]
    assert adjusted_rand_score(expected.ravel(), labels.ravel()) == 1.0


def test_watershed_floods_the_sobel_magnitude_summed_in_quadrature():
    from skimage.filters import sobel
    from skimage.segmentation import watershed

    image = graded_patches().astype(np.float64)
    gradient = np.linalg.norm([sobel(image[..., c]) for c in range(3)], axis=0)
    expected = watershed(gradient, markers=16, compactness=0.001)
    labels = methods.create("watershed", 16, 0, {}).fit(image).predict(image)
    np.testing.assert_array_equal(labels, expected)


def five_feature_pixels(seed=0):
    """Colour and position of a 60 x 80 image of six overlapping regions with noise: the
    five features a mixture with ``xy_weight`` sees, in float64."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:60, 0:80] / 80.0
    region = (yy * 2.5).astype(int) * 3 + (xx * 3.75).astype(int) % 3
    colour = rng.uniform(0, 1, (region.max() + 1, 3))[region]
    colour += rng.normal(0, 0.08, colour.shape)
    return np.concatenate([colour.reshape(-1, 3), np.stack([yy, xx], -1).reshape(-1, 2)], 1)


@pytest.mark.parametrize(("k", "n_init"), [(2, 1), (5, 1), (8, 2)])
def test_gmm_full_covariance_em_is_scikit_learns(k, n_init):
    """The faster EM steps for full covariances (``_mixture``) give scikit-learn's EM: the
    same iterations, parameters to rounding, and the same labels."""
    from sklearn.mixture import GaussianMixture

    X = five_feature_pixels()
    ours = methods.create("gmm", k, 3, {"n_init": n_init}).fit(X).model_
    theirs = GaussianMixture(k, n_init=n_init, random_state=3).fit(X)
    assert ours.n_iter_ == theirs.n_iter_ and ours.converged_ == theirs.converged_
    assert not set(vars(ours)) & {"_moments", "_moments_of", "_centre", "_centred"}
    for name in ("weights_", "means_", "covariances_", "precisions_cholesky_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), 1e-9, 1e-13)
    assert ours.lower_bound_ == pytest.approx(theirs.lower_bound_, rel=1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize("seed", [0, 2])
def test_gmm_fits_a_component_flat_in_one_feature_as_scikit_learn_does(seed):
    """A saturated region (one feature constant, far from the pixels' mean) in float32
    features, as in BSDS500 test images 347031 and 393035: scikit-learn's EM fits it, its
    variance in that feature being reg_covar. The faster M step once took its responsibility
    sum in float32 and left that variance below -reg_covar, so the fit stopped."""
    from sklearn.mixture import GaussianMixture

    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 0.2, size=(30000, 5)).astype(np.float32)
    flat = rng.random(len(X)) < 0.3
    X[flat, 0] = 0.9
    X[flat, 1:] = rng.normal(0.5, 0.05, size=(flat.sum(), 4))
    ours = methods.create("gmm", 7, seed, {"max_iter": 100}).fit(X).model_
    theirs = GaussianMixture(7, random_state=seed, max_iter=100).fit(X)
    variances = np.diagonal(ours.covariances_, axis1=1, axis2=2)
    assert variances.min() >= ours.reg_covar * (1 - 1e-3)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.means_, theirs.means_, atol=1e-5)


@pytest.mark.parametrize("covariance_type", ["tied", "diag", "spherical"])
def test_gmm_other_covariances_are_scikit_learns_own(covariance_type):
    from sklearn.mixture import GaussianMixture

    X = five_feature_pixels().astype(np.float32)
    params = {"covariance_type": covariance_type}
    ours = methods.create("gmm", 4, 0, params).fit(X).model_
    theirs = GaussianMixture(4, covariance_type=covariance_type, random_state=0).fit(X)
    np.testing.assert_array_equal(ours.means_, theirs.means_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_the_private_scikit_learn_code_the_faster_em_relies_on_is_unchanged():
    """_mixture.py overrides and calls private parts of scikit-learn; each one's source must
    be the release's it was written against, or the overrides must be checked again."""
    import importlib
    import inspect
    import operator

    import sklearn

    from segsweep.fit.methods import _mixture

    changed = []
    for (module, name), digest in _mixture.PRIVATE_SOURCES.items():
        source = inspect.getsource(operator.attrgetter(name)(importlib.import_module(module)))
        if hashlib.sha256(source.encode()).hexdigest()[:16] != digest:
            changed.append(f"{module}.{name}")
    assert not changed, (
        f"scikit-learn {sklearn.__version__} changed {changed}, which "
        f"segsweep/fit/methods/_mixture.py overrides or calls (written against "
        f"{_mixture.SCIKIT_LEARN_RELEASE}): compare them, adapt _mixture.py, then record "
        f"the new digests and release there"
    )
    assert sklearn.__version__ == _mixture.SCIKIT_LEARN_RELEASE


@pytest.mark.parametrize(
    ("declared", "words"),
    [
        ({"choices": ("a", "b")}, ", one of ['a', 'b']"),
        ({"minimum": 0.0, "maximum": 1.5}, ", from 0 to 1.5"),
        ({"minimum": 2}, ", >= 2"),
        ({"maximum": 9}, ", <= 9"),
        ({}, ""),
    ],
)
def test_a_parameter_says_its_allowed_values_in_words(declared, words):
    assert methods.Param(float, **declared).allowed() == words


def test_a_parameter_declaration_is_fixed_once_made():
    """Declarations are shared by every instance and setup of a method: none may change one."""
    import dataclasses

    spec = methods.get_method("gmm").param_specs["covariance_type"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.choices = ("full",)
    with pytest.raises(dataclasses.FrozenInstanceError):  # nor the inputs of its checks
        methods.get_method("gmm").checks.sensitive = (2, 3, 4)
    methods.param(1.0, "a scale", choices=(1.0, 2.0))
    with pytest.raises(TypeError):  # only the default and help may be given by position
        methods.param(1.0, "a scale", (1.0, 2.0))


def test_a_method_instance_is_hashable_and_equal_to_itself_only():
    """Like a scikit-learn estimator: two models with the same parameters are two models."""

    class Local(methods.ClusteringMethod):
        name = ""
        scale: float = methods.param(1.0, "a scale")

    for make in (Local, lambda: methods.create("slic_rag", 3, 0, {})):
        first, second = make(), make()
        assert len({first, second}) == 2 and first != second and first == first


def test_slic_kmeans_clusters_each_used_superpixels_mean_weighted_by_its_size():
    """Prepared superpixels with an unused id (3) and a one-pixel one (4): KMeans is fitted
    on the mean colour of each superpixel that has pixels, weighted by its pixel count."""
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(0)
    image = rng.random((4, 5, 3))
    superpixels = np.repeat([[0, 0, 1, 1, 2]], 4, axis=0)
    superpixels[3, 4] = 4
    model = methods.create("slic_kmeans", 3, 0, {}).fit(image, prepared=superpixels)
    ids = [0, 1, 2, 4]
    means = np.array([image[superpixels == i].mean(axis=0) for i in ids])
    sizes = np.array([np.sum(superpixels == i) for i in ids], dtype=float)
    theirs = KMeans(3, n_init=1, random_state=0).fit(means, sample_weight=sizes)
    np.testing.assert_allclose(model.model_.cluster_centers_, theirs.cluster_centers_)
    np.testing.assert_array_equal(model.superpixel_labels_[ids], theirs.labels_)
    more = methods.create("slic_kmeans", 5, 0, {}).fit(image, prepared=superpixels)
    assert more.model_.n_clusters == 4  # k is cut to the superpixels that have pixels


def test_slic_kmeans_that_uses_every_iteration_has_not_converged(monkeypatch):
    import sklearn.cluster

    one_iteration = sklearn.cluster.KMeans
    monkeypatch.setattr(
        sklearn.cluster, "KMeans", lambda **kwargs: one_iteration(max_iter=1, **kwargs)
    )
    image, _ = object_on_plain_ground()
    model = methods.create("slic_kmeans", 2, 0, {"n_segments": 50}).fit(image)
    assert model.n_iter_ == 1 and not model.converged_


def test_ward_cut_labels_run_from_zero_with_k_clusters():
    """Four leaves merged (0, 1), then (2, 3), then the two pairs."""
    from segsweep.fit.methods.ward import cut_where_k_remain

    children = np.array([[0, 1], [2, 3], [4, 5]])
    for k, expected in [(1, [0, 0, 0, 0]), (2, [0, 0, 1, 1]), (4, [0, 1, 2, 3])]:
        labels = cut_where_k_remain(children, 4, k)
        np.testing.assert_array_equal(labels, expected)


def test_quickshift_keeps_a_link_exactly_at_max_dist():
    """scikit-image cuts the links longer than ``max_dist`` (``dist > max_dist``)."""
    parent, distance = np.array([0, 0, 1, 2]), np.array([0.0, 2.0, 3.0, 3.5])
    model = methods.create("quickshift", 3.0, 0, {})
    labels = model.segment(np.zeros((2, 2, 3)), (parent, distance))
    np.testing.assert_array_equal(labels, [[0, 0], [0, 1]])


@pytest.mark.parametrize("name", ["slic_rag", "slic_ncut"])
def test_the_superpixel_graph_methods_group_by_colour_and_refuse_xy_weight(name):
    """They merge or cut superpixels by their mean colour, so x and y have no place in
    their features: a setup giving them ``xy_weight`` is refused with one line, while a
    pixel method takes it."""
    from segsweep.configuration import method_setup

    image, truth = tiles()
    value = methods.get_method(name).default_grid([2])[0]
    labels = methods.create(name, value, 0, methods.resolve_params(name, {"n_segments": 60}))
    assert labels.fit(image).predict(image).shape == truth.shape
    method_setup({"method": "kmeans", "xy_weight": 0.5}, ks=[2], sample_size="all")
    with pytest.raises(ConfigError, match=f"^methods.xy_weight: '{name}' fits colour"):
        method_setup({"method": name, "xy_weight": [0.0, 0.5], "grid": [value]}, ks=[2],
                     sample_size="all")  # fmt: skip
