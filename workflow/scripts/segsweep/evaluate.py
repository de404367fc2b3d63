"""Evaluate one sweep: internal criteria of every fit and, with ground truth, its scores.

One job per (image, colour space, method) computes both, so the label maps and features are
read once. The pure cores are :func:`segsweep.criteria.criteria_table` and
:func:`segsweep.scores.score_table`.
"""

from __future__ import annotations

import pandas as pd

from segsweep.criteria import criteria_table
from segsweep.scores import score_table


def evaluate(features, label_maps, fits: pd.DataFrame, silhouette_sample: int, annotations=None):
    """Criteria (and scores, if ``annotations`` is given) of every fit in ``fits``.

    Returns
    -------
    DataFrame
        ``image, space, method, k, seed``, the criteria columns and, with annotations, the
        score columns.
    """
    table = criteria_table(features, label_maps, fits, silhouette_sample)
    if annotations:
        scores = score_table(label_maps, fits, annotations)
        table = table.merge(scores, on=["k", "seed"], validate="one_to_one")
    keys = fits[["image", "space", "method"]].reset_index(drop=True)
    return pd.concat([keys, table], axis=1)


def main(snakemake) -> None:
    """Snakemake entry: write ``output.evaluation`` for one (image, space, method)."""
    from segsweep import truth
    from segsweep.features import load_features
    from segsweep.storage import load_arrays, read_csv, write_csv

    annotations = truth.load(snakemake.input.truth[0]) if snakemake.input.truth else None
    table = evaluate(
        load_features(snakemake.input.features),
        load_arrays(snakemake.input.labels),
        read_csv(snakemake.input.fits),
        snakemake.params.silhouette_sample,
        annotations,
    )
    write_csv(snakemake.output.evaluation, table)
