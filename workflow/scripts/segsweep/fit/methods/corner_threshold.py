"""Background-removal baseline: pixels close to the top-left corner pixel are background."""

from __future__ import annotations

import numpy as np

from segsweep.fit.methods import CheckCase, ClusteringMethod, param

#: The tutorial's threshold, in the 0-255 scale.
TUTORIAL_THRESHOLD = 20.0


class CornerThresholdMethod(ClusteringMethod):
    """Two labels: background where the Chebyshev distance (largest channel difference) to the
    top-left pixel is at most ``threshold``, foreground elsewhere.

    ``threshold`` is on a 0-255 scale of the features, so the default 20 is the tutorial's
    value in the ``rgb`` space (features in [0, 1] are compared at ``threshold / 255``).
    """

    name = "corner_threshold"
    summary = "background = pixels within a Chebyshev distance of the corner pixel (2 labels)"
    fit_seconds = 0.05
    input_kind = "image"
    uses_seed = False

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(sensitive=(5.0, 40.0, 120.0))

    threshold: float = param(TUTORIAL_THRESHOLD, "largest channel difference, 0-255 scale",
                             minimum=0.0, maximum=255.0, effect="more background",
                             grid=(TUTORIAL_THRESHOLD,))  # fmt: skip

    def fit(self, image, y=None):
        """Remember the top-left pixel of ``image`` (H, W, C)."""
        self.corner_ = np.asarray(image[0, 0], dtype=np.float64)
        return self

    def predict(self, image):
        """0 for background, 1 for foreground, shape (H, W)."""
        distance = np.abs(np.asarray(image, dtype=np.float64) - self.corner_).max(axis=-1)
        # Round away float32 noise: rgb features are 8-bit values / 255, so a difference of
        # exactly 20 levels must compare as 20, not 20.0000003.
        return (np.round(distance * 255.0, 3) > self.threshold).astype(np.int64)
