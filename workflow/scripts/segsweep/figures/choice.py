"""Which segmentation a figure shows: the k the config names, else the elbow's pick (the
nearest fitted value where that k was not fitted), or the middle of a grid swept over a
parameter other than k. Decisions of the figures, kept apart from the tables."""

from __future__ import annotations

import numpy as np
import pandas as pd


def chosen_value(
    picks: pd.DataFrame, space: str, method: str, configured: int | None, parameter: str = "k"
) -> int | None:
    """k to draw for one (space, method) of an image: ``configured``, else the elbow's pick;
    None for a method swept over a parameter of its own (see :func:`chosen_map`)."""
    if parameter != "k":
        return None
    if configured is not None:
        return configured
    rows = picks[(picks["space"] == space) & (picks["method"] == method)]
    elbow = rows[rows["criterion"] == "elbow"]["k"]
    return int(elbow.iloc[0]) if len(elbow) else None


def chosen_map(
    by_value: dict[float, np.ndarray],
    picks: pd.DataFrame,
    space: str,
    method: str,
    configured: int | None,
    parameter: str = "k",
) -> tuple[float, np.ndarray]:
    """(value, label map) to draw: the k of :func:`chosen_value` or the nearest fitted k
    where that k was not fitted (a method with a largest k); for a method swept over a
    parameter of its own, the middle value of its grid (the lower of two)."""
    wanted = chosen_value(picks, space, method, configured, parameter)
    if wanted is None:
        values = sorted(by_value)
        wanted = values[(len(values) - 1) // 2]
    value = nearest_fitted(by_value, wanted)
    return value, by_value[value]


def nearest_fitted(by_value: dict, value: float) -> float:
    """``value`` if it was fitted, else the nearest fitted value (the smaller on a tie)."""
    if value in by_value:
        return value
    return min(by_value, key=lambda fitted: (abs(fitted - value), fitted))
