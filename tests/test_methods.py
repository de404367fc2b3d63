import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from segsweep import methods
from segsweep.errors import ConfigError


def test_registry_finds_the_method_modules():
    registry = methods.registry()
    assert {"kmeans", "gmm"} <= set(registry)
    for name, cls in registry.items():
        assert cls.name == name
        assert set(cls.defaults()) == set(cls.param_specs)


def test_defaults_come_from_init():
    assert methods.resolve_params("kmeans", {}) == {
        "init": "k-means++",
        "n_init": 1,
        "max_iter": 300,
        "tol": 1e-4,
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
    model = methods.create(name, n_clusters=3, random_state=0, params={})
    assert model.get_params()["n_clusters"] == 3
    labels = model.fit(X).predict(X)
    assert adjusted_rand_score(truth, labels) == 1.0
    assert model.converged_ is True
    assert model.n_iter_ >= 1
    again = methods.create(name, n_clusters=3, random_state=0, params={}).fit(X).predict(X)
    np.testing.assert_array_equal(labels, again)
