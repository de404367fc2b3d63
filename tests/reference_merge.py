"""Weak-boundary merging to one threshold, written from scikit-image calls alone.

The reference that :class:`segsweep.fit.postprocess.BoundaryHierarchy` must equal at every
threshold (tests/test_postprocess.py) and is timed against (benchmark case 6). It shares no
code with segsweep: the gradient is scikit-image's Gaussian and Sobel filters written out
here, the region adjacency graph is ``skimage.graph.rag_boundary``, and every merge is made
by ``skimage.graph.merge_hierarchical`` with edge weights kept in their own form (the sum of
the gradient along a boundary and its length, where segsweep keeps the mean), so the graph
and merges are built anew for each threshold, as merging did before the hierarchy.
"""

from __future__ import annotations

import numpy as np
from skimage import filters, graph


def gradient_magnitude(features: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    """Norm over channels of the Sobel gradient of each channel, after a Gaussian of
    ``sigma`` pixels (none for 0)."""
    image = features.astype(np.float64)
    if sigma > 0:
        image = filters.gaussian(image, sigma=sigma, channel_axis=-1, preserve_range=True)
    sobels = np.stack([filters.sobel(image[..., c]) for c in range(image.shape[-1])])
    return np.sqrt((sobels**2).sum(axis=0))


def merge_to_threshold(
    features: np.ndarray,
    labels: np.ndarray,
    threshold: float,
    sigma: float = 2.0,
    criterion: str = "boundary",
) -> np.ndarray:
    """Labels (not canonical) after merging adjacent regions, the weakest edge first, until
    every edge is at or above ``threshold``.

    Edges weigh, by ``criterion``: the mean gradient along the boundary ("boundary"), the
    distance between the regions' mean features ("colour"), their product
    ("colour_boundary"), or Ward's increase of the sum of squares per image pixel ("ward").
    """
    rag = graph.rag_boundary(labels, gradient_magnitude(features, sigma))
    flat_features = features.reshape(-1, features.shape[-1]).astype(np.float64)
    for node in rag.nodes:
        inside = labels.ravel() == node
        rag.nodes[node]["n"] = float(inside.sum())
        rag.nodes[node]["sum"] = flat_features[inside].sum(axis=0)

    def mean_of(node):
        return rag.nodes[node]["sum"] / rag.nodes[node]["n"]

    def weight(a, b, along, length):
        if criterion == "boundary":
            return along / length
        distance = np.linalg.norm(mean_of(a) - mean_of(b))
        if criterion == "colour":
            return distance
        if criterion == "colour_boundary":
            return distance * along / length
        n_a, n_b = rag.nodes[a]["n"], rag.nodes[b]["n"]
        return n_a * n_b / (n_a + n_b) * distance**2 / labels.size

    for a, b, data in rag.edges(data=True):
        data["along"] = data["weight"] * data["count"]  # the boundary's summed gradient
        data["weight"] = weight(a, b, data["along"], data["count"])

    def merge_nodes(rag, src, dst):
        rag.nodes[dst]["n"] += rag.nodes[src]["n"]
        rag.nodes[dst]["sum"] = rag.nodes[dst]["sum"] + rag.nodes[src]["sum"]

    def new_edge(rag, src, dst, neighbour):
        edges = [rag[node][neighbour] for node in (src, dst) if neighbour in rag[node]]
        along = sum(edge["along"] for edge in edges)
        length = sum(edge["count"] for edge in edges)
        return {"along": along, "count": length, "weight": weight(dst, neighbour, along, length)}

    return graph.merge_hierarchical(
        labels, rag, threshold, rag_copy=False, in_place_merge=True,
        merge_func=merge_nodes, weight_func=new_edge,
    )  # fmt: skip
