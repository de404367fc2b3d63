"""Multi-level Otsu thresholding (scikit-image ``threshold_multiotsu``) of a grey image."""

from __future__ import annotations

import numpy as np
from skimage.filters import threshold_multiotsu

from segsweep.methods import ClusteringMethod, Param


class OtsuMethod(ClusteringMethod):
    """k grey levels separated by the k - 1 thresholds that maximise between-class variance.

    The search is exhaustive over histogram bins, so its cost grows steeply with k: with the
    default 64 bins k = 6 takes about 0.2 s and k = 7 over a second; k above 6 is skipped.
    Works in the ``grey`` colour space only.
    """

    name = "otsu"
    summary = "scikit-image multi-level Otsu thresholds (grey space, k <= 6)"
    uses_seed = False
    supported_spaces = ("grey",)
    max_k = 6
    param_specs = {"nbins": Param(int, minimum=2, help="histogram bins searched")}

    def __init__(self, n_clusters=2, random_state=0, nbins=64):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.nbins = nbins

    def fit(self, X, y=None):
        """Find the thresholds from the single feature column of ``X``."""
        values = np.asarray(X)[:, 0]
        self.thresholds_ = threshold_multiotsu(values, classes=self.n_clusters, nbins=self.nbins)
        return self

    def predict(self, X):
        """Level index (0 darkest) of each row of ``X``."""
        return np.digitize(np.asarray(X)[:, 0], self.thresholds_)
