"""Choosing k: the elbow (knee) rule and the k each criterion picks; the tidy tables of a
run (which segmentation a figure shows is :mod:`segsweep.figures.choice`'s decision).

**Knee rule.** For a decreasing curve such as inertia against k, both axes are scaled to
[0, 1] and the knee is the k whose point lies farthest below the straight line joining the
first and last points (the "kneedle" idea of Satopaa et al. 2011, without smoothing). With
fewer than three values of k there is no knee and the smallest k is returned.

**Seeds.** Each criterion is averaged over seeds for every k before picking. Only methods
swept over k get picks (``parameter`` is ``k``), and only when fitted at two k or more; the
criteria choose a number of clusters, not a method's own scale.

The criteria, their columns and rules are the registry's
(:data:`segsweep.score.measures.CRITERIA`): ``elbow`` (knee of inertia), ``bic`` and ``aic``
(lowest; mixtures only), ``silhouette`` and ``calinski_harabasz`` (highest),
``davies_bouldin`` (lowest).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from segsweep.score.measures import pick_criteria

#: criterion name -> (fits-table column, rule), from the registry of measures
CRITERIA: dict[str, tuple[str, str]] = pick_criteria()

GROUP = ["image", "space", "method"]


def _knee_of(series: pd.Series) -> float:
    return knee(series.index.to_numpy(), series.to_numpy())


#: How each rule of :data:`CRITERIA` picks k from a criterion's values indexed by k.
RULES = {"knee": _knee_of, "min": pd.Series.idxmin, "max": pd.Series.idxmax}


def knee(ks: Sequence[float], values: Sequence[float]) -> float:
    """Return the k at the knee of a decreasing curve (see module docstring).

    Parameters
    ----------
    ks : sequence of numbers, increasing
    values : sequence of numbers, same length

    Returns
    -------
    The element of ``ks`` at the knee.
    """
    ks = np.asarray(ks, dtype=float)
    values = np.asarray(values, dtype=float)
    if len(ks) < 3:
        return ks[0]
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    span = values[0] - values[-1]
    y = (values - values[-1]) / span if span > 0 else np.zeros_like(values)
    # Distance below the chord from (0, 1) to (1, 0) is proportional to 1 - x - y.
    return ks[int(np.argmax(1.0 - x - y))]


def pick_k(fits: pd.DataFrame) -> pd.DataFrame:
    """The k each criterion picks for every (image, space, method).

    Parameters
    ----------
    fits : DataFrame
        Columns ``image, space, method, parameter, value, seed`` and the criteria columns
        of :data:`CRITERIA` (missing columns or all-NaN criteria are skipped).

    Returns
    -------
    DataFrame
        Columns ``image, space, method, criterion, k, value`` (value: the seed-averaged
        criterion at the picked k), sorted.
    """
    rows = []
    for keys, group in fits[fits["parameter"] == "k"].groupby(GROUP, sort=True):
        per_k = group.groupby("value").mean(numeric_only=True).sort_index()
        if len(per_k) < 2:
            continue  # one k: nothing to choose
        for criterion, (column, rule) in CRITERIA.items():
            if column not in per_k or per_k[column].isna().all():
                continue
            series = per_k[column].dropna()
            k = RULES[rule](series)
            rows.append(
                dict(
                    zip(GROUP, keys, strict=True),
                    criterion=criterion,
                    k=int(k),
                    value=float(series.loc[k]),
                )
            )
    return pd.DataFrame(rows, columns=[*GROUP, "criterion", "k", "value"])


def merge_tables(fits: list[pd.DataFrame], measures: list[pd.DataFrame] | None = None):
    """Join per-job tables into one tidy table: the segment jobs' fits, each row beside its
    criteria and scores from the measure jobs (when given), sorted by image, space, method,
    value and seed. Score columns are empty for images without ground truth."""
    keys = [*GROUP, "value", "seed"]
    table = pd.concat(fits, ignore_index=True)
    if measures is not None:
        measured = pd.concat(measures, ignore_index=True)
        table = table.merge(measured, on=keys, how="left", validate="one_to_one")
    return table.sort_values(keys, kind="stable").reset_index(drop=True)


def main(snakemake) -> None:
    """Snakemake entry: write the tidy fits table, the picked-k table and the timings."""
    from segsweep.store.files import read_csv, write_csv

    inputs = snakemake.input
    fits = merge_tables([read_csv(path) for path in inputs.fits],
                        [read_csv(path) for path in inputs.measures])  # fmt: skip
    timings = merge_tables([read_csv(path) for path in inputs.timings],
                           [read_csv(path) for path in inputs.measure_timings])  # fmt: skip
    write_csv(snakemake.output.fits, fits)
    write_csv(snakemake.output.picks, pick_k(fits))
    write_csv(snakemake.output.timings, timings)
