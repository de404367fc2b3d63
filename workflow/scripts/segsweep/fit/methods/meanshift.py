"""Mean shift (scikit-learn ``MeanShift``): finds its own number of clusters."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, param, subsample


class MeanShiftMethod(ClusteringMethod):
    """Mean shift with binned seeding; the bandwidth is estimated on a seeded sample.

    Swept over ``quantile``: a larger quantile gives a wider kernel and fewer modes. Mean
    shift is slow on many points, so it is fitted on at most ``max_fit_pixels`` of the
    pixels it is given (a seeded random subset); every pixel is then assigned to the nearest
    mode.
    """

    name = "meanshift"
    summary = "scikit-learn MeanShift, bandwidth estimated on a seeded sample (no k)"
    fit_seconds = 1.2

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(0.1, 0.2, 0.3),
        alternatives={0.2: {"bandwidth_pixels": 50, "max_fit_pixels": 300}},
        seed_input="graded patches",
        seed_params={"max_fit_pixels": 200},
    )

    quantile: float = param(0.2, "bandwidth quantile of pairwise distances",
                            minimum=0.0, maximum=1.0, effect="fewer regions",
                            grid=(0.1, 0.2, 0.3))  # fmt: skip
    bandwidth_pixels: int = param(2000, "pixels used to estimate the bandwidth", minimum=10)
    max_fit_pixels: int = param(20000, "pixels mean shift is run on", minimum=10)

    def fit(self, X, y=None):
        """Estimate the bandwidth and find the modes of ``X`` (n_samples, n_features)."""
        from sklearn.cluster import MeanShift, estimate_bandwidth

        X = subsample(X, self.max_fit_pixels, self.random_state)
        self.n_fit_ = len(X)
        self.bandwidth_ = float(
            estimate_bandwidth(
                X,
                quantile=self.quantile,
                n_samples=min(self.bandwidth_pixels, len(X)),
                random_state=self.random_state,
            )
        )
        if self.bandwidth_ <= 0.0:  # all pixels alike: one cluster
            self.cluster_centers_ = X[:1].astype(np.float64)
            return self
        self.model_ = MeanShift(bandwidth=self.bandwidth_, bin_seeding=True).fit(X)
        self.cluster_centers_ = self.model_.cluster_centers_
        return self

    def predict(self, X):
        """Label each row of ``X`` with its nearest mode."""
        from sklearn.metrics import pairwise_distances_argmin

        return pairwise_distances_argmin(X, self.cluster_centers_)

    def fit_summary(self):
        """``bandwidth``: the estimated kernel bandwidth."""
        return {"bandwidth": self.bandwidth_}
