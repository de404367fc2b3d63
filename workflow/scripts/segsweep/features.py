"""Colour spaces: turn an RGB image into the per-pixel features that get clustered.

All conversions use scikit-image and return float32 arrays of shape (H, W, C). Each space is
scaled so its channels span roughly [0, 1], which keeps one sample-size or tolerance setting
meaningful across spaces while preserving each space's own geometry:

======  ========  ==========================================  ==============================
space   channels  scikit-image function and native range      scaling before clustering
======  ========  ==========================================  ==============================
rgb     R, G, B   (input) 0..255                              divided by 255 -> [0, 1]
hsv     H, S, V   ``rgb2hsv``: each in [0, 1]                 none (H is circular: 0 and 1
                                                              are the same hue, which plain
                                                              Euclidean clustering ignores)
lab     L, a, b   ``rgb2lab`` (D65): L in [0, 100],           all divided by 100, so Euclidean
                  a and b about [-100, 100]                   distance stays proportional to
                                                              CIE76 colour difference
grey    Y         ``rgb2gray`` (Rec. 709 luma): [0, 1]        none
======  ========  ==========================================  ==============================
"""

from __future__ import annotations

import numpy as np
from skimage import color

from segsweep.errors import ConfigError
from segsweep.storage import atomic_path

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
        features = color.rgb2hsv(unit)
    elif space == "lab":
        features = color.rgb2lab(unit) / 100.0
    else:
        features = color.rgb2gray(unit)[..., None]
    return np.ascontiguousarray(features, dtype=np.float32)


def save_features(path, features: np.ndarray) -> None:
    """Write a feature array as ``.npy``, atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.save(handle, features, allow_pickle=False)


def load_features(path) -> np.ndarray:
    """Read a feature array written by :func:`save_features`."""
    return np.load(path, allow_pickle=False)


def main(snakemake) -> None:
    """Snakemake entry: convert ``input.image`` to ``output.features`` in ``wildcards.space``."""
    from segsweep.ingest import read_rgb

    features = to_features(read_rgb(snakemake.input.image), snakemake.wildcards.space)
    save_features(snakemake.output.features, features)
