"""The published BSDS500 comparison end to end, against a baseline commit, side by side.

``make bench-bsds BSDS=PATH N=10`` (``python tests/bench/bsds.py --bsds PATH --n 10``) runs
the configuration file as published at the baseline commit (``--base``, b81c82c: README's
``workflow/configs/bsds500.yaml`` of 2026-11-30) on the first N test images, end to end:
every table and figure (Snakemake's default target), then ``--report``. It runs it twice,
with the baseline's code (a git worktree of that commit) and with this checkout's, one after
the other on the same machine (``--order`` sets which first; noise between two runs of the
same code was a ratio of 0.98), each in a fresh folder under ``results/bench/bsds/``, and
prints:

- wall time of the run and of the report, and the ratio this checkout / baseline;
- job-seconds per rule (from each Snakemake log's job start and finish times, to the
  second) and the Snakemake process's own CPU time (scheduling, bookkeeping);
- for this checkout, the jobs' start-up: each job logs its work and its process time
  (:mod:`segsweep.entry`), and start-up is what a job took beyond its work, Python's start,
  imports and Snakemake's script preamble included, over the run's job-seconds;
- whether the results are the same, per entry: how many label maps are identical, the
  largest change of a leaderboard score (region scores at ODS and OIS, the ODS values), and
  for mixtures the largest change of a fit's mean log-likelihood per pixel.

It measures and compares; it asserts nothing. ``--skip-base`` reuses the baseline's last
run in its folder (same N), for a second look at this checkout.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))
BASE_COMMIT = "b81c82c"
CONFIG = "workflow/configs/bsds500.yaml"
#: Leaderboard columns compared between the two runs.
SCORES = ["covering_ods", "covering_ods_value", "covering_ois", "pri_ods", "pri_ois",
          "vi_ods", "vi_ois", "ari_ods", "ari_ods_value", "ari_ois"]  # fmt: skip


def base_code(folder: Path, commit: str) -> Path:
    """A worktree of ``commit`` (made once; a worktree whose folder was deleted, with
    ``results/``, is forgotten first)."""
    code = folder / f"code-{commit}"
    if not code.exists():
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(["git", "worktree", "add", "--detach", str(code), commit], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
    return code


def prepare(run: Path, code: Path, config: dict) -> Path:
    """A fresh run folder: links to ``code``'s workflow and the benchmark's configuration."""
    if run.exists():
        shutil.rmtree(run)
    run.mkdir(parents=True)
    for name in ("Snakefile", "workflow", "config.yaml", "environment.yml"):
        (run / name).symlink_to(code / name)
    path = run / "bench.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def timed(command: list[str], run: Path) -> tuple[float, float]:
    """Run ``command`` in ``run``; its wall time and the main process's own CPU time."""
    import psutil

    start = time.perf_counter()
    process = psutil.Popen(command, cwd=run, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # fmt: skip
    cpu = 0.0
    while process.poll() is None:
        try:
            times = process.cpu_times()
            cpu = times.user + times.system
        except psutil.Error:
            break
        time.sleep(0.5)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {run}")
    return time.perf_counter() - start, cpu


def run_pipeline(run: Path, config: Path) -> dict:
    """Every table and figure, then the report; wall and Snakemake CPU times."""
    snakemake = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", str(config)]
    wall, cpu = timed(snakemake, run)
    report_wall, _ = timed([*snakemake, "--report", "results/report.html"], run)
    return {"wall": wall, "snakemake_cpu": cpu, "report": report_wall}


_STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")


def job_seconds(run: Path) -> dict[str, float]:
    """Seconds per rule summed over its jobs, from the run's Snakemake log (the time stamp
    before a job's start and before its 'Finished jobid' line)."""
    log = sorted((run / ".snakemake/log").glob("*.snakemake.log"))[0].read_text().splitlines()
    stamp, started, rule_of = None, {}, {}
    seconds: dict[str, float] = defaultdict(float)
    for index, line in enumerate(log):
        found = _STAMP.match(line.strip())
        if found:
            stamp = datetime.strptime(found.group(1), "%a %b %d %H:%M:%S %Y")
            continue
        rule = re.match(r"^(?:local)?(?:rule|checkpoint) (\w+):$", line.strip())
        if rule:
            for following in log[index + 1 : index + 12]:
                job = re.match(r"^\s*jobid: (\d+)$", following)
                if job:
                    started[job.group(1)] = stamp
                    rule_of[job.group(1)] = rule.group(1)
                    break
        finished = re.match(r"^Finished jobid: (\d+)", line.strip())
        if finished and finished.group(1) in started:
            job = finished.group(1)
            seconds[rule_of[job]] += (stamp - started[job]).total_seconds()
    return dict(seconds)


def startup(run: Path) -> tuple[float, float]:
    """(start-up seconds, process seconds) summed over this checkout's jobs, from the
    lines :mod:`segsweep.entry` writes to each job's log."""
    total_startup = total_process = 0.0
    pattern = re.compile(r"segsweep job seconds: work ([\d.]+), process ([\d.]+)")
    for log in (run / "results/logs").rglob("*.log"):
        found = pattern.search(log.read_text(errors="replace"))
        if found:
            work, process = float(found.group(1)), float(found.group(2))
            total_startup += process - work
            total_process += process
    return total_startup, total_process


def same_results(base: Path, new: Path) -> list[str]:
    """Per entry: label maps identical out of those compared, the largest change of a
    leaderboard score (region scores at ODS and OIS, the ODS values), and for mixtures the
    largest change of a fit's mean log-likelihood per pixel (the quality rule for a faster
    fitting algorithm: within 0.001 nats, and no covering ODS moved by more than 0.002)."""
    from segsweep.store.files import read_csv
    from segsweep.store.labelmaps import find_label_maps, load_label_maps

    maps: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # method -> [identical, compared]
    for path in sorted((base / "results/labels").glob("*/*.npz")):
        image, method = path.parent.name, path.stem
        old, fresh = load_label_maps(path), find_label_maps(new / "results", image, method)
        for key, labels in old.items():
            other = fresh.get(key)
            maps[method][1] += 1
            maps[method][0] += bool(other is not None and other.dtype == labels.dtype
                                    and np.array_equal(other, labels))  # fmt: skip
    boards = [pd.read_csv(folder / "results/tables/leaderboard.csv").set_index(["space",
              "method"]).sort_index()[SCORES] for folder in (base, new)]  # fmt: skip
    moved = (boards[1] - boards[0]).abs().max(axis=1).groupby(level="method").max()
    key = ["image", "space", "method", "value", "seed"]
    fits = [read_csv(folder / "results/tables/fits.csv").set_index(key).sort_index()
            for folder in (base, new)]  # fmt: skip
    likelihood = (fits[1]["log_likelihood"] - fits[0]["log_likelihood"]).abs()
    likelihood = likelihood.groupby(level="method").max()
    lines = ["| entry | label maps identical | largest score change | largest log-likelihood "
             "change (nats per pixel) |", "|---|---|---|---|"]  # fmt: skip
    for method, (same, compared) in sorted(maps.items()):
        change = likelihood.get(method, np.nan)
        recorded = [fits[i]["log_likelihood"].xs(method, level="method").notna().any()
                    for i in (0, 1)]  # fmt: skip
        shown = (f"{change:.2g}" if not np.isnan(change) else "" if not any(recorded)
                 else "not recorded by the base code (tests/bench/mixture.py)")  # fmt: skip
        lines.append(f"| {method} | {same} of {compared} | {moved.get(method, np.nan):.2g} | "
                     f"{shown} |")  # fmt: skip
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bsds", default=str(ROOT / "data" / "BSDS500"))
    parser.add_argument("--n", type=int, default=10, help="first N test images")
    parser.add_argument("--base", default=BASE_COMMIT)
    parser.add_argument("--order", choices=["base-first", "new-first"], default="base-first")
    parser.add_argument("--skip-base", action="store_true")
    args = parser.parse_args(argv)
    folder = ROOT / "results" / "bench" / "bsds"
    folder.mkdir(parents=True, exist_ok=True)
    published = subprocess.run(["git", "show", f"{args.base}:{CONFIG}"], cwd=ROOT, check=True,
                               capture_output=True, text=True).stdout  # fmt: skip
    config = yaml.safe_load(published)
    config["bsds"] = {**config["bsds"], "root": str(Path(args.bsds).resolve()), "limit": args.n}
    codes = {"base": base_code(folder, args.base), "new": ROOT}
    order = ["base", "new"] if args.order == "base-first" else ["new", "base"]
    results = {}
    for name in order:
        run = folder / f"{name}-{args.n}"
        if name == "base" and args.skip_base:
            results[name] = yaml.safe_load((run / "timing.yaml").read_text())
            continue
        results[name] = run_pipeline(run, prepare(run, codes[name], config))
        results[name]["jobs"] = job_seconds(run)
        (run / "timing.yaml").write_text(yaml.safe_dump(results[name]))
    base, new = folder / f"base-{args.n}", folder / f"new-{args.n}"
    startup_seconds, process_seconds = startup(new)
    comparison = same_results(base, new)
    total = {name: r["wall"] + r["report"] for name, r in results.items()}
    lines = [f"BSDS500 test, first {args.n} images, {CONFIG} as published at {args.base}, "
             f"{time.strftime('%Y-%m-%d %H:%M')}", "",
             f"| | {args.base} | this checkout | ratio |", "|---|---|---|---|"]  # fmt: skip
    for label, key in (("tables and figures, wall s", "wall"), ("report, wall s", "report"),
                       ("Snakemake process CPU s", "snakemake_cpu")):  # fmt: skip
        a, b = results["base"][key], results["new"][key]
        lines.append(f"| {label} | {a:.1f} | {b:.1f} | {b / a:.2f} |")
    lines.append(f"| **end to end, wall s** | {total['base']:.1f} | {total['new']:.1f} | "
                 f"**{total['new'] / total['base']:.2f}** |")  # fmt: skip
    rules = sorted(set(results["base"]["jobs"]) | set(results["new"]["jobs"]))
    for rule in rules:
        a, b = results["base"]["jobs"].get(rule, 0.0), results["new"]["jobs"].get(rule, 0.0)
        lines.append(f"| job-seconds: {rule} | {a:.0f} | {b:.0f} | |")
    a, b = (sum(results[n]["jobs"].values()) for n in ("base", "new"))
    lines.append(f"| job-seconds: all | {a:.0f} | {b:.0f} | {b / a:.2f} |")
    share = startup_seconds / process_seconds if process_seconds else float("nan")
    lines += ["", "This checkout's jobs: start-up (Python, imports, preamble) "
              f"{startup_seconds:.0f} of {process_seconds:.0f} process-seconds ({share:.1%}).",
              "", *comparison]  # fmt: skip
    text = "\n".join(lines) + "\n"
    print(text)
    (folder / f"report-{args.n}.md").write_text(text)


if __name__ == "__main__":
    main()
