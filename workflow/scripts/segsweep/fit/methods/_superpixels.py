"""SLIC superpixels shared by the methods that group them (not a method itself)."""

from __future__ import annotations

import numpy as np


def slic_superpixels(image: np.ndarray, n_segments: int, compactness: float) -> np.ndarray:
    """SLIC superpixels (scikit-image) of ``image`` (H, W, C) in its own feature units,
    labelled from 0."""
    from skimage.segmentation import slic

    return slic(
        np.asarray(image, dtype=np.float64), n_segments=n_segments, compactness=compactness,
        channel_axis=-1, convert2lab=False, start_label=0,
    )  # fmt: skip


def superpixel_graph(image: np.ndarray, n_segments: int, compactness: float, **graph):
    """SLIC superpixels of ``image`` (H, W, C) and their region adjacency graph of mean
    features (scikit-image's ``rag_mean_color`` with the keywords ``graph``): what the
    superpixel-grouping methods prepare once per sweep. The graph is None when SLIC leaves
    one superpixel (a featureless or noise-only image at a low compactness): there is
    nothing to group, and scikit-image cannot build a graph without edges."""
    from skimage.graph import rag_mean_color

    image = np.asarray(image, dtype=np.float64)
    superpixels = slic_superpixels(image, n_segments, compactness)
    if superpixels.min() == superpixels.max():
        return superpixels, None
    return superpixels, rag_mean_color(image, superpixels, **graph)
