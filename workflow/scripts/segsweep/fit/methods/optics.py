"""OPTICS density clustering of pixel features (scikit-learn), fitted on a sample."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, NearestKeptLabel, param, subsample


class OPTICSMethod(ClusteringMethod):
    """Density clusters at every density at once (Ankerst et al. 1999): OPTICS orders a
    seeded sample of at most ``max_fit_pixels`` pixels by reachability, and clusters are
    the valleys of that reachability plot whose walls are steeper than ``xi`` (the
    xi-steep extraction), so a larger ``xi`` keeps only the sharpest valleys: fewer
    regions. Beside DBSCAN (one density, ``eps``), it needs no radius.

    The ordering does not depend on ``xi``, so a sweep computes it once per seed
    (:meth:`prepare`) and extracts the clusters at each value with scikit-learn's
    ``cluster_optics_xi`` (a test checks the labels equal ``OPTICS(xi=...)``'s). Every pixel
    then takes the cluster of its nearest clustered sample pixel, so none is left as
    noise; with no cluster at all the image is one region. The ordering's cost grows with
    the square of the sample (about 3 s for 2 000 pixels).
    """

    name = "optics"
    summary = "scikit-learn OPTICS xi-steep clusters of a pixel sample; pixels join the nearest"
    fit_seconds = 3.0  # the sample's OPTICS (about 3 s for 2 000 pixels, above)

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(0.02, 0.1, 0.3),
        sensitive_params={"min_samples": 5},
        quicker={"max_fit_pixels": 400},
        alternatives={0.05: {"min_samples": 10, "max_fit_pixels": 300}},
        seed_input="graded patches",
        seed_params={"max_fit_pixels": 200, "min_samples": 5},
    )

    xi: float = param(0.05, "steepness of a cluster's walls in the reachability plot",
                      minimum=1e-9, maximum=0.99, effect="fewer regions",
                      grid=(0.005, 0.01, 0.02, 0.05, 0.1))  # fmt: skip
    min_samples: int = param(20, "neighbours that make a core pixel", minimum=2)
    max_fit_pixels: int = param(2000, "pixels OPTICS orders (a seeded sample)", minimum=10)

    def prepare(self, X):
        """The OPTICS ordering of a seeded sample of ``X`` (n_pixels, n_features): the
        sample, its reachability, predecessors and order."""
        from sklearn.cluster import OPTICS

        sample = subsample(X, self.max_fit_pixels, self.random_state)
        model = OPTICS(min_samples=min(self.min_samples, len(sample)), xi=self.xi).fit(sample)
        return sample, model.reachability_, model.predecessor_, model.ordering_

    def fit(self, X, y=None, prepared=None):
        """Extract the xi-steep clusters of the prepared ordering (made from ``X`` when
        none is given); keep the clustered sample pixels."""
        import warnings

        from sklearn.cluster import cluster_optics_xi

        sample, reachability, predecessor, ordering = prepared or self.prepare(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the plot's first point is inf
            labels, _ = cluster_optics_xi(
                reachability=reachability, predecessor=predecessor, ordering=ordering,
                min_samples=min(self.min_samples, len(sample)), xi=self.xi,
            )  # fmt: skip
        self.n_fit_ = len(sample)
        clustered = np.flatnonzero(labels >= 0)
        self.n_clustered_ = len(clustered)
        self.sample_labels_ = labels
        self.nearest_cluster_ = NearestKeptLabel(sample, clustered, labels)
        return self

    def predict(self, X):
        """The cluster of each row's nearest clustered sample pixel."""
        return self.nearest_cluster_(X)

    def fit_summary(self):
        """``clustered_pixels``: the sample pixels in a cluster (the rest were noise)."""
        return {"clustered_pixels": self.n_clustered_}
