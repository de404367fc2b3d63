"""The val studies: how the published BSDS500 setups were chosen, rerunnable.

Two studies, each a configuration run on the BSDS500 val split (never test):

- ``setup``: ``workflow/configs/bsds500-val-study.yaml`` on the 100 val images, how
  ``gmm_merged`` (workflow/configs/bsds500.yaml) was chosen, one setting at a time;
- ``families``: ``workflow/configs/bsds500-val-families.yaml`` on the first 50, which
  setting of every other method family workflow/configs/bsds500-all.yaml runs.

``make val-study BSDS=PATH`` (``python tests/studies/val.py --bsds PATH [--study NAME]``)
runs each in ``results/studies/val-NAME/`` (a folder of links to the workflow, so
``results/`` of the main run is left alone and a rerun redoes only what changed), then
prints its table for docs/bsds500.md: each entry's covering ODS with its interval, OIS, the
value ODS chose, and the seconds per image its jobs took, grouped as the study compared
them. ``--limit N`` runs on the first N val images.

Nothing here is a test; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
#: The study's comparisons, in the order docs/bsds500.md shows them: (heading, entries).
SETUP_GROUPS = [
    ("merge criterion (k = 8, gradient after a Gaussian of 2 px)",
     ["merge_colour", "merge_ward", "merge_colour_boundary", "gmm_merged"]),
    ("k of the mixture (boundary criterion)",
     ["merged_k6", "gmm_merged", "merged_k10", "merged_k16"]),
    ("Gaussian before the gradient (px)",
     ["merged_sigma0_5", "merged_sigma1", "merged_sigma1_5", "gmm_merged", "merged_sigma3"]),
    ("one other setting changed",
     ["gmm_merged", "merged_no_smoothing", "merged_min_region200", "merged_xy2"]),
    ("other setups", ["gmm_regions", "felzenszwalb", "felzenszwalb_min100"]),
]  # fmt: skip
FAMILY_GROUPS = [
    ("clustering, colour alone and with the regions options of gmm_regions",
     ["kmeans", "kmeans_regions", "minibatch_kmeans_regions", "opencv_kmeans_regions",
      "bayesian_gmm_regions", "ward", "ward_regions", "slic_kmeans", "slic_kmeans_regions",
      "otsu", "otsu_regions", "dbscan", "dbscan_regions", "optics", "optics_regions",
      "meanshift"]),
    ("region methods at their defaults, and one other setting",
     ["quickshift", "slic_ncut", "slic_rag", "slic_rag_threshold", "watershed",
      "watershed_compact0", "corner_threshold"]),
]  # fmt: skip
#: Study name -> (configuration, groups of its table).
STUDIES = {
    "setup": (ROOT / "workflow" / "configs" / "bsds500-val-study.yaml", SETUP_GROUPS),
    "families": (ROOT / "workflow" / "configs" / "bsds500-val-families.yaml", FAMILY_GROUPS),
}


def prepare(folder: Path, config_file: Path, bsds: str, limit: int | None, entries=None) -> Path:
    """The study's working folder: links to the workflow and its study configuration (the
    configuration's own ``bsds.limit`` unless ``limit`` is given; only the setups named in
    ``entries`` when some are)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "workflow", "config.yaml", "environment.yml"):
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name)
    config = yaml.safe_load(config_file.read_text())
    config["bsds"] = {**config["bsds"], "root": str(Path(bsds).resolve())}
    if limit is not None:
        config["bsds"]["limit"] = limit
    if entries:
        unknown = sorted(set(entries) - set(config["methods"]))
        if unknown:
            raise SystemExit(f"--entries: {unknown} not in {config_file.name}")
        config["methods"] = {k: v for k, v in config["methods"].items() if k in entries}
    study = folder / "study.yaml"
    study.write_text(yaml.safe_dump(config, sort_keys=False))
    return study


def run(folder: Path, study: Path, cores: int) -> float:
    """Run the pipeline to the leaderboard; return its wall time in seconds."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "snakemake", "--cores", str(cores), "--configfile",
               str(study), "--rerun-incomplete", "--keep-going",
               "results/tables/leaderboard.csv"]  # fmt: skip
    subprocess.run(command, cwd=folder, check=True)
    return time.perf_counter() - start


def table(folder: Path, groups: list) -> str:
    """The study's table (markdown), from the leaderboard and the per-job timings."""
    board = pd.read_csv(folder / "results/tables/leaderboard.csv").set_index("method")
    timings = pd.read_csv(folder / "results/tables/timings.csv")
    per_image = (timings.groupby("method")[["fit_seconds", "evaluate_seconds"]].sum().sum(axis=1)
                 / timings["image"].nunique())  # fmt: skip
    n_images = int(board["n_images"].max())
    lines = [f"Covering on the {n_images} BSDS500 val images (95% interval at the ODS value; "
             "share: how often ODS chooses that value when the images are resampled).", "",
             "| entry | covering ODS | OIS | at ODS | share | s per image |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for heading, entries in groups:
        lines.append(f"| *{heading}* | | | | | |")
        for entry in entries:
            if entry not in board.index:
                continue
            row = board.loc[entry]
            lines.append(
                f"| `{entry}` | {row.covering_ods:.3f} [{row.covering_ods_low:.3f}, "
                f"{row.covering_ods_high:.3f}] | {row.covering_ois:.3f} | "
                f"{row.parameter} = {row.covering_ods_value:g} | "
                f"{row.covering_ods_value_share:.2f} | {per_image[entry]:.1f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Command line: ``val.py --bsds PATH [--study NAME ...] [--limit N] [--entries E ...]
    [--cores N] [--table-only]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bsds", default=str(ROOT / "data" / "BSDS500"), help="BSDS500 copy")
    parser.add_argument("--limit", type=int, default=None, help="first N val images only")
    parser.add_argument("--entries", nargs="+", help="these setups of the study only")
    parser.add_argument("--study", choices=list(STUDIES), nargs="+", default=list(STUDIES))
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(ROOT / "results" / "studies"))
    parser.add_argument("--table-only", action="store_true", help="print the last run's table")
    args = parser.parse_args(argv)
    for name in args.study:
        config_file, groups = STUDIES[name]
        folder = Path(args.out) / f"val-{name}"
        text = f"Study {name} ({config_file.name}).\n\n"
        if not args.table_only:
            study = prepare(folder, config_file, args.bsds, args.limit, args.entries)
            wall = run(folder, study, args.cores)
            text += (
                f"Run on {time.strftime('%Y-%m-%d')}, {args.cores} cores: {wall / 60:.1f} min.\n\n"
            )
        text += table(folder, groups)
        print(text)
        (folder / "study.md").write_text(text)


if __name__ == "__main__":
    main()
