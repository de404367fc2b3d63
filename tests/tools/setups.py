"""Sweeps of method setups written as in ``config.yaml``, for tests."""

from __future__ import annotations

from collections.abc import Sequence

from segsweep.configuration import method_setup
from segsweep.fit.sweep import sweep


def sweep_as_configured(
    features, setup: dict, ks: Sequence[int], seeds: Sequence[int], sample_size: int | None
):
    """:func:`segsweep.fit.sweep.sweep` of ``setup`` completed as the workflow completes a
    configured one, with top-level ``k: ks``, fitted on ``sample_size`` pixels (None: all)."""
    size = "all" if sample_size is None else sample_size
    return sweep(features, method_setup(setup, ks=list(ks), sample_size=size), seeds)
