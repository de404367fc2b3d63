"""DBSCAN density clustering of pixel features (scikit-learn), fitted on a sample."""

from __future__ import annotations

from segsweep.fit.methods import CheckCase, ClusteringMethod, NearestKeptLabel, param, subsample


class DBSCANMethod(ClusteringMethod):
    """Clusters are the connected dense regions of feature space: a pixel with at least
    ``min_samples`` others within ``eps`` is a core pixel, and core pixels within ``eps``
    of each other share a cluster (Ester et al. 1996). Swept over ``eps``, in feature units
    (about [0, 1]; with ``xy_weight`` the position counts too).

    DBSCAN's neighbour search grows quadratically in dense data, so it runs on a seeded
    sample of at most ``max_fit_pixels`` pixels; every pixel then takes the cluster of its
    nearest core pixel, so no pixel is left as noise. Without any core pixel the image is
    one cluster.
    """

    name = "dbscan"
    summary = "scikit-learn DBSCAN on a pixel sample, every pixel joins its nearest core pixel"
    fit_seconds = 0.2

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(0.01, 0.03, 0.05),
        alternatives={0.03: {"min_samples": 3, "max_fit_pixels": 500}},
        seed_input="graded patches",
        seed_params={"max_fit_pixels": 100, "min_samples": 3},
    )

    eps: float = param(0.02, "neighbourhood radius in feature units",
                       minimum=1e-9, effect="fewer regions",
                       grid=(0.01, 0.015, 0.02, 0.03, 0.05))  # fmt: skip
    min_samples: int = param(20, "neighbours within eps that make a core pixel", minimum=1)
    max_fit_pixels: int = param(5000, "pixels DBSCAN is run on (a seeded sample)", minimum=10)

    def fit(self, X, y=None):
        """Cluster a seeded sample of ``X`` (n_samples, n_features); keep its core pixels."""
        from sklearn.cluster import DBSCAN

        X = subsample(X, self.max_fit_pixels, self.random_state)
        self.n_fit_ = len(X)
        model = DBSCAN(eps=self.eps, min_samples=self.min_samples).fit(X)
        core = model.core_sample_indices_
        self.n_core_ = len(core)
        self.nearest_core_ = NearestKeptLabel(X, core, model.labels_)
        return self

    def predict(self, X):
        """The cluster of each row's nearest core pixel."""
        return self.nearest_core_(X)

    def fit_summary(self):
        """``core_pixels``: the number of core pixels in the sample."""
        return {"core_pixels": self.n_core_}
