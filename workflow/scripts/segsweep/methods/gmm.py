"""Gaussian mixture model (scikit-learn ``GaussianMixture``), hard-assigned by MAP."""

from __future__ import annotations

from sklearn.mixture import GaussianMixture

from segsweep.methods import ClusteringMethod, FittedMixture, Param


class GaussianMixtureMethod(FittedMixture, ClusteringMethod):
    """EM-fitted Gaussian mixture; each pixel gets its most probable component."""

    name = "gmm"
    summary = "scikit-learn GaussianMixture (EM), k components"
    param_specs = {
        "covariance_type": Param(
            str, choices=("full", "tied", "diag", "spherical"), help="covariance form"
        ),
        "n_init": Param(int, minimum=1, help="initialisations tried; the best is kept"),
        "max_iter": Param(int, minimum=1, help="largest number of EM iterations"),
        "tol": Param(float, minimum=0.0, help="tolerance on the lower-bound gain"),
        "reg_covar": Param(float, minimum=0.0, help="added to covariance diagonals"),
        "init_params": Param(
            str, choices=("kmeans", "k-means++", "random", "random_from_data"), help="EM start"
        ),
    }

    def __init__(
        self,
        n_clusters=2,
        random_state=0,
        covariance_type="full",
        n_init=1,
        max_iter=100,
        tol=1e-3,
        reg_covar=1e-6,
        init_params="kmeans",
    ):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.covariance_type = covariance_type
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.reg_covar = reg_covar
        self.init_params = init_params

    def fit(self, X, y=None):
        """Fit the mixture on ``X`` (n_samples, n_features) by EM."""
        self.model_ = GaussianMixture(
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
        return int(self.model_._n_parameters())
