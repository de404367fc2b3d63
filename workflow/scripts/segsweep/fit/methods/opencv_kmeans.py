"""OpenCV k-means (``cv2.kmeans``), as in the OpenCV colour-quantisation tutorial."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, param


class OpenCVKMeansMethod(ClusteringMethod):
    """``cv2.kmeans`` with EPS + MAX_ITER termination, several attempts, PP or random centres.

    The seed is passed to OpenCV's global generator (``cv2.setRNGSeed``) before each fit.
    Pixels are assigned to the nearest of the returned centres.
    """

    name = "opencv_kmeans"
    summary = "OpenCV cv2.kmeans with termination criteria, attempts and centre flags"
    fit_seconds = 0.2

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(2, 4, 8),
        alternatives={6: {"max_iter": 1, "epsilon": 0.5, "attempts": 4, "centers": "random"}},
        on_noise=("attempts", "centers"),
    )

    max_iter: int = param(100, "TERM_CRITERIA_MAX_ITER", minimum=1)
    epsilon: float = param(1e-4, "TERM_CRITERIA_EPS (centre movement)", minimum=0.0)
    attempts: int = param(1, "runs from different centres; best kept", minimum=1)
    centers: str = param("pp", "KMEANS_PP / RANDOM_CENTERS", choices=("pp", "random"))

    def fit(self, X, y=None):
        """Run ``cv2.kmeans`` on ``X`` (n_samples, n_features)."""
        import cv2

        criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, self.max_iter, self.epsilon)
        flags = cv2.KMEANS_PP_CENTERS if self.centers == "pp" else cv2.KMEANS_RANDOM_CENTERS
        cv2.setRNGSeed(int(self.random_state))
        compactness, _, centres = cv2.kmeans(
            np.ascontiguousarray(X, dtype=np.float32),
            self.n_clusters,
            None,
            criteria,
            self.attempts,
            flags,
        )
        self.cluster_centers_ = centres
        self.compactness_ = float(compactness)
        return self

    def predict(self, X):
        """Label each row of ``X`` with its nearest centre."""
        from sklearn.metrics import pairwise_distances_argmin

        return pairwise_distances_argmin(X, self.cluster_centers_)
