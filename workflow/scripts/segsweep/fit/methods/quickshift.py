"""Quickshift mode seeking in colour and position (scikit-image ``quickshift``)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, RegionMethod, param

#: The features are scaled to about [0, 1]; quickshift's ``ratio`` is meant for Lab in
#: 0-100 units, so colours are multiplied by this first.
COLOUR_UNITS = 100.0


class QuickshiftMethod(RegionMethod):
    """Each pixel links to its nearest neighbour of higher density (Parzen estimate in
    colour and position, Vedaldi and Soatto 2008); links longer than ``max_dist`` are cut
    and the remaining trees are the regions. Swept over ``max_dist``: a longer cut-off
    gives fewer, larger regions.
    """

    name = "quickshift"
    summary = "scikit-image quickshift (density mode seeking in colour and position)"
    fit_seconds = 0.4

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(12.0, 24.0, 36.0), alternatives={24.0: {"ratio": 0.95, "kernel_size": 2.0}}
    )

    max_dist: float = param(36.0, "longest link kept (colour and pixel units)",
                            minimum=0.0, effect="fewer regions",
                            grid=(12.0, 24.0, 36.0, 48.0, 72.0))  # fmt: skip
    ratio: float = param(0.5, "weight of colour against position", minimum=0.0, maximum=1.0)
    kernel_size: float = param(5.0, "width of the density kernel, pixels", minimum=1.0)

    def prepare(self, image):
        """Quickshift's forest of ``image`` (H, W, C): each pixel's parent and the distance to
        it. It does not depend on ``max_dist``, which only says which links are cut, so a
        sweep builds it once (scikit-image's ``return_tree``)."""
        from skimage.segmentation import quickshift

        _, parent, distance = quickshift(
            image * COLOUR_UNITS, ratio=self.ratio, kernel_size=self.kernel_size,
            max_dist=self.max_dist, return_tree=True, convert2lab=False, channel_axis=-1,
        )  # fmt: skip
        return np.asarray(parent).ravel(), np.asarray(distance).ravel()

    def segment(self, image, prepared):
        """The forest cut at ``max_dist``: each pixel labelled by the root of its tree, as
        scikit-image's quickshift does after building the forest (a test checks the labels
        equal the library's at every value of the grid)."""
        parent, distance = prepared
        roots = parent.copy()
        too_far = distance > self.max_dist
        roots[too_far] = np.flatnonzero(too_far)
        while True:  # follow the links to each tree's root
            above = roots[roots]
            if np.array_equal(above, roots):
                break
            roots = above
        return np.unique(roots, return_inverse=True)[1].reshape(image.shape[:2])
