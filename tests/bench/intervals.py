"""Coverage study: do the leaderboard's 95% intervals hold the truth 95% of the time?

Every interval the leaderboard prints is checked: covering, PRI, VI and ARI at ODS and at
OIS, and boundary F at ODS and OIS and the average precision (AP) of the precision-recall
curve. Each synthetic dataset is an entry's per-image scores at :data:`N_VALUES` swept
values, drawn from a model (:func:`population`) that keeps what real images have:

- each image has its own curve over the swept values (its own best value, its own quality,
  its own size), so ODS, chosen on the data, and OIS, chosen per image, differ;
- the region scores move together (PRI, VI and ARI follow covering with their own noise),
  as they do on one segmentation;
- boundary counts are counts: an image has its own number of annotation boundary pixels,
  its segmentation more boundary pixels at larger values (more regions), recall rising and
  precision falling with them, each pixel matched or not (binomial).

The truth of each score is its value on a population of :data:`POPULATION` images from the
same model (ODS: the best value's score; OIS: the mean, or ratio of sums, of each image's
own best), computed with the leaderboard's own function
(:func:`segsweep.tables.uncertainty.dataset_scores`). A 95% interval's coverage is the share
of datasets whose interval (:func:`segsweep.tables.uncertainty.score_intervals`, exactly as
the leaderboard computes it) holds the truth; with 1000 datasets its standard error is
0.7%, so 90-98% is near-nominal.

Scenarios: ``peak`` (one clear best value, images differ in quality), ``tie`` (two equally
good values), ``disagree`` (each image has its own best value, images differ) and
``alternate`` (each image its own best value, images alike: where a maximum's bias shows).

For covering ODS the study also compares bootstrap intervals (``scipy.stats.bootstrap``),
percentile and BCa, choosing the value again in each resample or at the chosen value.

**On real images** (``--fits results/tables/fits.csv``): the population is a run's own
images, each with its real scores at every swept value, for every entry of the run
(seed-averaged as the leaderboard does); a dataset is drawn from them with replacement, and
the truth is the entry's score on all of them. Nothing about the images is modelled.

``python -m bench.intervals [--datasets N] [--fits FILE]`` (``make coverage-study``) prints
the tables of docs/bsds500.md; ``make bench`` runs a quick synthetic version as its case 7.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np

SCENARIOS = ("peak", "tie", "disagree", "alternate")
SIZES = (10, 30, 100)
N_VALUES = 6
#: Images the truth is computed on.
POPULATION = 400_000
#: Acceptable coverage of a 95% interval over 1000 datasets.
NEAR_NOMINAL = (0.90, 0.98)


def _region_shape(scenario: str, n: int, rng: np.random.Generator):
    """Per-image quality (n, 1) and curve over the values (n, N_VALUES) of covering."""
    values = np.arange(N_VALUES)
    quality = rng.normal(0.55, 0.1, (n, 1))
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
    return quality, shape


def _boundary_counts(scenario: str, size: np.ndarray, rng: np.random.Generator):
    """Boundary counts (matched truth, truth, matched machine, machine) of ``n`` images at
    every value, each (n, N_VALUES): a segmentation's boundary pixels grow with the value
    (more regions); recall rises and precision falls with their density against the
    annotations' boundary pixels, from each image's own ceiling and position."""
    n = len(size)
    truth = np.rint(size * rng.uniform(0.05, 0.12, (n, 1))).astype(np.int64)
    # the spread of each image's position sets how much an image's boundary pixels vary
    # against its truth's at one value: a standard deviation of log(machine / truth) of 0.36
    # to 0.54, as on BSDS500's test images (0.35 to 0.64 per entry and value, bsds500-all)
    spread = {"peak": 0.8, "tie": 1.0, "disagree": 1.2, "alternate": 1.2}[scenario]
    alike = scenario == "alternate"
    position = rng.normal(0.0, spread, (n, 1))
    ceiling_recall = 0.9 if alike else rng.uniform(0.7, 0.98, (n, 1))
    ceiling_precision = 0.8 if alike else rng.uniform(0.55, 0.95, (n, 1))
    density = 0.8 * np.exp(0.45 * (np.arange(N_VALUES) - N_VALUES / 2 + 0.5 - position))
    machine = np.maximum(np.rint(truth * density), 1).astype(np.int64)
    recall = ceiling_recall * (1 - np.exp(-1.6 * density))
    precision = ceiling_precision * np.exp(-0.3 * density)
    truth = np.broadcast_to(truth, machine.shape)
    return (rng.binomial(truth, recall).astype(float), truth.astype(float),
            rng.binomial(machine, precision).astype(float), machine.astype(float))  # fmt: skip


def population(scenario: str, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The per-image score matrices (n images x :data:`N_VALUES` values) of one entry, as
    :class:`~segsweep.tables.uncertainty.EntryScores` holds them."""
    quality, shape = _region_shape(scenario, n, rng)
    size = rng.lognormal(0, 0.3, (n, 1)) * 1000
    covering = np.clip(quality + shape, 0, 1)
    noise = rng.normal(0, 1, (3, n, N_VALUES))
    matrices = {
        "cover_num": covering * size,
        "cover_den": np.broadcast_to(size, covering.shape).copy(),
        "rand": np.clip(0.45 + 0.55 * covering + 0.02 * noise[0], 0, 1),
        "vi": np.maximum(3.6 - 3.2 * covering + 0.05 * noise[1], 0),
        "ari": np.clip(covering - 0.1 + 0.03 * noise[2], -1, 1),
    }
    columns = ("bdry_matched_truth", "bdry_truth", "bdry_matched", "bdry_pixels")
    return matrices | dict(zip(columns, _boundary_counts(scenario, size, rng), strict=True))


def entry_of(matrices: dict[str, np.ndarray]):
    """A leaderboard entry holding these score matrices."""
    from segsweep.tables.uncertainty import EntryScores

    n = len(next(iter(matrices.values())))
    return EntryScores([f"i{i}" for i in range(n)], np.arange(N_VALUES, dtype=float), matrices)


def true_scores(scenario: str) -> dict[str, float]:
    """Every interval score of the leaderboard on :data:`POPULATION` images of the model."""
    from segsweep.tables.uncertainty import INTERVAL_SCORES, dataset_scores

    entry = entry_of(population(scenario, POPULATION, np.random.default_rng(12345)))
    scores = dataset_scores(entry)
    return {score: scores[score] for score in INTERVAL_SCORES}


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


#: The bootstrap intervals of covering ODS compared with the leaderboard's.
ALTERNATIVES = {
    "percentile, re-chosen": ("percentile", True),
    "BCa, re-chosen": ("BCa", True),
    "percentile, at chosen value": ("percentile", False),
    "BCa, at chosen value": ("BCa", False),
}


#: The boundary counts: an entry of these alone has the curve's intervals only.
CURVE_COLUMNS = ("bdry_matched_truth", "bdry_truth", "bdry_matched", "bdry_pixels")


def coverage(
    scenario: str, n: int, datasets: int, truth: dict[str, float], alternatives: bool = True
) -> dict[str, float]:
    """Share of ``datasets`` datasets of ``n`` images whose interval holds the truth: every
    leaderboard interval of ``truth`` by its score's name, and (with ``alternatives``) the
    bootstrap intervals of covering ODS by their names. With the boundary scores alone in
    ``truth``, the datasets hold their boundary counts alone (the same draws)."""
    from segsweep.tables.uncertainty import dataset_scores, score_intervals

    hits = dict.fromkeys([*truth, *(ALTERNATIVES if alternatives else ())], 0)
    curve_only = all(score.startswith("boundary_f_") for score in truth)
    for dataset in range(datasets):
        matrices = population(scenario, n, np.random.default_rng(dataset))
        if curve_only:
            matrices = {column: matrices[column] for column in CURVE_COLUMNS}
        entry = entry_of(matrices)
        intervals = score_intervals(entry)
        estimates = dataset_scores(entry)
        for score, true_value in truth.items():
            low, high = intervals[score]
            assert low <= estimates[score] <= high, (score, low, estimates[score], high)
            hits[score] += low <= true_value <= high
        for name, how in ALTERNATIVES.items() if alternatives else ():
            low, high = bootstrap_interval(matrices["cover_num"], matrices["cover_den"], *how)
            hits[name] += low <= truth["covering_ods"] <= high
    return {name: count / datasets for name, count in hits.items()}


def study(
    datasets: int, alternatives: bool = True, scenarios=SCENARIOS, curve_only: bool = False
) -> dict[tuple[str, int], dict[str, float]]:
    """Coverage of every interval in every scenario and size (with ``curve_only``, of the
    boundary F and AP intervals alone)."""
    results = {}
    for scenario in scenarios:
        truth = true_scores(scenario)
        if curve_only:
            truth = {score: value for score, value in truth.items()
                     if score.startswith("boundary_f_")}  # fmt: skip
        for n in SIZES:
            results[(scenario, n)] = coverage(scenario, n, datasets, truth, alternatives)
    return results


def near_nominal(share: float) -> bool:
    return NEAR_NOMINAL[0] <= share <= NEAR_NOMINAL[1]


def coverage_table(results: dict[tuple[str, int], dict[str, float]]) -> str:
    """Markdown: one row per interval, one column per size, the lowest and highest coverage
    over the scenarios in each cell."""
    from segsweep.tables.uncertainty import INTERVAL_SCORES

    lines = ["| interval | " + " | ".join(f"{n} images" for n in SIZES) + " | near-nominal |",
             "|---" * (len(SIZES) + 2) + "|"]  # fmt: skip
    for score in (s for s in INTERVAL_SCORES if s in next(iter(results.values()))):
        cells, met = [], True
        for n in SIZES:
            shares = [results[(scenario, n)][score] for scenario in SCENARIOS]
            met &= all(near_nominal(share) for share in shares)
            cells.append(f"{min(shares):.1%} - {max(shares):.1%}")
        lines.append(f"| `{score}` | " + " | ".join(cells) + f" | {'yes' if met else 'NO'} |")
    return "\n".join(lines) + "\n"


def curve_table(results: dict[tuple[str, int], dict[str, float]]) -> str:
    """Markdown: each curve interval's coverage per scenario and size."""
    names = list(next(iter(results.values())))
    lines = ["| scenario | images | " + " | ".join(f"`{name}`" for name in names) + " |",
             "|---" * (len(names) + 2) + "|"]  # fmt: skip
    for (scenario, n), shares in results.items():
        lines.append(
            f"| {scenario} | {n} | " + " | ".join(f"{shares[m]:.1%}" for m in names) + " |"
        )
    return "\n".join(lines) + "\n"


def scenario_table(results: dict[tuple[str, int], dict[str, float]]) -> str:
    """Markdown: covering ODS per scenario and size, the leaderboard's interval beside the
    bootstrap alternatives."""
    names = ["covering_ods", *ALTERNATIVES]
    lines = ["| scenario | images | " + " | ".join(names) + " |",
             "|---" * (len(names) + 2) + "|"]  # fmt: skip
    for (scenario, n), shares in results.items():
        cells = [f"{shares[name]:.1%}" if name in shares else "" for name in names]
        lines.append(f"| {scenario} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def real_entries(fits_csv: str) -> dict[str, dict[str, np.ndarray]]:
    """Every entry of a run's fits table with ground truth: ``space/method`` -> its score
    matrices over all its images (seed-averaged, as the leaderboard reads them)."""
    from segsweep.store.files import read_csv
    from segsweep.tables.leaderboard import seed_averaged
    from segsweep.tables.uncertainty import EntryScores

    entries = {}
    for (space, method), rows in seed_averaged(read_csv(fits_csv)).groupby(["space", "method"]):
        entry = EntryScores.from_table(rows)
        entries[f"{space}/{method}"] = (entry.values, entry.matrices)
    return entries


def real_coverage(values, matrices, n: int, datasets: int) -> dict[str, float]:
    """Coverage of every leaderboard interval of one real entry: datasets of ``n`` of its
    images drawn with replacement, the truth its scores on all of them."""
    from segsweep.tables.uncertainty import EntryScores, dataset_scores, score_intervals

    def entry(rows):
        picked = {name: matrix[rows] for name, matrix in matrices.items()}
        return EntryScores([f"i{row}" for row in rows], values, picked)

    everything = np.arange(len(next(iter(matrices.values()))))
    truth = dataset_scores(entry(everything))
    hits: dict[str, int] = {}
    for dataset in range(datasets):
        rows = np.random.default_rng(dataset).choice(everything, size=n, replace=True)
        for score, (low, high) in score_intervals(entry(rows)).items():
            hits[score] = hits.get(score, 0) + (low <= truth[score] <= high)
    return {score: count / datasets for score, count in hits.items()}


def real_table(fits_csv: str, datasets: int, names: list[str] | None = None) -> str:
    """Markdown: one row per interval, one column per size, the lowest and highest coverage
    over the run's entries (those ``names``, ``space/method``, when given) in each cell."""
    from segsweep.tables.uncertainty import INTERVAL_SCORES

    entries = real_entries(fits_csv)
    if names:
        unknown = sorted(set(names) - set(entries))
        if unknown:
            raise SystemExit(f"--entries: {', '.join(unknown)} not in {fits_csv} "
                             f"(it has {', '.join(sorted(entries))})")  # fmt: skip
        entries = {name: entries[name] for name in names}
    results = {(name, n): real_coverage(values, matrices, n, datasets)
               for name, (values, matrices) in entries.items() for n in SIZES}  # fmt: skip
    lines = ["| interval | " + " | ".join(f"{n} images" for n in SIZES) + " | near-nominal |",
             "|---" * (len(SIZES) + 2) + "|"]  # fmt: skip
    for score in (s for s in INTERVAL_SCORES if s in next(iter(results.values()))):
        cells, met = [], True
        for n in SIZES:
            shares = {name: results[(name, n)][score] for name in entries
                      if score in results[(name, n)]}  # fmt: skip
            if not shares:
                cells.append("")
                continue
            low = min(shares, key=shares.get)
            met &= all(near_nominal(share) for share in shares.values())
            cells.append(f"{shares[low]:.1%} ({low}) - {max(shares.values()):.1%}")
        lines.append(f"| `{score}` | " + " | ".join(cells) + f" | {'yes' if met else 'NO'} |")
    return (
        f"{len(entries)} entries of {fits_csv}, {datasets} datasets per entry and size; "
        "each cell: the lowest coverage (its entry) - the highest\n\n" + "\n".join(lines) + "\n"
    )


def interval_rows(repeats: int, quick: bool) -> list[str]:
    """Case 7 of ``make bench``: one row per (scenario, size), the lowest coverage of any
    leaderboard interval."""
    datasets = 100 if quick else 1000
    rows = []
    for (scenario, n), shares in study(datasets, alternatives=False).items():
        score = min(shares, key=shares.get)
        met = all(near_nominal(share) for share in shares.values())
        rows.append(
            f"| 7. 95% interval coverage of every leaderboard score, {scenario}, {n} images, "
            f"{datasets} datasets | | | | | | lowest: {score} {shares[score]:.1%} | 90-98% | "
            f"{'yes' if met else 'NO'} |"
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m bench.intervals [--datasets N] [--out FILE]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000, help="datasets per cell")
    parser.add_argument("--out", default="results/bench/coverage.md")
    parser.add_argument("--fits", help="a run's fits table: resample its real images instead")
    parser.add_argument(
        "--entries",
        nargs="+",
        metavar="SPACE/METHOD",
        help="with --fits: these entries only (default: every one)",
    )
    parser.add_argument("--curve-only", action="store_true",
                        help="synthetic: boundary F at ODS and OIS and AP only")  # fmt: skip
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.fits:
        table = real_table(args.fits, args.datasets, args.entries)
        minutes = (time.perf_counter() - start) / 60
        text = (
            f"# Coverage of the leaderboard's 95% intervals on real images "
            f"({time.strftime('%Y-%m-%d %H:%M')}, {minutes:.0f} min)\n\n{table}"
        )
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        print(text)
        return
    results = study(args.datasets, alternatives=not args.curve_only, curve_only=args.curve_only)
    minutes = (time.perf_counter() - start) / 60
    text = (
        f"# Coverage of the leaderboard's 95% intervals ({time.strftime('%Y-%m-%d %H:%M')}, "
        f"{args.datasets} datasets per cell, {minutes:.0f} min)\n\n"
        f"Lowest - highest coverage over the scenarios {', '.join(SCENARIOS)}:\n\n"
        f"{coverage_table(results)}"
    )
    if args.curve_only:
        text += "\nPer scenario:\n\n" + curve_table(results)
    else:
        text += (f"\nCovering ODS per scenario, beside bootstrap intervals:\n\n"
                 f"{scenario_table(results)}")  # fmt: skip
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
