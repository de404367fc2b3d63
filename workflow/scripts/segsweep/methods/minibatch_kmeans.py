"""Mini-batch k-means (scikit-learn ``MiniBatchKMeans``)."""

from __future__ import annotations

from sklearn.cluster import MiniBatchKMeans

from segsweep.methods import ClusteringMethod, Param


class MiniBatchKMeansMethod(ClusteringMethod):
    """k-means updated on random mini-batches; fast, slightly less compact than Lloyd."""

    name = "minibatch_kmeans"
    summary = "scikit-learn MiniBatchKMeans"
    param_specs = {
        "batch_size": Param(int, minimum=1, help="pixels per mini-batch"),
        "n_init": Param(int, minimum=1, help="initialisations tried; the best is kept"),
        "max_iter": Param(int, minimum=1, help="largest number of passes over the data"),
    }

    def __init__(self, n_clusters=2, random_state=0, batch_size=4096, n_init=3, max_iter=100):
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.batch_size = batch_size
        self.n_init = n_init
        self.max_iter = max_iter

    def fit(self, X, y=None):
        """Fit on ``X`` (n_samples, n_features)."""
        self.model_ = MiniBatchKMeans(
            n_clusters=self.n_clusters,
            batch_size=self.batch_size,
            n_init=self.n_init,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(X)
        self.n_iter_ = int(self.model_.n_iter_)
        self.converged_ = self.n_iter_ < self.max_iter
        return self

    def predict(self, X):
        """Label each row of ``X`` with its nearest centre."""
        return self.model_.predict(X)
