"""Gaussian mixture model (scikit-learn ``GaussianMixture``, with faster EM steps for full
covariances: :mod:`segsweep.fit.methods._mixture`), hard-assigned by MAP."""

from __future__ import annotations

from segsweep.fit.methods import (
    CheckCase,
    ClusteringMethod,
    FittedMixture,
    mixture_free_parameters,
    param,
)

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class GaussianMixtureMethod(FittedMixture, ClusteringMethod):
    """EM-fitted Gaussian mixture; each pixel gets its most probable component."""

    name = "gmm"
    summary = "scikit-learn GaussianMixture (EM), k components"
    fit_seconds = 0.3

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(2, 4, 8),
        alternatives={
            6: {
                "covariance_type": "spherical",
                "n_init": 3,
                "max_iter": 2,
                "tol": 0.5,
                "reg_covar": 0.05,
                "init_params": "random_from_data",
            }
        },
        on_noise=("n_init",),
    )

    covariance_type: str = param("full", "covariance form", choices=COVARIANCE_TYPES)
    n_init: int = param(1, "initialisations tried; the best is kept", minimum=1)
    max_iter: int = param(100, "largest number of EM iterations", minimum=1)
    tol: float = param(1e-3, "tolerance on the lower-bound gain", minimum=0.0)
    reg_covar: float = param(1e-6, "added to covariance diagonals", minimum=0.0)
    init_params: str = param(
        "kmeans", "EM start", choices=("kmeans", "k-means++", "random", "random_from_data")
    )

    def fit(self, X, y=None):
        """Fit the mixture on ``X`` (n_samples, n_features) by EM."""
        from segsweep.fit.methods._mixture import FullCovarianceGaussianMixture

        self.model_ = FullCovarianceGaussianMixture(
            n_components=self.n_clusters,
            covariance_type=self.covariance_type,
            n_init=self.n_init,
            max_iter=self.max_iter,
            tol=self.tol,
            reg_covar=self.reg_covar,
            init_params=self.init_params,
            random_state=self.random_state,
        ).fit(X)
        self.n_iter_ = int(self.model_.n_iter_)
        self.converged_ = bool(self.model_.converged_)
        return self

    def n_free_parameters(self) -> int:
        """Number of free parameters, as used by BIC and AIC."""
        n_components, n_features = self.model_.means_.shape
        return mixture_free_parameters(self.covariance_type, n_components, n_features)
