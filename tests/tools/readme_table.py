"""README's BSDS500 tables, from one run's tables: ``python -m tools.readme_table [TABLES]``.

Prints the markdown table README and docs/bsds500.md show for a run, every number read from
that run's ``leaderboard.csv`` and ``timings.csv`` (``results/tables`` by default), so a
published table is the output of one run of the config it names:

- covering and boundary F at ODS with their 95% intervals, the other scores at ODS / OIS;
- the value ODS chose (covering's, then boundary F's when it differs);
- seconds per image: an entry's fitting and region scoring over all its swept values and
  seeds, summed per image and averaged over images (``timings.csv``: start-up, boundary
  scores and figures are not in it).

``PYTHONPATH=workflow/scripts:tests python -m tools.readme_table results/tables``
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def seconds_per_image(timings: pd.DataFrame) -> pd.Series:
    """Mean over images of an entry's summed fit and scoring seconds, by space and entry."""
    timings = timings.assign(seconds=timings["fit_seconds"] + timings["evaluate_seconds"])
    per_image = timings.groupby(["space", "method", "image"])["seconds"].sum()
    return per_image.groupby(["space", "method"]).mean()


def table(leaderboard: pd.DataFrame, timings: pd.DataFrame | None = None) -> str:
    """The markdown table, one row per entry in the leaderboard's order."""
    seconds = seconds_per_image(timings) if timings is not None else pd.Series(dtype=float)

    def interval(row, score, digits=3):
        low, high = row.get(f"{score}_low"), row.get(f"{score}_high")
        if pd.isna(row.get(score)):
            return ""
        text = f"{row[score]:.{digits}f}"
        return text if pd.isna(low) else f"{text} [{low:.{digits}f}, {high:.{digits}f}]"

    def value(number, digits=2):
        return "" if pd.isna(number) else f"{number:.{digits}f}"

    def chosen(row):
        parts = [f"{row['parameter']} = {row['covering_ods_value']:g}"]
        boundary = row.get("boundary_f_ods_value")
        if not pd.isna(boundary) and boundary != row["covering_ods_value"]:
            parts.append(f"(F: {boundary:.3g})")
        return " ".join(parts)

    lines = [
        "| method | covering ODS | OIS | PRI ODS / OIS | VI ODS / OIS | boundary F ODS | F OIS "
        "| AP | ODS at | s per image |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    one_space = leaderboard.groupby("method")["space"].nunique().max() == 1
    for _, row in leaderboard.iterrows():
        entry = row["method"] if one_space else f"{row['space']}/{row['method']}"
        lines.append(
            f"| `{entry}` | {interval(row, 'covering_ods')} | {value(row['covering_ois'], 3)} "
            f"| {value(row['pri_ods'])} / {value(row['pri_ois'])} "
            f"| {value(row['vi_ods'])} / {value(row['vi_ois'])} "
            f"| {interval(row, 'boundary_f_ods')} | {value(row.get('boundary_f_ois'), 3)} "
            f"| {value(row.get('boundary_f_ap'), 3)} | {chosen(row)} "
            f"| {value(seconds.get((row['space'], row['method'])), 1)} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Print the table of the run whose tables are in ``argv[0]``."""
    folder = Path((argv or sys.argv[1:] or ["results/tables"])[0])
    timings = folder / "timings.csv"
    print(table(pd.read_csv(folder / "leaderboard.csv"),
                pd.read_csv(timings) if timings.exists() else None), end="")  # fmt: skip


if __name__ == "__main__":
    main()
