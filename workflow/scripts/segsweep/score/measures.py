"""The registry of measures: every score and criterion a fit gets, declared once.

A :class:`Measure` says what a fits-table column is: its heading, whether higher is better,
how it is computed, and, for the leaderboard, how images combine (ODS and OIS of a mean over
images, or of a ratio of sums). The fits table's score columns, the leaderboard's columns,
their intervals, the criteria that pick k and the tests' expectations all read
:data:`SCORES` and :data:`CRITERIA`; adding a score is one entry here (with its function).

Region scores against ground truth are computed per annotation, from the annotation's
contingency table with the segmentation (:class:`segsweep.score.scores.PairFacts`), and
averaged over the annotations of the image, or summed when ``pooled`` (covering's numerator
and denominator, as the benchmark pools every annotation's regions). A score with
``ratio_of`` is the ratio of two pooled columns. Boundary scores are computed per fit, over
all annotations at once (:class:`FitFacts`), since the benchmark counts a boundary pixel as
matched when it matches in any annotation; the config's ``scores.boundaries`` turns their
group off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


def _pair():
    """:mod:`segsweep.score.scores`, imported on first use: the workflow's parse step reads
    this registry and must not load scipy."""
    from segsweep.score import scores

    return scores


@dataclass(frozen=True)
class Measure:
    """One column of the fits table that judges a fit.

    Attributes
    ----------
    column : str
        Its fits-table column.
    heading : str
        Its name in tables, figures and captions.
    higher_is_better : bool or None
        Its direction (None for a part of another measure, like covering's numerator).
    description : str
        One line for captions and docs.
    per_pair : callable, optional
        Score of one annotation: ``per_pair(facts)`` with facts a
        :class:`~segsweep.score.scores.PairFacts`.
    pooled : bool
        Summed over annotations instead of averaged.
    ratio_of : (str, str), optional
        The score is ``numerator / denominator`` of these pooled columns.
    leaderboard : str, optional
        Its name on the leaderboard (``NAME_ods``, ``NAME_ois`` and their intervals); None
        keeps it off.
    ods_value : bool
        The leaderboard also gives the value its ODS chose (``NAME_ods_value``).
    picks_as : str, optional
        For a criterion: the name under which it picks k (the picks table's ``criterion``).
    pick_rule : str, optional
        How it picks k: ``knee`` (of a decreasing curve), ``min`` or ``max``.
    per_fit : callable, optional
        Score of a fit against all its annotations at once: ``per_fit(facts)`` with facts a
        :class:`FitFacts`.
    group : str
        ``region`` or ``boundary``: the config's ``scores.boundaries`` turns the boundary
        group on or off.
    curve_of : tuple of str, optional
        The leaderboard combines images as the boundary benchmark does: these four count
        columns (matched truth, truth, matched machine, machine) summed over images per
        value give a precision-recall curve; ODS is its best F (interpolated between
        values), OIS the F of each image's own best value, and it also reports the curve's
        average precision (``NAME_ap``).
    """

    column: str
    heading: str
    higher_is_better: bool | None
    description: str
    per_pair: Callable | None = None
    pooled: bool = False
    ratio_of: tuple[str, str] | None = None
    leaderboard: str | None = None
    ods_value: bool = False
    picks_as: str | None = None
    pick_rule: str | None = None
    per_fit: Callable | None = None
    group: str = "region"
    curve_of: tuple[str, str, str, str] | None = None


@dataclass
class FitFacts:
    """What the per-fit scores of one segmentation are computed from: its labels, the
    boundary maps of the image's annotations (thinned, prepared once per image), and its own
    boundary map when the method gives one (a UCM's cut at the fit's threshold, thinned here
    like the labels' boundaries), else none (then the labels' thinned ``seg2bdry``). Results
    several scores share are computed once, on first use."""

    labels: np.ndarray
    truth_boundaries: list = field(default_factory=list)
    own_boundaries: np.ndarray | None = None

    @cached_property
    def boundary(self):
        """:func:`~segsweep.score.boundaries.boundary_counts` of the fit."""
        from segsweep.score import boundaries

        if self.own_boundaries is None:
            machine = boundaries.segmentation_boundaries(self.labels)
        else:  # a method's own map, thinned as the benchmark thins a UCM's
            machine = boundaries.thin_boundaries(self.own_boundaries)
        return boundaries.boundary_counts(machine, self.truth_boundaries)


#: Scores against ground truth, in the fits table's column order.
SCORES: tuple[Measure, ...] = (
    Measure("ari", "ARI", True, "adjusted Rand index, mean over annotations",
            per_pair=lambda f: _pair().adjusted_rand_index(f.table), leaderboard="ari",
            ods_value=True),
    Measure("ami", "AMI", True, "adjusted mutual information (arithmetic normalisation), mean "
            "over annotations", per_pair=lambda f: _pair().adjusted_mutual_information(f.table)),
    Measure("rand", "PRI", True, "Rand index, mean over annotations: the probabilistic Rand "
            "index", per_pair=lambda f: _pair().rand_index(f.table), leaderboard="pri"),
    Measure("vi", "VI", False, "variation of information in bits, mean over annotations",
            per_pair=lambda f: f.entropies[0] + f.entropies[1], leaderboard="vi"),
    Measure("vi_split", "VI split", False, "H(segmentation | truth): false splits",
            per_pair=lambda f: f.entropies[0]),
    Measure("vi_merge", "VI merge", False, "H(truth | segmentation): false merges",
            per_pair=lambda f: f.entropies[1]),
    Measure("covering", "covering", True, "segmentation covering of the annotations' regions "
            "pooled", ratio_of=("cover_num", "cover_den"), leaderboard="covering",
            ods_value=True),
    Measure("pixel_accuracy", "pixel accuracy", True, "pixels labelled right after one-to-one "
            "matching of segments to regions, mean over annotations",
            per_pair=lambda f: f.matched[0]),
    Measure("mean_iou", "mean IoU", True, "IoU of each region with its matched segment, mean "
            "over regions and annotations", per_pair=lambda f: f.matched[1]),
    Measure("cover_num", "covering numerator", None, "covering's numerator: each region's "
            "best IoU times its size, summed over annotations",
            per_pair=lambda f: f.cover_num, pooled=True),
    Measure("cover_den", "covering denominator", None, "covering's denominator: the "
            "annotations' pixels", per_pair=lambda f: float(f.table.n_pixels), pooled=True),
    Measure("bdry_recall", "boundary recall", True, "annotation boundary pixels matched "
            "within 0.0075 of the diagonal, over all annotations' boundary pixels",
            per_fit=lambda f: f.boundary.recall, group="boundary"),
    Measure("bdry_precision", "boundary precision", True, "the fit's thinned boundary pixels "
            "matched in any annotation, over its boundary pixels",
            per_fit=lambda f: f.boundary.precision, group="boundary"),
    Measure("bdry_f", "boundary F", True, "harmonic mean of boundary precision and recall",
            per_fit=lambda f: f.boundary.f, group="boundary", leaderboard="boundary_f",
            curve_of=("bdry_matched_truth", "bdry_truth", "bdry_matched", "bdry_pixels")),
    Measure("bdry_matched_truth", "matched annotation boundary pixels", None, "recall's "
            "numerator", per_fit=lambda f: float(f.boundary.matched_truth), group="boundary"),
    Measure("bdry_truth", "annotation boundary pixels", None, "recall's denominator",
            per_fit=lambda f: float(f.boundary.truth), group="boundary"),
    Measure("bdry_matched", "matched boundary pixels", None, "precision's numerator",
            per_fit=lambda f: float(f.boundary.matched_machine), group="boundary"),
    Measure("bdry_pixels", "boundary pixels", None, "precision's denominator",
            per_fit=lambda f: float(f.boundary.machine), group="boundary"),
)  # fmt: skip

#: Internal criteria (no ground truth), in the order the picks table lists them.
CRITERIA: tuple[Measure, ...] = (
    Measure("inertia", "inertia", False, "within-cluster sum of squares on all pixels; the "
            "elbow picks its knee", picks_as="elbow", pick_rule="knee"),
    Measure("bic", "BIC", False, "Bayesian information criterion of a mixture",
            picks_as="bic", pick_rule="min"),
    Measure("aic", "AIC", False, "Akaike information criterion of a mixture",
            picks_as="aic", pick_rule="min"),
    Measure("silhouette", "silhouette", True, "mean silhouette of a seeded pixel sample",
            picks_as="silhouette", pick_rule="max"),
    Measure("calinski_harabasz", "Calinski-Harabasz", True, "between- over within-cluster "
            "dispersion", picks_as="calinski_harabasz", pick_rule="max"),
    Measure("davies_bouldin", "Davies-Bouldin", False, "mean similarity of each cluster to "
            "its most similar one", picks_as="davies_bouldin", pick_rule="min"),
)  # fmt: skip

#: Order of the built-in scores on the leaderboard (its ranking score first). A score of
#: :data:`SCORES` declared with ``leaderboard=`` and not named here follows them, in the
#: registry's order: adding one is one entry there.
LEADERBOARD_ORDER = ("covering", "pri", "vi", "ari", "boundary_f")
#: The groups of scores, each a switch of the config's ``scores``: ``region`` always on.
GROUPS = ("region", "boundary")

SCORE_COLUMNS = [measure.column for measure in SCORES]


def scores_of(groups: Sequence[str] = GROUPS) -> list[Measure]:
    """The scores of ``groups``, in the fits table's order."""
    return [measure for measure in SCORES if measure.group in groups]


def groups_of(switches: dict | None) -> tuple[str, ...]:
    """The groups of scores the config's ``scores`` turns on (None: every group)."""
    if switches is None:
        return GROUPS
    return ("region", *(["boundary"] if switches.get("boundaries", True) else []))


def leaderboard_measures(columns=None) -> list[Measure]:
    """The scores on the leaderboard, in its order; with ``columns``, those a table with
    these columns has (a run without boundary scores has no boundary row)."""
    named = {measure.leaderboard: measure for measure in SCORES if measure.leaderboard}
    order = [*LEADERBOARD_ORDER, *(name for name in named if name not in LEADERBOARD_ORDER)]
    found = [named[name] for name in order if name in named]
    return found if columns is None else [m for m in found if set(_parts(m)) <= set(columns)]


def _parts(measure: Measure) -> list[str]:
    return list(measure.curve_of or measure.ratio_of or (measure.column,))


def per_image_columns(columns=None) -> list[str]:
    """The per-image columns the leaderboard's scores are computed from."""
    return [part for measure in leaderboard_measures(columns) for part in _parts(measure)]


def interval_scores(columns=None) -> list[str]:
    """Every dataset-level score with an interval: ``NAME_ods`` and ``NAME_ois`` of each
    leaderboard measure, and ``NAME_ap`` of a precision-recall curve."""
    names = []
    for measure in leaderboard_measures(columns):
        kinds = ("ods", "ois", "ap") if measure.curve_of else ("ods", "ois")
        names += [f"{measure.leaderboard}_{kind}" for kind in kinds]
    return names


def pick_criteria() -> dict[str, tuple[str, str]]:
    """Criterion name -> (fits-table column, rule), for the criteria that pick k."""
    return {m.picks_as: (m.column, m.pick_rule) for m in CRITERIA if m.picks_as}


@dataclass
class ImageTruth:
    """An image's annotations prepared once for every fit scored against them: each as a
    :class:`~segsweep.score.scores.Partition` and, when the boundary group is on, as its
    thinned boundary map."""

    annotations: list
    boundaries: list
    groups: tuple[str, ...]

    @classmethod
    def of(cls, annotations: Sequence, groups: Sequence[str] = GROUPS) -> ImageTruth:
        """Prepare ``annotations`` (label images or Partitions) for the scores of ``groups``."""
        prepared = [_pair().Partition.of(annotation) for annotation in annotations]
        boundaries = []
        if "boundary" in groups:
            from segsweep.score.boundaries import segmentation_boundaries

            boundaries = [segmentation_boundaries(a.labels.reshape(a.shape)) for a in prepared]
        return cls(prepared, boundaries, tuple(groups))


def score_fit(truth: ImageTruth, segmentation, own_boundaries=None) -> dict[str, float]:
    """Every score of the truth's groups of one segmentation: the region scores
    (:func:`score_annotations`) and the per-fit ones (boundary precision and recall, of the
    labels' boundaries or of ``own_boundaries``, a method's own thresholded UCM)."""
    found = score_annotations(truth.annotations, segmentation)
    facts = FitFacts(np.asarray(segmentation), truth.boundaries, own_boundaries)
    measures = scores_of(truth.groups)
    found |= {m.column: float(m.per_fit(facts)) for m in measures if m.per_fit}
    return {measure.column: found[measure.column] for measure in measures}


def score_pair(truth, segmentation) -> dict[str, float]:
    """Every score of :data:`SCORES` of one segmentation against one annotation.

    Parameters
    ----------
    truth, segmentation : ndarray of int or Partition, same shape
    """
    facts = _pair().PairFacts.of(truth, segmentation)
    found = {m.column: float(m.per_pair(facts)) for m in SCORES if m.per_pair}
    for measure in SCORES:
        if measure.ratio_of:
            numerator, denominator = measure.ratio_of
            found[measure.column] = found[numerator] / found[denominator]
    return found


def score_annotations(annotations: Sequence, segmentation) -> dict[str, float]:
    """Scores of one segmentation against several annotations of the same image: each
    averaged over the annotations, or summed when ``pooled``, ratios taken of the sums.
    With one annotation this is :func:`score_pair`. Annotations may be given as prepared
    :class:`~segsweep.score.scores.Partition` objects, so a sweep prepares them once."""
    if not annotations:
        raise ValueError("no annotation to score against")
    segmentation = _pair().Partition.of(segmentation)
    per_annotation = [score_pair(truth, segmentation) for truth in annotations]
    result = {}
    for measure in (m for m in SCORES if m.per_pair or m.ratio_of):
        values = [scores[measure.column] for scores in per_annotation]
        result[measure.column] = float(sum(values) if measure.pooled else np.mean(values))
    for measure in SCORES:
        if measure.ratio_of:
            numerator, denominator = measure.ratio_of
            result[measure.column] = result[numerator] / result[denominator]
    return result
