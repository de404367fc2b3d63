"""Quickshift mode seeking in colour and position (scikit-image ``quickshift``)."""

from __future__ import annotations

from segsweep.methods import RegionMethod, param

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

    max_dist: float = param(
        36.0,
        "longest link kept (colour and pixel units)",
        minimum=0.0,
        grid=(12.0, 24.0, 36.0, 48.0, 72.0),
        effect="fewer regions",
    )
    ratio: float = param(0.5, "weight of colour against position, 0-1", minimum=0.0)
    kernel_size: float = param(5.0, "width of the density kernel, pixels", minimum=0.5)

    def segment(self, image):
        """Quickshift labels of ``image`` (H, W, C)."""
        from skimage.segmentation import quickshift

        return quickshift(
            image * COLOUR_UNITS, ratio=self.ratio, kernel_size=self.kernel_size,
            max_dist=self.max_dist, convert2lab=False, channel_axis=-1,
        )  # fmt: skip
