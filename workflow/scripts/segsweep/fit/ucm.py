"""Ultrametric contour maps (UCMs, BSDS500's ``ucm2`` layout: double size, contour strength
between and at the corners of pixels) cut at a threshold the way the Berkeley benchmark does:
regions (:func:`ucm_regions`) and boundaries (:func:`ucm_boundaries`, unthinned; the scores
thin every boundary map they are given) of a method that reads another tool's UCM."""

from __future__ import annotations

import numpy as np


def ucm_boundaries(ucm2: np.ndarray, threshold: float) -> np.ndarray:
    """Boundaries of a double-size ultrametric contour map at a threshold, before thinning:
    ``ucm2(3:2:end, 3:2:end) >= threshold``."""
    return np.asarray(ucm2)[2::2, 2::2] >= threshold


def ucm_regions(ucm2: np.ndarray, threshold: float) -> np.ndarray:
    """Region labels of a double-size ultrametric contour map at a threshold:
    ``bwlabel(ucm2 <= threshold)`` (8-connected) sampled at the pixel centres."""
    from skimage.measure import label

    return label(np.asarray(ucm2) <= threshold, connectivity=2)[1::2, 1::2]


def ucm_thresholds(count: int = 99) -> np.ndarray:
    """The benchmark's thresholds of a UCM: ``count`` evenly spaced inside (0, 1)."""
    return np.linspace(1 / (count + 1), 1 - 1 / (count + 1), count)
