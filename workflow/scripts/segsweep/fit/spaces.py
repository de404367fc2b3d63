"""Colour spaces: turn an RGB image into the per-pixel features that get clustered.

:data:`SPACES` is the registry: each :class:`ColourSpace` declares its name, channel names,
the range of its scaled features and its conversion; the schema's list of spaces, the
figures' axes and the docs follow it (tests check). Adding a space is one entry here.

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
measures both; docs/benchmark.md has the figures) and agrees with them within 3e-5
(HSV) and 0.5 L*a*b* units (a test checks the agreement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from segsweep.errors import ConfigError


@dataclass(frozen=True)
class ColourSpace:
    """One colour space of the registry.

    Attributes
    ----------
    name : str
        Its name in the config's ``spaces``.
    channels : tuple of str
        Channel names, in feature order.
    ranges : tuple of (float, float)
        The range of each scaled channel.
    convert : callable
        ``convert(unit)``: features (H, W, C) of an RGB image scaled to [0, 1] (float32).
    """

    name: str
    channels: tuple[str, ...]
    ranges: tuple[tuple[float, float], ...]
    convert: Callable[[np.ndarray], np.ndarray]


def _hsv(unit: np.ndarray) -> np.ndarray:
    import cv2

    features = cv2.cvtColor(unit, cv2.COLOR_RGB2HSV)
    features[..., 0] /= np.float32(360.0)
    return features


def _lab(unit: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(unit, cv2.COLOR_RGB2Lab) / np.float32(100.0)


def _grey(unit: np.ndarray) -> np.ndarray:
    from skimage import color

    return color.rgb2gray(unit)[..., None]


#: The registry of colour spaces, by name (the order ``make`` and the docs list them).
SPACES: dict[str, ColourSpace] = {
    space.name: space
    for space in (
        ColourSpace("rgb", ("R", "G", "B"), ((0.0, 1.0),) * 3, lambda unit: unit),
        ColourSpace("hsv", ("H", "S", "V"), ((0.0, 1.0),) * 3, _hsv),
        # a* and b* reach these extremes within the sRGB gamut
        ColourSpace("lab", ("L*", "a*", "b*"), ((0.0, 1.0), (-0.87, 0.99), (-1.08, 0.95)), _lab),
        ColourSpace("grey", ("Y",), ((0.0, 1.0),), _grey),
    )
}

#: Channel names of each colour space, in feature order.
CHANNELS: dict[str, tuple[str, ...]] = {name: space.channels for name, space in SPACES.items()}


def to_features(rgb: np.ndarray, space: str) -> np.ndarray:
    """Convert an 8-bit RGB image to scaled features in ``space``.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    space : str
        A name of :data:`SPACES`.

    Returns
    -------
    ndarray of float32, shape (H, W, C)
        C channels of the space, scaled as described in the module docstring.
    """
    if space not in SPACES:
        raise ConfigError(f"spaces: unknown colour space {space!r}; choose from {list(SPACES)}")
    unit = rgb.astype(np.float32) / np.float32(255.0)
    return np.ascontiguousarray(SPACES[space].convert(unit), dtype=np.float32)
