"""How far to trust a leaderboard: intervals over images, paired tests, ranks and seeds.

Each leaderboard entry (colour space, method) is held as score matrices, images x values of
its swept parameter (k or the method's own), averaged over seeds (:class:`EntryScores`). From them:

- :func:`dataset_scores`: the Berkeley benchmark's ODS and OIS of covering, PRI and VI
  (:func:`segsweep.score.benchmark.ods_ois_matrices`) and of the adjusted Rand index;
- :func:`score_intervals`: an interval over images for every score, **at the value ODS
  chose** (and at each image's OIS value): each region score is a ratio of sums over images
  (:func:`per_image_terms`; a mean is a ratio with denominators 1), and its interval is the
  studentized bootstrap (bootstrap-t) interval with the ratio estimator's standard error
  (Cochran, *Sampling Techniques*, 1977, 6.3; :func:`ratio_interval`), which always
  contains the estimate; boundary F at ODS and OIS, pooled over images, takes the same kind
  of interval with F's delta-method standard error, and AP a t interval around its
  bootstrap standard error (:func:`curve_intervals`);
- :func:`choice_stability`: how often ODS chooses the same value when the images are
  resampled (``scipy.stats.bootstrap``, seeded): the uncertainty of the choice, reported
  beside the interval rather than folded into it.

Why not a bootstrap of the whole ODS, choosing the value again in each resample, as before?
ODS is a maximum over the swept values, so that bootstrap leans upward: on images that
disagree about the best value its percentile interval can lie above the estimate, and it
covered the true ODS of synthetic datasets only 80% of the time at 10 images (BCa: 85%).
Every interval printed has its coverage measured at 10, 30 and 100 images, on synthetic
datasets and on a run's own images resampled (``make coverage-study``; the tables are in
docs/bsds500.md, "How far to trust the leaderboard");
- :func:`paired_tests`: each entry against the top one on the same images, Wilcoxon
  signed-rank test of per-image covering at each entry's own ODS value, Holm-corrected across
  entries (``statsmodels``);
- :func:`mean_ranks`, :func:`critical_difference`, :func:`groups_not_different`: the
  critical-difference rank plot of Demsar (2006);
- :func:`seed_spread`: min, median and max over seeds of the covering ODS.

pandas and scipy are imported inside the functions: the workflow's parse path reads only
the thresholds below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from segsweep.score import boundaries
from segsweep.score.benchmark import mean_ods_ois, ratio_ods_ois
from segsweep.score.measures import interval_scores, leaderboard_measures, per_image_columns

if TYPE_CHECKING:
    import pandas as pd

#: Per-image score columns an entry is summarised from (``rand`` is the PRI of a fit), from
#: the registry of measures.
SCORES = tuple(per_image_columns())

#: Dataset-level scores of the leaderboard, each with an interval (:func:`score_intervals`).
INTERVAL_SCORES = tuple(interval_scores())

#: Fewest images with ground truth for intervals and paired tests.
MIN_IMAGES = 3
#: Fewest images and entries for the rank plot.
MIN_IMAGES_FOR_RANKS = 5
MIN_ENTRIES_FOR_RANKS = 3


def ranks_are_drawn(n_images: int, n_entries: int) -> bool:
    """Whether the critical-difference rank plot is drawn: with at least
    :data:`MIN_IMAGES_FOR_RANKS` images with ground truth and :data:`MIN_ENTRIES_FOR_RANKS`
    entries (fewer say nothing about ranks)."""
    return n_images >= MIN_IMAGES_FOR_RANKS and n_entries >= MIN_ENTRIES_FOR_RANKS


TIED = "tied with the best"
WORSE = "worse"


@dataclass(frozen=True)
class EntryScores:
    """Per-image scores of one leaderboard entry at every swept value.

    Attributes
    ----------
    images : list of str
    values : ndarray
        The swept values (k), increasing.
    matrices : dict of str to ndarray, shape (n_images, n_values)
        One per :data:`SCORES`; NaN where an image was not fitted at a value.
    """

    images: list[str]
    values: np.ndarray
    matrices: dict[str, np.ndarray]

    @classmethod
    def from_table(cls, table: pd.DataFrame, value: str = "value") -> EntryScores:
        """From seed-averaged rows: ``image``, ``value`` and the :data:`SCORES` columns."""
        frames = {
            score: table.pivot_table(index="image", columns=value, values=score, dropna=False)
            for score in SCORES
            if score in table.columns  # a run without boundary scores has no boundary parts
        }
        first = frames[SCORES[0]]
        return cls(
            [str(image) for image in first.index],
            first.columns.to_numpy(),
            {score: frame.to_numpy(dtype=float) for score, frame in frames.items()},
        )

    def resampled(self, rows: np.ndarray) -> EntryScores:
        """The entry on the images at ``rows`` (with repeats, as a resample draws them)."""
        images = [self.images[row] for row in rows]
        return EntryScores(images, self.values, {s: m[rows] for s, m in self.matrices.items()})


def _ods_ois(entry: EntryScores, measure):
    """(ODS column, ODS, OIS, per-image OIS terms) of one leaderboard measure: a ratio of
    sums (:func:`~segsweep.score.benchmark.ratio_ods_ois`) or a mean over images
    (:func:`~segsweep.score.benchmark.mean_ods_ois`)."""
    m = entry.matrices
    if measure.ratio_of:
        numerators, denominators = (m[column] for column in measure.ratio_of)
        column, ods, ois, image_columns = ratio_ods_ois(numerators, denominators)
        rows = np.arange(len(entry.images))
        terms = {
            "ods": (numerators[:, column], denominators[:, column]),
            "ois": (numerators[rows, image_columns], denominators[rows, image_columns]),
        }
        return column, ods, ois, terms
    values = m[measure.column]
    column, ods, ois, image_bests = mean_ods_ois(values, measure.higher_is_better)
    terms = {"ods": (values[:, column], np.ones(len(values))),
             "ois": (image_bests, np.ones(len(values)))}  # fmt: skip
    return column, ods, ois, terms


def _counts(entry: EntryScores, measure) -> np.ndarray:
    """The four boundary counts of a curve measure, shape (images, values, 4)."""
    return np.stack([entry.matrices[column] for column in measure.curve_of], axis=-1)


def curve_scores(counts: np.ndarray, values: np.ndarray) -> dict[str, float]:
    """The boundary benchmark's dataset scores of a precision-recall curve over the swept
    values (``collect_eval_bdry.m``): ``ods`` the best F of the counts summed over images,
    interpolated between values (``position`` on the curve, ``value`` the swept value
    there), ``ois`` the F of the counts at each image's own best value, and ``ap`` the
    average precision.

    Parameters
    ----------
    counts : ndarray, shape (images, values, 4)
        Matched truth, truth, matched machine and machine pixels; NaN where an image was
        not fitted at a value.
    """
    recall, precision = boundaries.ratios(np.nansum(counts, axis=0))
    ods, _, _, position = boundaries.best_f_on_curve(recall, precision)
    ois = float(boundaries.f_measure(*boundaries.ratios(boundaries.ois_counts(counts))))
    ap = boundaries.average_precision(recall, precision)
    value = boundaries.curve_point(values, position)
    return {"ods": ods, "value": value, "ois": ois, "ap": ap, "position": position}


def curve_points(entry: EntryScores) -> pd.DataFrame:
    """The entry's precision-recall curve: ``value``, ``recall``, ``precision`` and ``f`` of
    the boundary counts summed over images at each swept value (no rows without boundary
    scores)."""
    import pandas as pd

    curves = [m for m in leaderboard_measures(entry.matrices) if m.curve_of]
    if not curves:
        return pd.DataFrame(columns=["value", "recall", "precision", "f"])
    recall, precision = boundaries.ratios(np.nansum(_counts(entry, curves[0]), axis=0))
    return pd.DataFrame({"value": entry.values, "recall": recall, "precision": precision,
                         "f": boundaries.f_measure(recall, precision)})  # fmt: skip


def dataset_scores(entry: EntryScores) -> dict[str, float]:
    """ODS and OIS of every leaderboard measure (covering, PRI, VI, ARI, boundary F; the
    registry, :mod:`segsweep.score.measures`), the value ODS chose where the measure
    reports it, and the average precision of a precision-recall curve.

    Means over images follow PRI's definition in :func:`segsweep.score.benchmark.ods_ois`
    (ODS: best mean over images, ties to the smallest value; OIS: mean of per-image bests),
    ratios of sums covering's, curves the boundary benchmark's (:func:`curve_scores`).
    """
    result = {}
    for measure in leaderboard_measures(entry.matrices):
        name = measure.leaderboard
        if measure.curve_of:
            curve = curve_scores(_counts(entry, measure), entry.values)
            result |= {f"{name}_ods": curve["ods"], f"{name}_ods_value": curve["value"],
                       f"{name}_ois": curve["ois"], f"{name}_ap": curve["ap"]}  # fmt: skip
            continue
        column, ods, ois, _ = _ods_ois(entry, measure)
        result[f"{name}_ods"] = ods
        if measure.ods_value:
            result[f"{name}_ods_value"] = entry.values[column].item()
        result[f"{name}_ois"] = ois
    return result


def per_image_terms(entry: EntryScores) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every region score of :data:`INTERVAL_SCORES` as a ratio of sums over images.

    Returns
    -------
    dict
        Score -> (numerators, denominators), one per image that has the score: covering's
        numerator and denominator at the ODS value (or each image's OIS value), and for the
        mean scores the image's value at the ODS value (or its best) over 1. Their sums'
        ratio is :func:`dataset_scores`' value.
    """
    found = {}
    ratios = [m for m in leaderboard_measures(entry.matrices) if not m.curve_of]
    for measure in ratios:  # a curve's scores are not ratios of sums: see curve_intervals
        for kind, (numerator, denominator) in _ods_ois(entry, measure)[3].items():
            finite = np.isfinite(numerator)
            found[f"{measure.leaderboard}_{kind}"] = (numerator[finite], denominator[finite])
    return found


#: Bootstrap resamples of the images, and their seed, of every interval drawn by resampling
#: (the studentized ones and AP's standard error).
INTERVAL_RESAMPLES = 999
INTERVAL_SEED = 0

#: Resamples whose boundary counts are pooled at once by :func:`curve_intervals` (a chunk
#: of an (images x values x 4) array each: 50 of them for 200 images at 99 values take 32 MB).
RESAMPLES_AT_ONCE = 50


def f_with_error(
    counts: np.ndarray, index: int, following: int, fraction: float
) -> tuple[np.ndarray, np.ndarray]:
    """Boundary F of counts pooled over images, at a point of the curve between two values,
    and its delta-method standard error over images.

    Recall and precision are ratios of sums over images, interpolated linearly between the
    values at ``index`` and ``following`` (``fraction`` of the way), as the benchmark's
    curve is; each image's part in them is the ratio estimator's residual (``a - R b``
    over the sum of ``b``), and its part in F follows by the derivatives of F = 2RP/(R+P).

    Parameters
    ----------
    counts : ndarray, shape (..., images, values, 4)
        Matched truth, truth, matched machine and machine pixels (NaN: an image not fitted
        at a value, which adds nothing, as in the benchmark's sums).

    Returns
    -------
    f, error : ndarray, shape (...)
    """
    counts = np.nan_to_num(np.asarray(counts, dtype=float))
    sums = counts.sum(axis=-3)  # (..., values, 4)
    recall, precision = boundaries.ratios(sums)
    truth = np.where(sums[..., 1] == 0, 1.0, sums[..., 1])
    machine = np.where(sums[..., 3] == 0, 1.0, sums[..., 3])
    part_recall = (counts[..., 0] - recall[..., None, :] * counts[..., 1]) / truth[..., None, :]
    part_precision = (counts[..., 2] - precision[..., None, :] * counts[..., 3]) / machine[
        ..., None, :
    ]

    def at_point(values):
        return values[..., index] * (1 - fraction) + values[..., following] * fraction

    r, p = at_point(recall), at_point(precision)
    total = r + p
    safe = np.where(total > 0, total, 1.0)
    f = np.where(total > 0, 2 * r * p / safe, 0.0)
    part = (2 * p**2 / safe**2)[..., None] * at_point(part_recall) + (2 * r**2 / safe**2)[
        ..., None
    ] * at_point(part_precision)
    error = np.sqrt((part**2).sum(axis=-1))
    return f, np.where(total > 0, error, 0.0)


def _in_chunks(statistic, rows: np.ndarray) -> np.ndarray:
    """``statistic`` of each resample of ``rows`` (..., images), one value per resample,
    taken :data:`RESAMPLES_AT_ONCE` resamples at a time."""
    rows = np.asarray(rows)
    flat = rows.reshape(-1, rows.shape[-1])
    found = np.concatenate([statistic(flat[start : start + RESAMPLES_AT_ONCE])
                            for start in range(0, len(flat), RESAMPLES_AT_ONCE)])  # fmt: skip
    return found.reshape(rows.shape[:-1])


def studentized_interval(
    with_error, n_images: int, centre: float, level: float, resamples: int, seed: int
) -> tuple[float, float]:
    """Bootstrap-t (studentized bootstrap) interval of a statistic over images.

    Parameters
    ----------
    with_error : callable
        Rows of image indices (..., images) -> (statistic, its standard error), each of
        shape (...); the statistic on all images is taken with one row of every image.
    n_images : int
    centre : float
        The estimate the interval is built around (the statistic on all images, as the
        leaderboard prints it).
    level : float
    resamples, seed : int
        ``scipy.stats.bootstrap``'s resamples of the images and its seeded generator.

    Returns
    -------
    (low, high) : tuple of float
        ``centre`` minus the upper and lower ``level`` quantiles of (S* - S) / SE* over the
        resamples, times the standard error on all images; widened to hold ``centre`` (with
        3 or 4 images it can fall outside), and (centre, centre) with no spread.
    """
    from scipy.stats import bootstrap

    everything = np.arange(n_images)[None, :]
    statistic, error = (float(np.ravel(x)[0]) for x in with_error(everything))

    def t_value(rows, axis=-1):
        def chunk(block):
            statistic_star, error_star = with_error(block)
            with np.errstate(divide="ignore", invalid="ignore"):
                return (statistic_star - statistic) / error_star

        return _in_chunks(chunk, rows)

    with np.errstate(invalid="ignore"):  # a resample of one image has no t value
        result = bootstrap((np.arange(n_images),), t_value, vectorized=True,
                           n_resamples=resamples, method="percentile",
                           rng=np.random.default_rng(seed))  # fmt: skip
    ts = result.bootstrap_distribution[np.isfinite(result.bootstrap_distribution)]
    if error == 0.0 or ts.size == 0:
        return centre, centre
    tail = (1 - level) / 2
    upper_t, lower_t = np.quantile(ts, [1 - tail, tail])
    low, high = centre - upper_t * error, centre - lower_t * error
    return float(min(low, centre)), float(max(high, centre))


def studentized_f_interval(
    counts: np.ndarray, point: tuple[int, int, float], centre: float, level: float,
    resamples: int, seed: int,
) -> tuple[float, float]:  # fmt: skip
    """:func:`studentized_interval` of the pooled boundary F of ``counts`` (images x values
    x 4) at ``point`` (index, following, fraction; :func:`f_with_error`), around ``centre``
    (F as :func:`curve_scores` gives it)."""
    return studentized_interval(lambda rows: f_with_error(counts[rows], *point), len(counts),
                                centre, level, resamples, seed)  # fmt: skip


def curve_intervals(
    counts: np.ndarray,
    values: np.ndarray,
    level: float,
    resamples: int = INTERVAL_RESAMPLES,
    seed: int = INTERVAL_SEED,
) -> dict[str, tuple[float, float]]:
    """Intervals of a curve's ODS, OIS and AP (:func:`curve_scores`) over images, with the
    ODS point (where on the curve) and each image's OIS value held at their choice on all
    images, as the region scores' intervals are.

    ODS and OIS: the studentized bootstrap (bootstrap-t) interval. In each resample of the
    images (``scipy.stats.bootstrap``, seeded) F and its delta-method standard error
    (:func:`f_with_error`) give a t value, (F* - F) / SE*, and the interval is F minus the
    t values' upper and lower quantiles times F's own standard error. Pooled boundary counts
    are ratios of sums whose images weigh very differently (an image's boundary pixels
    vary severalfold), which a t interval around a bootstrap standard error under-covered
    on 10 real images (88% for 95%, docs/bsds500.md); the t values' own spread corrects it.
    AP: a Student-t interval around its bootstrap standard error. Each interval holds its
    estimate (widened to it in the rare resampling where it would not, with 3 or 4 images).
    """
    from scipy.stats import bootstrap, t

    estimate = curve_scores(counts, values)
    position = estimate["position"]
    index = min(int(np.floor(position)), counts.shape[1] - 1)
    following = min(index + 1, counts.shape[1] - 1)
    with np.errstate(invalid="ignore"):
        own = np.nanargmax(boundaries.f_measure(*boundaries.ratios(counts)), axis=1)
    at_own = counts[np.arange(len(counts)), own][:, None, :]  # (images, 1, 4)
    found = {
        "ods": studentized_f_interval(counts, (index, following, position - index),
                                      estimate["ods"], level, resamples, seed),
        "ois": studentized_f_interval(at_own, (0, 0, 0.0), estimate["ois"], level, resamples,
                                      seed),
    }  # fmt: skip

    def ap(rows, axis=-1):
        def chunk(block):
            pooled = np.nansum(counts[block], axis=1)
            return np.array([boundaries.average_precision(*boundaries.ratios(curve))
                             for curve in pooled])  # fmt: skip

        return _in_chunks(chunk, rows)

    result = bootstrap((np.arange(len(counts)),), ap, vectorized=True, n_resamples=resamples,
                       method="percentile", rng=np.random.default_rng(seed))  # fmt: skip
    error, centre = float(result.standard_error), estimate["ap"]
    found["ap"] = ((centre, centre) if error == 0.0 else
                   tuple(map(float, t.interval(level, len(counts) - 1, loc=centre,
                                               scale=error))))  # fmt: skip
    return found


def ratio_with_error(
    numerators: np.ndarray, denominators: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ratio of sums ``sum(numerators) / sum(denominators)`` over the last axis (images)
    and the ratio estimator's standard error, ``sqrt(sum((x - R d)^2) / (n (n - 1))) /
    mean(d)`` (Cochran, *Sampling Techniques*, 1977, eq. 6.9); with all denominators 1, a
    mean and its standard error."""
    n = numerators.shape[-1]
    ratio = numerators.sum(axis=-1) / denominators.sum(axis=-1)
    residuals = numerators - ratio[..., None] * denominators
    error = np.sqrt((residuals**2).sum(axis=-1) / (n * (n - 1))) / denominators.mean(axis=-1)
    return ratio, error


def ratio_interval(
    numerators: np.ndarray, denominators: np.ndarray, level: float,
    resamples: int = INTERVAL_RESAMPLES, seed: int = INTERVAL_SEED,
) -> tuple[float, float]:  # fmt: skip
    """Studentized bootstrap interval (:func:`studentized_interval`) of the ratio of sums
    ``sum(numerators) / sum(denominators)`` over images, with the ratio estimator's standard
    error (:func:`ratio_with_error`); with all denominators 1, of a mean.

    Why not the Student-t interval around that standard error, as before? A per-image PRI
    lies near 1 with a long tail below, and on 10 real images the t interval of its ODS held
    the truth 87-90.5% of the time for 95% (docs/bsds500.md); the t values' own spread over
    resamples follows the skew.

    Parameters
    ----------
    numerators, denominators : ndarray, one per image (at least 2)
    level : float
        Confidence level.

    Returns
    -------
    (low, high) : tuple of float, holding the ratio
    """
    numerators, denominators = (np.asarray(x, dtype=float) for x in (numerators, denominators))
    ratio = float(numerators.sum() / denominators.sum())
    return studentized_interval(
        lambda rows: ratio_with_error(numerators[rows], denominators[rows]),
        len(numerators), ratio, level, resamples, seed,
    )  # fmt: skip


def score_intervals(entry: EntryScores, level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Interval over images of every :data:`INTERVAL_SCORES` score, at its chosen value
    (:func:`per_image_terms`, :func:`ratio_interval`).

    Returns
    -------
    dict
        Score -> (low, high); a score with fewer than :data:`MIN_IMAGES` images is left out
        (all are, with fewer images).
    """
    found = {
        score: ratio_interval(numerators, denominators, level)
        for score, (numerators, denominators) in per_image_terms(entry).items()
        if len(numerators) >= MIN_IMAGES
    }
    if len(entry.images) >= MIN_IMAGES:
        for measure in leaderboard_measures(entry.matrices):
            if measure.curve_of:
                intervals = curve_intervals(_counts(entry, measure), entry.values, level)
                found |= {f"{measure.leaderboard}_{kind}": interval
                          for kind, interval in intervals.items()}  # fmt: skip
    return found


def choice_stability(entry: EntryScores, n_resamples: int, seed: int) -> float:
    """Share of bootstrap resamples of the images (``scipy.stats.bootstrap``, seeded) in
    which covering ODS chooses the value it chooses on all of them; NaN with fewer than
    :data:`MIN_IMAGES` images."""
    from scipy.stats import bootstrap

    if len(entry.images) < MIN_IMAGES:
        return np.nan
    numerators, denominators = entry.matrices["cover_num"], entry.matrices["cover_den"]
    chosen = ratio_ods_ois(numerators, denominators)[0]

    def chosen_column(rows, axis):
        # rows: (resamples, images) of image indices; axis (-1) is the images' axis of rows
        with np.errstate(invalid="ignore", divide="ignore"):
            sums = np.nansum(numerators[rows], axis=axis - 1) / np.nansum(
                denominators[rows], axis=axis - 1
            )
        return np.argmax(np.where(np.isnan(sums), -np.inf, sums), axis=-1).astype(float)

    result = bootstrap(
        (np.arange(len(entry.images)),), chosen_column, vectorized=True,
        n_resamples=n_resamples, method="percentile", rng=np.random.default_rng(seed),
    )  # fmt: skip
    return float(np.mean(result.bootstrap_distribution == chosen))


def covering_at_ods(entry: EntryScores, ods_value: float | None = None) -> pd.Series:
    """Each image's covering at the entry's covering-ODS value (image -> covering).

    ``ods_value`` is that value when the caller has it from :func:`dataset_scores`; None
    computes it.
    """
    import pandas as pd

    ods_value = dataset_scores(entry)["covering_ods_value"] if ods_value is None else ods_value
    column = int(np.flatnonzero(entry.values == ods_value)[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        covering = entry.matrices["cover_num"][:, column] / entry.matrices["cover_den"][:, column]
    return pd.Series(covering, index=entry.images, name="covering")


def paired_tests(per_image: dict[str, pd.Series], top: str, alpha: float) -> pd.DataFrame:
    """Each entry against ``top`` on the images both have.

    Parameters
    ----------
    per_image : dict of entry -> Series
        Image -> covering at the entry's ODS k (:func:`covering_at_ods`).
    top : str
        The entry ranked first.
    alpha : float
        Level of the Holm-corrected tests.

    Returns
    -------
    DataFrame
        ``entry``, ``p_value`` (Wilcoxon signed-rank, Holm-corrected; NaN for ``top`` and
        with fewer than :data:`MIN_IMAGES` shared images) and ``verdict`` (``best``,
        :data:`TIED`, :data:`WORSE`, or empty when untested). Entries equal on every image
        get p = 1.
    """
    import pandas as pd
    from scipy.stats import wilcoxon
    from statsmodels.stats.multitest import multipletests

    others = [entry for entry in per_image if entry != top]
    raw = {}
    for entry in others:
        both = pd.concat([per_image[top], per_image[entry]], axis=1, join="inner").dropna()
        if len(both) < MIN_IMAGES:
            continue
        differences = both.iloc[:, 0] - both.iloc[:, 1]
        raw[entry] = float(wilcoxon(differences).pvalue) if differences.any() else 1.0
    adjusted = {}
    if raw:
        corrected = multipletests(list(raw.values()), method="holm")[1]
        adjusted = dict(zip(raw, corrected, strict=True))
    rows = [{"entry": top, "p_value": np.nan, "verdict": "best"}]
    for entry in others:
        p_value = adjusted.get(entry, np.nan)
        verdict = "" if np.isnan(p_value) else WORSE if p_value < alpha else TIED
        rows.append({"entry": entry, "p_value": float(p_value), "verdict": verdict})
    return pd.DataFrame(rows)


def mean_ranks(per_image: dict[str, pd.Series]) -> pd.Series:
    """Mean rank of each entry over the images every entry has (1 = best covering; ties
    share their mean rank), best first."""
    import pandas as pd
    from scipy.stats import rankdata

    table = pd.concat(per_image, axis=1, join="inner").dropna()
    ranks = rankdata(-table.to_numpy(), axis=1)
    return pd.Series(ranks.mean(axis=0), index=table.columns).sort_values(kind="stable")


def critical_difference(n_entries: int, n_images: int, alpha: float) -> float:
    """Nemenyi critical difference of mean ranks (Demsar 2006): q_alpha sqrt(k(k+1)/6N),
    q_alpha the studentized range quantile over sqrt 2 (``scipy.stats``)."""
    from scipy.stats import studentized_range

    q_alpha = studentized_range.ppf(1 - alpha, n_entries, np.inf) / np.sqrt(2)
    return float(q_alpha * np.sqrt(n_entries * (n_entries + 1) / (6.0 * n_images)))


def groups_not_different(ranks: pd.Series, difference: float) -> list[list[str]]:
    """Maximal runs of entries, in rank order, whose mean ranks differ by less than
    ``difference`` (the bars of a critical-difference plot)."""
    names, values = list(ranks.index), ranks.to_numpy()
    spans: list[tuple[int, int]] = []
    end = 0
    for start in range(len(names)):
        end = max(end, start)
        while end + 1 < len(names) and values[end + 1] - values[start] < difference:
            end += 1
        # a run reaching no further than the last one is inside it (runs only grow right)
        if end > start and (not spans or end > spans[-1][1]):
            spans.append((start, end))
    return [names[a : b + 1] for a, b in spans]


def seed_spread(rows: pd.DataFrame) -> dict[str, float]:
    """Min, median and max over seeds of the covering ODS of one entry's scored rows
    (``seed``, ``value``, ``cover_num``, ``cover_den``)."""
    per_seed = []
    for _, seed_rows in rows.groupby("seed"):
        sums = seed_rows.groupby("value")[["cover_num", "cover_den"]].sum()
        per_seed.append(float((sums["cover_num"] / sums["cover_den"]).max()))
    return {
        "seed_min": float(np.min(per_seed)),
        "seed_median": float(np.median(per_seed)),
        "seed_max": float(np.max(per_seed)),
    }
