"""Leaderboard and the quality of the automatic choice of k, from scores against truth.

**Leaderboard.** One row per (colour space, method) over all images with ground truth, ranked
by the primary score: segmentation covering at the optimal dataset scale (``covering_ods``,
the Berkeley benchmark's region measure, one k for the whole dataset; ties broken by
``ari_ods``). Beside it: covering OIS (best k per image), PRI and VI at ODS and OIS (see
:mod:`segsweep.benchmark`), and adjusted Rand index at ODS and OIS. Scores are averaged over
seeds before anything is picked.

**Choice of k.** For every criterion that picks k (elbow, BIC, ...) and every (image, space,
method): the score at the picked k next to the best score over all k (the oracle), for ARI
and covering, and the regret (oracle minus picked).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from segsweep.benchmark import ods_ois

KEYS = ["image", "space", "method"]


def seed_averaged(fits: pd.DataFrame) -> pd.DataFrame:
    """Rows with scores, averaged over seeds: one row per (image, space, method, k)."""
    scored = fits.dropna(subset=["ari"])
    columns = ["ari", "ami", "rand", "vi", "covering", "mean_iou", "cover_num", "cover_den"]
    return scored.groupby([*KEYS, "k"], as_index=False)[columns].mean()


def leaderboard(fits: pd.DataFrame) -> pd.DataFrame:
    """Rank (space, method) pairs by covering ODS over all labelled images.

    Parameters
    ----------
    fits : DataFrame
        The fits table with score columns (NaN for images without truth).
    """
    scores = seed_averaged(fits)
    rows = []
    for (space, method), group in scores.groupby(["space", "method"], sort=True):
        bench = ods_ois(
            group.rename(columns={"k": "threshold", "rand": "pri"})[
                ["image", "threshold", "pri", "vi", "cover_num", "cover_den"]
            ]
        )
        ari_by_k = group.groupby("k")["ari"].mean()
        rows.append(
            {
                "space": space,
                "method": method,
                "n_images": group["image"].nunique(),
                "covering_ods": bench["cover_ods"],
                "covering_ods_k": bench["cover_ods_threshold"],
                "covering_ois": bench["cover_ois"],
                "pri_ods": bench["pri_ods"],
                "pri_ois": bench["pri_ois"],
                "vi_ods": bench["vi_ods"],
                "vi_ois": bench["vi_ois"],
                "ari_ods": float(ari_by_k.max()),
                "ari_ods_k": int(ari_by_k.idxmax()),
                "ari_ois": float(group.groupby("image")["ari"].max().mean()),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table = table.sort_values(["covering_ods", "ari_ods"], ascending=False, kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table.reset_index(drop=True)


def choice_of_k(fits: pd.DataFrame, picks: pd.DataFrame) -> pd.DataFrame:
    """Score at each criterion's picked k beside the oracle (best k), per image."""
    scores = seed_averaged(fits)
    if scores.empty:
        return pd.DataFrame()
    indexed = scores.set_index([*KEYS, "k"])
    best_ari = scores.loc[scores.groupby(KEYS)["ari"].idxmax(), [*KEYS, "k", "ari"]]
    best_cover = scores.groupby(KEYS)["covering"].max().rename("oracle_covering")
    table = picks.merge(best_ari.rename(columns={"k": "oracle_k", "ari": "oracle_ari"}), on=KEYS)
    table = table.merge(best_cover.reset_index(), on=KEYS)
    at_pick = indexed.loc[list(zip(*(table[c] for c in [*KEYS, "k"]), strict=True))]
    table["picked_ari"] = at_pick["ari"].to_numpy()
    table["picked_covering"] = at_pick["covering"].to_numpy()
    table["ari_regret"] = table["oracle_ari"] - table["picked_ari"]
    table = table.rename(columns={"k": "picked_k"})
    columns = [*KEYS, "criterion", "picked_k", "oracle_k", "picked_ari", "oracle_ari",
               "ari_regret", "picked_covering", "oracle_covering"]  # fmt: skip
    return table[columns].sort_values([*KEYS, "criterion"]).reset_index(drop=True)


def choice_of_k_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: mean picked and oracle ARI, mean regret and how often k was the oracle's."""
    if table.empty:
        return pd.DataFrame()
    summary = table.groupby("criterion").agg(
        cases=("picked_k", "size"),
        picked_ari=("picked_ari", "mean"),
        oracle_ari=("oracle_ari", "mean"),
        ari_regret=("ari_regret", "mean"),
        picked_covering=("picked_covering", "mean"),
        oracle_covering=("oracle_covering", "mean"),
        hit_rate=("picked_k", lambda s: float((s == table.loc[s.index, "oracle_k"]).mean())),
    )
    return summary.sort_values("ari_regret").reset_index()


def main(snakemake) -> None:
    """Snakemake entry: leaderboard and choice-of-k tables."""
    from segsweep.storage import read_csv, write_csv

    fits = read_csv(snakemake.input.fits)
    choice = choice_of_k(fits, read_csv(snakemake.input.picks))
    write_csv(snakemake.output.leaderboard, leaderboard(fits))
    write_csv(snakemake.output.choice, choice)
    write_csv(snakemake.output.choice_summary, choice_of_k_summary(choice))
