"""Ward agglomerative clustering with pixel-grid connectivity (scikit-learn)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, RegionMethod, param


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

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(sensitive=(2, 4, 8), alternatives={6: {"max_fit_pixels": 300}})

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
        """k connected Ward regions: the tree cut where k clusters remain (the partition
        ``AgglomerativeClustering.fit_predict`` gives; a test checks it), each pixel
        labelled as its nearest subsampled pixel."""
        step, (small_height, small_width), children = prepared
        self.n_fit_ = small_height * small_width
        labels = cut_where_k_remain(children, self.n_fit_, min(self.n_clusters, self.n_fit_))
        height, width = image.shape[:2]
        rows = np.minimum((np.arange(height) + step // 2) // step, small_height - 1)
        cols = np.minimum((np.arange(width) + step // 2) // step, small_width - 1)
        return labels.reshape(small_height, small_width)[np.ix_(rows, cols)]


def cut_where_k_remain(children: np.ndarray, n_leaves: int, n_clusters: int) -> np.ndarray:
    """Labels 0 .. k-1 of the leaves of a merge tree (scikit-learn's ``children_``, one row
    per merge in the order made) cut where ``n_clusters`` clusters remain, that is before its
    last ``n_clusters - 1`` merges: scipy's ``fcluster(..., criterion="maxclust")`` on the
    tree as a linkage matrix whose heights are the merges' order (Ward's own heights need
    not grow along the order under a connectivity constraint, and the cut follows the
    order, as scikit-learn's does)."""
    from scipy.cluster.hierarchy import fcluster

    sizes = np.ones(n_leaves + len(children))
    for merge, (first, second) in enumerate(children):
        sizes[n_leaves + merge] = sizes[first] + sizes[second]
    order = np.arange(1, len(children) + 1)
    linkage = np.column_stack([children, order, sizes[n_leaves:]]).astype(np.float64)
    return fcluster(linkage, t=n_clusters, criterion="maxclust") - 1
