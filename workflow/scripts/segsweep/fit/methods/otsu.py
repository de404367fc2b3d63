"""Multi-level Otsu thresholding (scikit-image ``threshold_multiotsu``) of a grey image."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, param


class OtsuMethod(ClusteringMethod):
    """k grey levels separated by the k - 1 thresholds that maximise between-class variance.

    The search is exhaustive over histogram bins, so its cost grows steeply with k: with the
    default 64 bins k = 6 takes about 0.2 s and k = 7 over a second; k above 6 is skipped.
    Works in the ``grey`` colour space only.
    """

    name = "otsu"
    summary = "scikit-image multi-level Otsu thresholds (grey space, k <= 6)"
    fit_seconds = 0.05
    uses_seed = False
    supported_spaces = ("grey",)
    max_k = 6

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(sensitive=(2, 4, 6), alternatives={3: {"nbins": 8}})

    nbins: int = param(64, "histogram bins searched (one per class at least)", minimum=max_k)

    def fit(self, X, y=None):
        """Find the thresholds from the single feature column of ``X``."""
        from skimage.filters import threshold_multiotsu

        values = np.asarray(X)[:, 0]
        self.thresholds_ = threshold_multiotsu(values, classes=self.n_clusters, nbins=self.nbins)
        return self

    def predict(self, X):
        """Level index (0 darkest) of each row of ``X``."""
        return np.digitize(np.asarray(X)[:, 0], self.thresholds_)
