"""Weak-boundary merging to one threshold, run directly with scikit-image.

The reference that :class:`segsweep.postprocess.BoundaryHierarchy` must equal at every
threshold (tests/test_postprocess.py) and is timed against (benchmark case 6): it builds the
boundary graph and merges anew for each threshold, as ``merge_weak_boundaries`` did before
the hierarchy.
"""

from __future__ import annotations

import numpy as np
from skimage import graph

from segsweep.postprocess import _boundary_weight, colour_gradient


def merge_to_threshold(features: np.ndarray, labels: np.ndarray, threshold: float) -> np.ndarray:
    """``merge_hierarchical`` on the ``rag_boundary`` graph of ``labels``, stopped at the
    first boundary at or above ``threshold``; returns its labels (not canonical)."""
    rag = graph.rag_boundary(labels, colour_gradient(features))
    return graph.merge_hierarchical(
        labels, rag, threshold, rag_copy=False, in_place_merge=True,
        merge_func=lambda rag, src, dst: None,  # only the edges carry data
        weight_func=_boundary_weight,
    )  # fmt: skip
