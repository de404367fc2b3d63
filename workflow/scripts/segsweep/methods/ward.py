"""Ward agglomerative clustering with pixel-grid connectivity (scikit-learn)."""

from __future__ import annotations

import numpy as np

from segsweep.methods import RegionMethod, param


class WardMethod(RegionMethod):
    """Bottom-up merging of 4-connected neighbours, always the pair whose merge adds the
    least within-cluster variance (Ward linkage), until k regions remain; each region is
    connected. Swept over k.

    Ward's tree costs grow faster than the pixel count, so it is built on the image
    subsampled (every n-th row and column) to at most ``max_fit_pixels``; each pixel takes
    the label of its nearest subsampled pixel, so boundaries are blocky at that step. The
    fits table's ``n_fit`` is the subsampled image's pixel count.
    """

    name = "ward"
    summary = "scikit-learn Ward agglomerative clustering, pixel-grid connectivity (k regions)"

    max_fit_pixels: int = param(20000, "pixels of the subsampled image Ward is built on", minimum=4)

    def segment(self, image):
        """k connected Ward regions of ``image`` (H, W, C)."""
        from sklearn.cluster import AgglomerativeClustering
        from sklearn.feature_extraction.image import grid_to_graph

        height, width, channels = image.shape
        step = max(1, int(np.ceil(np.sqrt(height * width / self.max_fit_pixels))))
        small = image[::step, ::step]
        self.n_fit_ = small.shape[0] * small.shape[1]
        n_clusters = min(self.n_clusters, small.shape[0] * small.shape[1])
        labels = AgglomerativeClustering(
            n_clusters=n_clusters, linkage="ward",
            connectivity=grid_to_graph(small.shape[0], small.shape[1]),
        ).fit_predict(small.reshape(-1, channels))  # fmt: skip
        rows = np.minimum((np.arange(height) + step // 2) // step, small.shape[0] - 1)
        cols = np.minimum((np.arange(width) + step // 2) // step, small.shape[1] - 1)
        return labels.reshape(small.shape[:2])[np.ix_(rows, cols)]
