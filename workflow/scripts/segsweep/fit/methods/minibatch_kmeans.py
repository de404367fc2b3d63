"""Mini-batch k-means (scikit-learn ``MiniBatchKMeans``)."""

from __future__ import annotations

from segsweep.fit.methods import CheckCase, ClusteringMethod, param


class MiniBatchKMeansMethod(ClusteringMethod):
    """k-means updated on random mini-batches; fast, slightly less compact than Lloyd."""

    name = "minibatch_kmeans"
    summary = "scikit-learn MiniBatchKMeans"
    fit_seconds = 0.2

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(2, 4, 8), alternatives={6: {"batch_size": 64, "n_init": 1, "max_iter": 1}}
    )

    batch_size: int = param(4096, "pixels per mini-batch", minimum=1)
    n_init: int = param(3, "initialisations tried; the best is kept", minimum=1)
    max_iter: int = param(100, "largest number of passes over the data", minimum=1)

    def fit(self, X, y=None):
        """Fit on ``X`` (n_samples, n_features)."""
        from sklearn.cluster import MiniBatchKMeans

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
