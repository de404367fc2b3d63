"""Compact watershed of the colour gradient (scikit-image ``watershed`` and ``sobel``)."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, RegionMethod, param


class WatershedMethod(RegionMethod):
    """Watershed flooding of the gradient magnitude from ``markers`` seeds spread evenly
    over the image; ``compactness`` above 0 favours regular regions (Neubert and Protzel
    2014). Swept over the number of markers.

    The gradient is the Sobel magnitude summed in quadrature over the feature channels.
    """

    name = "watershed"
    summary = "scikit-image compact watershed of the Sobel gradient from evenly spread seeds"
    fit_seconds = 0.06

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(sensitive=(4, 16, 64), alternatives={16: {"compactness": 10.0}})

    markers: int = param(16, "number of seeds, spread evenly over the image",
                         minimum=2, effect="more regions",
                         grid=(4, 8, 16, 32, 64, 128))  # fmt: skip
    compactness: float = param(0.001, "preference for regular regions (0: none)", minimum=0.0)

    def segment(self, image):
        """Watershed labels of ``image`` (H, W, C)."""
        from skimage.filters import sobel
        from skimage.segmentation import watershed

        gradient = np.sqrt(sum(sobel(image[..., c]) ** 2 for c in range(image.shape[-1])))
        return watershed(gradient, markers=self.markers, compactness=self.compactness)
