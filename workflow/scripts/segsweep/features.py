"""Colour spaces: turn an RGB image into the per-pixel features that get clustered.

All conversions return float32 arrays of shape (H, W, C). Each space is scaled so its
channels span roughly [0, 1], which keeps one sample-size or tolerance setting meaningful
across spaces while preserving each space's own geometry:

======  ========  ==========================================  ==============================
space   channels  conversion and native range                 scaling before clustering
======  ========  ==========================================  ==============================
rgb     R, G, B   (input) 0..255                              divided by 255 -> [0, 1]
hsv     H, S, V   H in [0, 360), S and V in [0, 1]            H divided by 360 (H is circular:
                                                              0 and 1 are the same hue, which
                                                              Euclidean clustering ignores)
lab     L, a, b   CIE L*a*b* (D65): L in [0, 100],            all divided by 100, so Euclidean
                  a and b about [-100, 100]                   distance stays proportional to
                                                              CIE76 colour difference
grey    Y         ``skimage.color.rgb2gray`` (Rec. 709 luma)  none ([0, 1])
======  ========  ==========================================  ==============================

HSV and Lab use OpenCV's ``cvtColor`` on float32 input, which is an order of magnitude
faster than scikit-image's ``rgb2hsv``/``rgb2lab`` on large images (``make bench`` case 4
measures both; the figures are in README's Benchmark section) and agrees with them within 3e-5 (HSV)
and 0.5 L*a*b* units (a test checks the agreement).
"""

from __future__ import annotations

import cv2
import numpy as np
from skimage import color

from segsweep.errors import ConfigError

#: Channel names of each colour space, in feature order.
CHANNELS: dict[str, tuple[str, ...]] = {
    "rgb": ("R", "G", "B"),
    "hsv": ("H", "S", "V"),
    "lab": ("L*", "a*", "b*"),
    "grey": ("Y",),
}

SPACES = tuple(CHANNELS)


def to_features(rgb: np.ndarray, space: str) -> np.ndarray:
    """Convert an 8-bit RGB image to scaled features in ``space``.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    space : {"rgb", "hsv", "lab", "grey"}

    Returns
    -------
    ndarray of float32, shape (H, W, C)
        C is 3, or 1 for grey; scaled as described in the module docstring.
    """
    if space not in CHANNELS:
        raise ConfigError(f"spaces: unknown colour space {space!r}; choose from {list(SPACES)}")
    unit = rgb.astype(np.float32) / np.float32(255.0)
    if space == "rgb":
        features = unit
    elif space == "hsv":
        features = cv2.cvtColor(unit, cv2.COLOR_RGB2HSV)
        features[..., 0] /= np.float32(360.0)
    elif space == "lab":
        features = cv2.cvtColor(unit, cv2.COLOR_RGB2Lab) / np.float32(100.0)
    else:
        features = color.rgb2gray(unit)[..., None]
    return np.ascontiguousarray(features, dtype=np.float32)
