"""Felzenszwalb-Huttenlocher graph-based segmentation (scikit-image ``felzenszwalb``)."""

from __future__ import annotations

from segsweep.fit.methods import CheckCase, RegionMethod, param


class FelzenszwalbMethod(RegionMethod):
    """Greedy merging on the pixel graph (Felzenszwalb and Huttenlocher, IJCV 2004): two
    regions merge when the edge between them is weaker than each one's internal variation
    plus ``scale / size``, so a larger ``scale`` gives larger regions.

    Swept over ``scale``, which scikit-image reads in 0-255 units of the features (the
    features are scaled to about [0, 1], see :mod:`segsweep.fit.spaces`), as in the
    authors' code on 8-bit images.
    """

    name = "felzenszwalb"
    summary = "scikit-image Felzenszwalb-Huttenlocher graph segmentation"
    fit_seconds = 0.14

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(
        sensitive=(100.0, 400.0, 3200.0),
        alternatives={400.0: {"sigma": 3.0}, 100.0: {"min_size": 400}},
    )

    scale: float = param(400.0, "merge threshold; larger gives larger regions",
                         minimum=0.0, effect="fewer regions",
                         grid=(100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0))  # fmt: skip
    sigma: float = param(0.8, "width of the Gaussian smoothing before segmenting", minimum=0.0)
    min_size: int = param(100, "smallest region in pixels; smaller ones are merged", minimum=1)

    def segment(self, image):
        """Felzenszwalb-Huttenlocher labels of ``image`` (H, W, C)."""
        from skimage.segmentation import felzenszwalb

        return felzenszwalb(
            image, scale=self.scale, sigma=self.sigma, min_size=self.min_size, channel_axis=-1
        )
