"""Rows of the fits table for tests, with every score of the registry of measures."""

from segsweep.score.measures import SCORES


def score_columns(score: float, size: float = 100.0) -> dict[str, float]:
    """Every score column of :data:`segsweep.score.measures.SCORES` for a fit as good as
    ``score``: a score where higher is better at ``score``, one where lower is at
    ``1 - score``, a ratio at ``score`` with denominator ``size``, a precision-recall
    curve's counts with precision and recall at ``score`` out of ``size`` pixels."""
    row = {}
    for measure in SCORES:
        if measure.curve_of:
            matched_truth, truth, matched, pixels = measure.curve_of
            row |= {matched_truth: score * size, truth: size, matched: score * size,
                    pixels: size, measure.column: score}  # fmt: skip
        elif measure.ratio_of:
            numerator, denominator = measure.ratio_of
            row |= {numerator: score * size, denominator: size, measure.column: score}
        elif measure.higher_is_better is not None:
            row[measure.column] = score if measure.higher_is_better else 1 - score
    return row
