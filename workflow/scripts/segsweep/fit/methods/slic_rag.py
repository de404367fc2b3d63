"""SLIC superpixels merged on their region adjacency graph (scikit-image ``graph``)."""

from __future__ import annotations

import copy

import numpy as np

from segsweep.fit.methods import CheckCase, RegionMethod, param
from segsweep.fit.methods._superpixels import superpixel_graph


class SlicRagMethod(RegionMethod):
    """Superpixels (SLIC) become the nodes of a region adjacency graph whose edges weigh the
    distance between neighbours' mean features; neighbours closer than ``threshold`` merge.

    ``merge="hierarchical"`` merges the closest pair first and updates the merged region's
    mean before the next merge (``skimage.graph.merge_hierarchical``); ``"threshold"`` cuts
    every edge at or above the threshold in one pass, so chains of similar neighbours merge
    (``skimage.graph.cut_threshold``). Swept over ``threshold``, in feature units (about
    [0, 1], see :mod:`segsweep.fit.spaces`).
    """

    name = "slic_rag"
    summary = "SLIC superpixels merged on their adjacency graph (hierarchical or threshold)"
    fit_seconds = 0.2
    # scikit-image's rag_mean_color sums three colour channels per superpixel, and SLIC's
    # compactness already weighs position: no x, y features (xy_weight)
    takes_position = False

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(0.04, 0.12, 0.24),
        quicker={"n_segments": 60},
        alternatives={0.08: {"merge": "threshold", "n_segments": 40, "compactness": 10.0}},
        variants=(((0.02, 0.04, 0.08), {"merge": "threshold"}),),
    )

    threshold: float = param(0.16, "feature distance below which neighbouring regions merge",
                             minimum=0.0, effect="fewer regions",
                             grid=(0.04, 0.08, 0.12, 0.16, 0.2, 0.24, 0.32))  # fmt: skip
    merge: str = param("hierarchical", "merge order", choices=("hierarchical", "threshold"))
    n_segments: int = param(600, "approximate number of superpixels", minimum=2)
    compactness: float = param(0.1, "weight of space against colour in SLIC", minimum=1e-9)

    def prepare(self, image):
        """Superpixels of ``image`` (H, W, C) and their adjacency graph: the same for every
        ``threshold``, so a sweep computes them once."""
        return superpixel_graph(image, self.n_segments, self.compactness, mode="distance")

    def segment(self, image, prepared):
        """The superpixels merged on a copy of their graph (merging changes it)."""
        from skimage import graph

        superpixels, rag = prepared
        if rag is None:  # one superpixel: one region
            return superpixels
        rag = copy.deepcopy(rag)
        if self.merge == "threshold":
            return graph.cut_threshold(superpixels, rag, self.threshold)
        return graph.merge_hierarchical(
            superpixels, rag, thresh=self.threshold, rag_copy=False, in_place_merge=True,
            merge_func=_merge_mean_colour, weight_func=_mean_colour_distance,
        )  # fmt: skip


def _mean_colour_distance(rag, src, dst, neighbour):
    """Weight of the edge from a merged region ``dst`` to ``neighbour``: the distance
    between their mean features (the callback ``merge_hierarchical`` asks for)."""
    difference = rag.nodes[dst]["mean color"] - rag.nodes[neighbour]["mean color"]
    return {"weight": float(np.linalg.norm(difference))}


def _merge_mean_colour(rag, src, dst):
    """Fold region ``src`` into ``dst``: add its sums and recompute the mean."""
    node = rag.nodes[dst]
    node["total color"] += rag.nodes[src]["total color"]
    node["pixel count"] += rag.nodes[src]["pixel count"]
    node["mean color"] = node["total color"] / node["pixel count"]
