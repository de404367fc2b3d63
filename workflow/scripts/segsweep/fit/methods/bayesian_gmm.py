"""Variational Bayesian Gaussian mixture (scikit-learn ``BayesianGaussianMixture``)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, FittedMixture, param
from segsweep.fit.methods.gmm import COVARIANCE_TYPES


class BayesianGaussianMixtureMethod(FittedMixture, ClusteringMethod):
    """Dirichlet-process mixture: k is an upper bound; unneeded components get ~0 weight.

    The number of components with weight above ``weight_threshold`` is recorded as
    ``effective_components``.
    """

    name = "bayesian_gmm"
    summary = "scikit-learn BayesianGaussianMixture (k is an upper bound)"
    fit_seconds = 0.9

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(2, 4, 8),
        quicker={"max_iter": 30},
        alternatives={
            4: {
                "covariance_type": "spherical",
                "weight_concentration_prior_type": "dirichlet_distribution",
                "weight_concentration_prior": 10.0,
                "max_iter": 2,
            },
            8: {"weight_threshold": 0.2},
        },
    )

    covariance_type: str = param("full", "covariance form", choices=COVARIANCE_TYPES)
    weight_concentration_prior_type: str = param(
        "dirichlet_process",
        "prior on the mixture weights",
        choices=("dirichlet_process", "dirichlet_distribution"),
    )
    weight_concentration_prior: float = param(
        0.0, "lower values favour fewer components (0: 1/k)", minimum=0.0
    )
    max_iter: int = param(200, "largest number of variational iterations", minimum=1)
    weight_threshold: float = param(
        0.01, "weight above which a component counts as used", minimum=0.0, maximum=1.0
    )

    def fit(self, X, y=None):
        """Fit the mixture on ``X`` (n_samples, n_features) by variational inference."""
        from sklearn.mixture import BayesianGaussianMixture

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
