"""Variational Bayesian Gaussian mixture (scikit-learn ``BayesianGaussianMixture``)."""

from __future__ import annotations

import numpy as np
from sklearn.mixture import BayesianGaussianMixture

from segsweep.methods import ClusteringMethod, FittedMixture, Param


class BayesianGaussianMixtureMethod(FittedMixture, ClusteringMethod):
    """Dirichlet-process mixture: k is an upper bound; unneeded components get ~0 weight.

    The number of components with weight above ``weight_threshold`` is recorded as
    ``effective_components``.
    """

    name = "bayesian_gmm"
    summary = "scikit-learn BayesianGaussianMixture (k is an upper bound)"
    param_specs = {
        "covariance_type": Param(
            str, choices=("full", "tied", "diag", "spherical"), help="covariance form"
        ),
        "weight_concentration_prior_type": Param(
            str,
            choices=("dirichlet_process", "dirichlet_distribution"),
            help="prior on the mixture weights",
        ),
        "weight_concentration_prior": Param(
            float, minimum=0.0, help="lower values favour fewer components (0: 1/k)"
        ),
        "max_iter": Param(int, minimum=1, help="largest number of variational iterations"),
        "weight_threshold": Param(
            float, minimum=0.0, help="weight above which a component counts as used"
        ),
    }

    def __init__(
        self,
        n_clusters=2,
        random_state=0,
        covariance_type="full",
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=0.0,
        max_iter=200,
        weight_threshold=0.01,
    ):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.covariance_type = covariance_type
        self.weight_concentration_prior_type = weight_concentration_prior_type
        self.weight_concentration_prior = weight_concentration_prior
        self.max_iter = max_iter
        self.weight_threshold = weight_threshold

    def fit(self, X, y=None):
        """Fit the mixture on ``X`` (n_samples, n_features) by variational inference."""
        self.model_ = BayesianGaussianMixture(
            n_components=self.n_clusters,
            covariance_type=self.covariance_type,
            weight_concentration_prior_type=self.weight_concentration_prior_type,
            weight_concentration_prior=self.weight_concentration_prior or None,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(X)
        self.n_iter_ = int(self.model_.n_iter_)
        self.converged_ = bool(self.model_.converged_)
        return self

    def fit_summary(self):
        """``effective_components``: components whose weight exceeds the threshold."""
        return {"effective_components": int(np.sum(self.model_.weights_ > self.weight_threshold))}
