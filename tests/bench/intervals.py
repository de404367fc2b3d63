"""Benchmark case 7: do the leaderboard's intervals cover the truth as often as they say?

Synthetic datasets with a known true ODS: each image has a covering (numerator over
denominator, images of different sizes) at each of six swept values, drawn from a
population whose per-value covering is known (computed on two million images), so the true
ODS, the best value's population covering, is known. Each method's 95% interval is
computed on many such datasets of 10, 30 and 100 images, and its coverage is the share of
datasets whose interval holds the true ODS (90-98% is near-nominal); "holds its estimate"
is the share that contain their own estimate.

Methods compared:

- ``segsweep``: the leaderboard's own intervals
  (:func:`segsweep.tables.uncertainty.score_intervals`: at the value ODS chose, the ratio
  estimator's Student-t interval);
- ``percentile, re-chosen``: the percentile bootstrap of the whole ODS, choosing the value
  again in each resample (what the leaderboard did before), and ``BCa, re-chosen``;
- ``percentile, at chosen value`` and ``BCa, at chosen value``: bootstraps of the covering at
  the value ODS chose (``scipy.stats.bootstrap``).

Scenarios: ``peak`` (one clear best value, images differ in quality), ``tie`` (two equally
good values), ``disagree`` (each image has its own best value, images differ) and
``alternate`` (each image its own best value, images alike: where a maximum's bias shows).
"""

from __future__ import annotations

import warnings

import numpy as np

SCENARIOS = ("peak", "tie", "disagree", "alternate")
SIZES = (10, 30, 100)
N_VALUES = 6


def population(scenario: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Covering numerators and denominators of ``n`` images x :data:`N_VALUES` values."""
    values = np.arange(N_VALUES)
    quality = rng.normal(0.55, 0.1, (n, 1))
    size = rng.lognormal(0, 0.3, (n, 1)) * 1000
    own = rng.integers(0, N_VALUES, (n, 1))
    if scenario == "peak":
        shape = -0.04 * np.abs(values - 2) + rng.normal(0, 0.03, (n, N_VALUES))
    elif scenario == "tie":
        shape = np.array([-0.1, -0.02, 0, 0, -0.02, -0.1]) + rng.normal(0, 0.03, (n, N_VALUES))
    elif scenario == "disagree":
        shape = (-0.02 * np.abs(values - 2.5) - 0.06 * np.abs(values - own)
                 + rng.normal(0, 0.02, (n, N_VALUES)))  # fmt: skip
    else:  # alternate
        quality = rng.normal(0.55, 0.01, (n, 1))
        shape = -0.08 * np.abs(values - own) + rng.normal(0, 0.01, (n, N_VALUES))
    covering = np.clip(quality + shape, 0, 1)
    return covering * size, np.broadcast_to(size, covering.shape).copy()


def true_ods(scenario: str) -> float:
    """The population's best covering over the values (two million images)."""
    numerators, denominators = population(scenario, 2_000_000, np.random.default_rng(12345))
    return float((numerators.sum(axis=0) / denominators.sum(axis=0)).max())


def entry_of(numerators: np.ndarray, denominators: np.ndarray):
    """A leaderboard entry holding these coverings (other scores alike, unused)."""
    from segsweep.tables.uncertainty import EntryScores

    matrices = {"cover_num": numerators, "cover_den": denominators}
    covering = numerators / denominators
    matrices |= {"rand": covering, "vi": 2 - covering, "ari": covering}
    images = [f"i{i}" for i in range(len(numerators))]
    return EntryScores(images, np.arange(N_VALUES, dtype=float), matrices)


def bootstrap_interval(numerators, denominators, method: str, rechoose: bool):
    """A scipy bootstrap interval of covering ODS: chosen again per resample, or at the
    value chosen on the whole dataset."""
    from scipy.stats import bootstrap

    column = int(np.argmax(numerators.sum(axis=0) / denominators.sum(axis=0)))

    def statistic(rows, axis=-1):
        if rechoose:
            sums = numerators[rows].sum(axis=-2) / denominators[rows].sum(axis=-2)
            return sums.max(axis=-1)
        return numerators[rows, column].sum(axis=-1) / denominators[rows, column].sum(axis=-1)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interval = bootstrap((np.arange(len(numerators)),), statistic, vectorized=True,
                             n_resamples=999, method=method,
                             rng=np.random.default_rng(0)).confidence_interval  # fmt: skip
    return float(interval.low), float(interval.high)


METHODS = {
    "segsweep (t interval at chosen value)": None,
    "percentile, re-chosen": ("percentile", True),
    "BCa, re-chosen": ("BCa", True),
    "percentile, at chosen value": ("percentile", False),
    "BCa, at chosen value": ("BCa", False),
}


def coverage(scenario: str, n: int, datasets: int, truth: float) -> dict[str, tuple]:
    """Per method: (share of datasets whose interval holds the truth, share holding their
    own estimate)."""
    from segsweep.tables.uncertainty import dataset_scores, score_intervals

    hits = {name: [0, 0] for name in METHODS}
    for dataset in range(datasets):
        numerators, denominators = population(scenario, n, np.random.default_rng(dataset))
        estimate = float((numerators.sum(axis=0) / denominators.sum(axis=0)).max())
        for name, how in METHODS.items():
            if how is None:
                entry = entry_of(numerators, denominators)
                assert dataset_scores(entry)["covering_ods"] == estimate
                low, high = score_intervals(entry)["covering_ods"]
            else:
                low, high = bootstrap_interval(numerators, denominators, *how)
            hits[name][0] += low <= truth <= high
            hits[name][1] += low <= estimate <= high
    return {name: (a / datasets, b / datasets) for name, (a, b) in hits.items()}


def interval_rows(repeats: int, quick: bool) -> list[str]:
    """Case 7 as rows of the benchmark table, one per (scenario, size)."""
    datasets = 100 if quick else 1000
    rows = []
    for scenario in SCENARIOS:
        truth = true_ods(scenario)
        for n in SIZES:
            result = coverage(scenario, n, datasets, truth)
            ours = result["segsweep (t interval at chosen value)"][0]
            others = "; ".join(f"{name} {cover:.1%}" for name, (cover, _) in result.items()
                               if name.startswith(("percentile", "BCa")))  # fmt: skip
            held = min(held for _, held in result.values())
            rows.append(
                f"| 7. 95% interval coverage of the true ODS, {scenario}, {n} images, "
                f"{datasets} datasets | | | | | | segsweep {ours:.1%}; {others}; every method "
                f"holds its estimate in at least {held:.1%} | 90-98% | "
                f"{'yes' if 0.90 <= ours <= 0.98 else 'NO'} |"
            )
    return rows
