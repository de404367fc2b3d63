"""SLIC superpixels (scikit-image), then KMeans of the superpixels' mean features."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, param
from segsweep.fit.methods._superpixels import slic_superpixels


class SlicKMeansMethod(ClusteringMethod):
    """Spatially aware: pixels are first grouped into compact superpixels (SLIC on the
    features), then the superpixels' mean features are clustered into k clusters (KMeans,
    weighted by superpixel size). Every pixel takes its superpixel's cluster.

    ``compactness`` trades colour against space; features are scaled to about [0, 1] (see
    :mod:`segsweep.fit.spaces`), so values around 0.1 suit them.
    """

    name = "slic_kmeans"
    summary = "scikit-image SLIC superpixels, then KMeans of their mean features"
    fit_seconds = 0.1
    input_kind = "image"

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(2, 4, 8),
        sensitive_params={"n_segments": 100},
        quicker={"n_segments": 60},
        alternatives={6: {"n_segments": 40, "compactness": 10.0, "n_init": 10}},
        on_noise=("compactness",),
        seed_params={"n_segments": 200},
    )

    n_segments: int = param(400, "approximate number of superpixels", minimum=2)
    compactness: float = param(0.1, "weight of space against colour", minimum=1e-9)
    n_init: int = param(1, "KMeans initialisations", minimum=1)

    def prepare(self, image):
        """SLIC superpixels of ``image`` (H, W, C): the same for every k."""
        image = np.asarray(image, dtype=np.float64)
        return slic_superpixels(image, self.n_segments, self.compactness)

    def fit(self, image, y=None, prepared=None):
        """Superpixels of ``image`` (H, W, C) (``prepared``, or computed), then KMeans of
        their means."""
        from sklearn.cluster import KMeans

        image = np.asarray(image, dtype=np.float64)
        self.superpixels_ = self.prepare(image) if prepared is None else prepared
        flat = self.superpixels_.ravel()
        n = int(flat.max()) + 1
        sizes = np.bincount(flat, minlength=n).astype(np.float64)
        features = image.reshape(-1, image.shape[-1])
        means = (
            np.stack(
                [np.bincount(flat, features[:, c], minlength=n) for c in range(image.shape[-1])],
                axis=1,
            )
            / np.maximum(sizes, 1.0)[:, None]
        )
        used = sizes > 0
        k = min(self.n_clusters, int(used.sum()))
        self.model_ = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)
        self.model_.fit(means[used], sample_weight=sizes[used])
        self.superpixel_labels_ = np.zeros(n, dtype=np.int64)
        self.superpixel_labels_[used] = self.model_.labels_
        self.n_iter_ = int(self.model_.n_iter_)
        self.converged_ = self.n_iter_ < self.model_.max_iter
        return self

    def predict(self, image):
        """Cluster of each pixel's superpixel, shape (H, W); ``image`` must be the fitted one."""
        if np.shape(image)[:2] != self.superpixels_.shape:
            raise ValueError("slic_kmeans labels the image it was fitted on only")
        return self.superpixel_labels_[self.superpixels_]

    def fit_summary(self):
        """``superpixels``: the number of SLIC superpixels."""
        return {"superpixels": int(self.superpixels_.max()) + 1}
