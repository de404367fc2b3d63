"""Ward agglomerative clustering with pixel-grid connectivity (scikit-learn)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import RegionMethod, param


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
    fit_seconds = 0.15

    max_fit_pixels: int = param(20000, "pixels of the subsampled image Ward is built on", minimum=4)

    def prepare(self, image):
        """Ward's whole merge tree of ``image`` (H, W, C) subsampled: the same for every k, so
        a sweep builds it once (scikit-learn builds the whole tree for any k this small and
        cuts it, ``compute_full_tree="auto"``)."""
        from sklearn.cluster import ward_tree
        from sklearn.feature_extraction.image import grid_to_graph

        height, width, channels = image.shape
        step = max(1, int(np.ceil(np.sqrt(height * width / self.max_fit_pixels))))
        small = image[::step, ::step]
        children = ward_tree(small.reshape(-1, channels),
                             connectivity=grid_to_graph(*small.shape[:2]))[0]  # fmt: skip
        return step, small.shape[:2], children

    def segment(self, image, prepared):
        """k connected Ward regions: the tree cut where k clusters remain (scikit-learn's
        own cut, as ``AgglomerativeClustering.fit_predict`` makes it; a test checks the
        labels are the same), each pixel labelled as its nearest subsampled pixel."""
        from sklearn.cluster._agglomerative import _hc_cut

        step, (small_height, small_width), children = prepared
        self.n_fit_ = small_height * small_width
        labels = _hc_cut(min(self.n_clusters, self.n_fit_), children, self.n_fit_)
        height, width = image.shape[:2]
        rows = np.minimum((np.arange(height) + step // 2) // step, small_height - 1)
        cols = np.minimum((np.arange(width) + step // 2) // step, small_width - 1)
        return labels.reshape(small_height, small_width)[np.ix_(rows, cols)]
