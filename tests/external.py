"""Another tool's output for the tests of the ``precomputed`` method: a contour map of an
image written where the method reads it."""

from pathlib import Path

import numpy as np
from scipy.io import savemat


def contour_map(image: np.ndarray) -> np.ndarray:
    """A double-size contour map (``ucm2``'s layout) of ``image`` (H, W, C): between two
    neighbouring pixels the largest channel difference, at a corner the largest of its
    four edges, 0 at the pixel centres. Cut at a level, it gives the regions of pixels
    joined by smaller differences, so a larger level gives fewer regions."""
    image = np.asarray(image, dtype=np.float64)
    height, width = image.shape[:2]
    ucm = np.zeros((2 * height + 1, 2 * width + 1))
    ucm[1:-1:2, 2:-1:2] = np.abs(np.diff(image, axis=1)).max(axis=-1)
    ucm[2:-1:2, 1:-1:2] = np.abs(np.diff(image, axis=0)).max(axis=-1)
    corners = np.zeros_like(ucm)
    for rows, cols in ((slice(1, -1, 2), slice(2, -1, 2)), (slice(2, -1, 2), slice(1, -1, 2))):
        corners[rows, cols] = ucm[rows, cols]
    vertex = np.maximum.reduce([np.roll(corners, shift, axis) for shift, axis in
                                ((1, 0), (-1, 0), (1, 1), (-1, 1))])  # fmt: skip
    ucm[::2, ::2] = vertex[::2, ::2]
    ucm[0, :] = ucm[-1, :] = ucm[:, 0] = ucm[:, -1] = 0
    return ucm / max(ucm.max(), 1e-12)


def write_external(folder: Path, name: str, image: np.ndarray) -> str:
    """Write ``name.mat`` holding the contour map of ``image`` into ``folder``; return the
    folder as the method's ``folder`` parameter."""
    folder.mkdir(parents=True, exist_ok=True)
    savemat(folder / f"{name}.mat", {"ucm2": contour_map(image)})
    return str(folder)
