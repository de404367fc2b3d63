"""OpenCV k-means (``cv2.kmeans``), as in the OpenCV colour-quantisation tutorial."""

from __future__ import annotations

import cv2
import numpy as np
from sklearn.metrics import pairwise_distances_argmin

from segsweep.methods import ClusteringMethod, Param


class OpenCVKMeansMethod(ClusteringMethod):
    """``cv2.kmeans`` with EPS + MAX_ITER termination, several attempts, PP or random centres.

    The seed is passed to OpenCV's global generator (``cv2.setRNGSeed``) before each fit.
    Pixels are assigned to the nearest of the returned centres.
    """

    name = "opencv_kmeans"
    summary = "OpenCV cv2.kmeans with termination criteria, attempts and centre flags"
    param_specs = {
        "max_iter": Param(int, minimum=1, help="TERM_CRITERIA_MAX_ITER"),
        "epsilon": Param(float, minimum=0.0, help="TERM_CRITERIA_EPS (centre movement)"),
        "attempts": Param(int, minimum=1, help="runs from different centres; best kept"),
        "centers": Param(str, choices=("pp", "random"), help="KMEANS_PP / RANDOM_CENTERS"),
    }

    def __init__(
        self, n_clusters=2, random_state=0, max_iter=100, epsilon=1e-4, attempts=1, centers="pp"
    ):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.max_iter = max_iter
        self.epsilon = epsilon
        self.attempts = attempts
        self.centers = centers

    def fit(self, X, y=None):
        """Run ``cv2.kmeans`` on ``X`` (n_samples, n_features)."""
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
        return pairwise_distances_argmin(X, self.cluster_centers_)
