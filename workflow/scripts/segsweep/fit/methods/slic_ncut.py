"""SLIC superpixels grouped by normalized cuts of their adjacency graph (scikit-image)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, RegionMethod, param
from segsweep.fit.methods._superpixels import superpixel_graph


class SlicNcutMethod(RegionMethod):
    """Normalized cuts (Shi and Malik, TPAMI 2000) on the region adjacency graph of SLIC
    superpixels: edges weigh ``exp(-d^2 / similarity)`` for the distance ``d`` between
    neighbours' mean features, and the graph is split recursively while a cut's
    normalized-cut value stays below ``thresh``. Swept over ``thresh``: a higher threshold
    allows costlier cuts, so more regions.

    The eigen-solver starts from a random vector, so the seed matters.
    """

    name = "slic_ncut"
    summary = "SLIC superpixels split recursively by normalized cuts of their adjacency graph"
    fit_seconds = 0.13
    # scikit-image's rag_mean_color sums three colour channels per superpixel, and SLIC's
    # compactness already weighs position: no x, y features (xy_weight)
    takes_position = False
    uses_seed = True

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(0.05, 0.1, 0.2),
        quicker={"n_segments": 60},
        alternatives={0.05: {"similarity": 1.0, "n_segments": 40, "compactness": 10.0}},
        seed_params={"n_segments": 200},
    )

    thresh: float = param(0.05, "largest normalized-cut value of a split that is made",
                          minimum=0.0, effect="more regions",
                          grid=(0.001, 0.005, 0.02, 0.05, 0.1, 0.2))  # fmt: skip
    similarity: float = param(
        0.01, "squared feature distance at which edge weights fall to 1/e", minimum=1e-12
    )
    n_segments: int = param(400, "approximate number of superpixels", minimum=2)
    compactness: float = param(0.1, "weight of space against colour in SLIC", minimum=1e-9)

    def prepare(self, image):
        """Superpixels of ``image`` (H, W, C) and their similarity graph: the same for every
        ``thresh``, so a sweep computes them once."""
        return superpixel_graph(image, self.n_segments, self.compactness, mode="similarity",
                                sigma=self.similarity)  # fmt: skip

    def segment(self, image, prepared):
        """The superpixels grouped by normalized cuts (on a copy of their graph)."""
        from skimage import graph

        superpixels, rag = prepared
        if rag is None:  # one superpixel: one region
            return superpixels
        rng = np.random.default_rng(self.random_state)
        return graph.cut_normalized(superpixels, rag, thresh=self.thresh, rng=rng, in_place=False)
