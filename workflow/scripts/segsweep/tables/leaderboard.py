"""Leaderboard and the quality of the automatic choice of k, from scores against truth.

**Leaderboard.** One row per (colour space, method) over all images with ground truth,
ranked by the primary score: segmentation covering at the optimal dataset scale
(``covering_ods``, the Berkeley benchmark's region measure: one value of the entry's swept
parameter, named in ``parameter``, for the whole dataset, given in ``covering_ods_value``;
ties broken by ``ari_ods``, then by colour space and method name). Beside it: covering OIS
(best value per image), PRI and VI at ODS and OIS (see :mod:`segsweep.score.benchmark`), and
adjusted Rand index at ODS and OIS. Scores are averaged over seeds before anything is
picked. How far to trust the ranking (:mod:`segsweep.tables.uncertainty`): an interval over
images for every score at its chosen value (``_low``, ``_high``), the share of image
resamples in which ODS chooses the same value (``covering_ods_value_share``), a paired test
of each entry against the top one (``p_value``, ``verdict``) and, with several seeds, the
spread of covering ODS over seeds (``seed_min``, ``seed_median``, ``seed_max``). The
per-image covering at each entry's ODS value, which the tests and the rank plot use, is a
table of its own.

**Choice of k.** For every criterion that picks k (elbow, BIC, ...) and every (image, space,
method): the score at the picked k next to the best score over all k (the oracle), for ARI
and covering, and the regret (oracle minus picked).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segsweep.score.measures import SCORE_COLUMNS, interval_scores
from segsweep.tables import uncertainty

KEYS = ["image", "space", "method"]
ENTRY = ["space", "method"]


@dataclass(frozen=True)
class Trust:
    """How the leaderboard measures its uncertainty: config ``leaderboard``, whose schema
    holds the defaults.

    Attributes
    ----------
    resamples : int
        Bootstrap resamples of the images, for the stability of the ODS choice.
    seed : int
        Seed of the resampling.
    level : float
        Confidence level of the intervals.
    alpha : float
        Level of the Holm-corrected paired tests.
    """

    resamples: int
    seed: int
    level: float
    alpha: float


def seed_averaged(fits: pd.DataFrame) -> pd.DataFrame:
    """Rows with scores, averaged over seeds: one row per (image, space, method, value),
    with its ``parameter`` and ``k``."""
    scored = fits.dropna(subset=["ari"])
    columns = ["k", *(column for column in SCORE_COLUMNS if column in scored.columns)]
    return scored.groupby([*KEYS, "parameter", "value"], as_index=False)[columns].mean()


def entry_row(entry: uncertainty.EntryScores, scored: pd.DataFrame, trust: Trust) -> dict:
    """One leaderboard row: scores, their intervals, how stable the ODS choice is, and the
    spread over seeds."""
    row = {"n_images": len(entry.images), **uncertainty.dataset_scores(entry)}
    intervals = uncertainty.score_intervals(entry, trust.level)
    for score in interval_scores(entry.matrices):  # those of the scores computed
        row[f"{score}_low"], row[f"{score}_high"] = intervals.get(score, (np.nan, np.nan))
    row["covering_ods_value_share"] = uncertainty.choice_stability(
        entry, trust.resamples, trust.seed
    )
    if scored["seed"].nunique() > 1:
        row.update(uncertainty.seed_spread(scored))
    return row


def column_order(columns: list[str]) -> list[str]:
    """Rank and entry first, each score followed by its interval, tests and seeds last."""
    order = ["rank", *ENTRY, "parameter", "n_images"]
    for score in uncertainty.INTERVAL_SCORES:
        order += [score, f"{score}_low", f"{score}_high"]
        order += [f"{score}_value"] if f"{score}_value" in columns else []
        order += [f"{score}_value_share"] if f"{score}_value_share" in columns else []
    order += ["p_value", "verdict", "seed_min", "seed_median", "seed_max"]
    return [column for column in order if column in columns]


def leaderboard(fits: pd.DataFrame, trust: Trust) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank (space, method) pairs by covering ODS over all labelled images.

    Parameters
    ----------
    fits : DataFrame
        The fits table with score columns (NaN for images without truth).
    trust : Trust
        Bootstrap and test settings.

    Returns
    -------
    table : DataFrame
        One row per entry, best first (empty without scored fits).
    per_image : DataFrame
        ``space``, ``method``, ``image``, ``value`` and ``covering``: each image's covering
        at its entry's ODS value.
    """
    scores = seed_averaged(fits)
    scored_fits = fits.dropna(subset=["ari"])
    rows, per_image = [], {}
    for (space, method), group in scores.groupby(ENTRY, sort=True):
        seeds = scored_fits[(scored_fits["space"] == space) & (scored_fits["method"] == method)]
        entry = uncertainty.EntryScores.from_table(group)
        parameter = group["parameter"].iloc[0]
        row = {"space": space, "method": method, "parameter": parameter,
               **entry_row(entry, seeds, trust)}  # fmt: skip
        rows.append(row)
        per_image[(space, method)] = uncertainty.covering_at_ods(entry, row["covering_ods_value"])
    table = pd.DataFrame(rows)
    if table.empty:
        return table, pd.DataFrame(columns=[*ENTRY, "image", "value", "covering"])
    table = table.sort_values(["covering_ods", "ari_ods"], ascending=False, kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table.reset_index(drop=True)
    entries = list(zip(table["space"], table["method"], strict=True))
    tests = uncertainty.paired_tests(
        {entry: per_image[entry] for entry in entries}, entries[0], trust.alpha
    )
    table["p_value"], table["verdict"] = tests["p_value"].to_numpy(), tests["verdict"].to_numpy()
    return table[column_order(list(table.columns))], per_image_table(per_image, table)


def boundary_curves(fits: pd.DataFrame) -> pd.DataFrame:
    """Every entry's boundary precision-recall curve over its swept values (seed-averaged,
    summed over the images with ground truth): ``space``, ``method``, ``value``, ``recall``,
    ``precision`` and ``f``, by entry and value (empty without boundary scores)."""
    frames = [
        uncertainty.curve_points(uncertainty.EntryScores.from_table(group)).assign(
            space=space, method=method
        )
        for (space, method), group in seed_averaged(fits).groupby(ENTRY, sort=True)
    ]
    columns = [*ENTRY, "value", "recall", "precision", "f"]
    frames = [frame for frame in frames if len(frame)]
    return (
        pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
    )


def per_image_table(per_image: dict, table: pd.DataFrame) -> pd.DataFrame:
    """Long table of each entry's per-image covering at its ODS value, in leaderboard order."""
    frames = []
    entries = table[["space", "method", "covering_ods_value"]].itertuples(index=False)
    for space, method, value in entries:
        covering = per_image[(space, method)]
        frames.append(
            pd.DataFrame(
                {
                    "space": space,
                    "method": method,
                    "image": covering.index,
                    "value": value,
                    "covering": covering.to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


#: Columns of the choice-of-k table (:func:`choice_of_k`), one row per image, entry and
#: criterion; written with no rows when no entry is swept over k.
CHOICE_COLUMNS = [*KEYS, "criterion", "picked_k", "oracle_k", "picked_ari", "oracle_ari",
                  "ari_regret", "picked_covering", "oracle_covering"]  # fmt: skip
#: Columns of its summary per criterion (:func:`choice_of_k_summary`).
CHOICE_SUMMARY_COLUMNS = ["criterion", "cases", "picked_ari", "oracle_ari", "ari_regret",
                          "picked_covering", "oracle_covering", "hit_rate"]  # fmt: skip


def choice_of_k(fits: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """Score at each criterion's picked k beside the oracle's, per image, for the methods
    swept over k.

    The oracle is the best k among those at which the criterion exists (a criterion left
    empty at some k, such as Calinski-Harabasz above ``criteria.max_segments``, could not
    have picked them), so each criterion is judged against what it could choose.
    """
    from segsweep.tables.selection import CRITERIA

    scored = fits.dropna(subset=["ari"])
    scored = scored[scored["parameter"] == "k"]
    if scored.empty or picks.empty:
        return pd.DataFrame(columns=CHOICE_COLUMNS)
    columns = ["ari", "covering", *{column for column, _ in CRITERIA.values()}]
    columns = [column for column in columns if column in scored]
    scores = scored.groupby([*KEYS, "k"], as_index=False)[columns].mean()
    tables = []
    for criterion, rows in picks.groupby("criterion", sort=True):
        column = CRITERIA[criterion][0]
        available = scores[scores[column].notna()] if column in scores else scores.iloc[:0]
        if available.empty:
            continue
        best_ari = available.loc[available.groupby(KEYS)["ari"].idxmax(), [*KEYS, "k", "ari"]]
        best_cover = available.groupby(KEYS)["covering"].max().rename("oracle_covering")
        table = rows.merge(best_ari.rename(columns={"k": "oracle_k", "ari": "oracle_ari"}), on=KEYS)
        table = table.merge(best_cover.reset_index(), on=KEYS)
        at_pick = table[[*KEYS, "k"]].merge(scores, on=[*KEYS, "k"], how="left")
        table["picked_ari"] = at_pick["ari"].to_numpy()
        table["picked_covering"] = at_pick["covering"].to_numpy()
        tables.append(table)
    if not tables:
        return pd.DataFrame(columns=CHOICE_COLUMNS)
    table = pd.concat(tables, ignore_index=True)
    table["ari_regret"] = table["oracle_ari"] - table["picked_ari"]
    table = table.rename(columns={"k": "picked_k"})
    return table[CHOICE_COLUMNS].sort_values([*KEYS, "criterion"]).reset_index(drop=True)


def choice_of_k_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: mean picked and oracle ARI, mean regret and how often k was the oracle's."""
    if table.empty:
        return pd.DataFrame(columns=CHOICE_SUMMARY_COLUMNS)
    summary = table.groupby("criterion").agg(
        cases=("picked_k", "size"),
        picked_ari=("picked_ari", "mean"),
        oracle_ari=("oracle_ari", "mean"),
        ari_regret=("ari_regret", "mean"),
        picked_covering=("picked_covering", "mean"),
        oracle_covering=("oracle_covering", "mean"),
        hit_rate=("picked_k", lambda s: float((s == table.loc[s.index, "oracle_k"]).mean())),
    )
    return summary.sort_values("ari_regret").reset_index()[CHOICE_SUMMARY_COLUMNS]


def main(snakemake) -> None:
    """Snakemake entry: leaderboard and choice-of-k tables."""
    from segsweep.store.files import read_csv, write_csv

    fits = read_csv(snakemake.input.fits)
    choice = choice_of_k(fits, read_csv(snakemake.input.picks))
    table, per_image = leaderboard(fits, Trust(**snakemake.params.trust))
    write_csv(snakemake.output.leaderboard, table)
    write_csv(snakemake.output.per_image, per_image)
    write_csv(snakemake.output.curves, boundary_curves(fits))
    write_csv(snakemake.output.choice, choice)
    write_csv(snakemake.output.choice_summary, choice_of_k_summary(choice))
