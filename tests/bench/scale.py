"""Scale benchmark: the pipeline against a plain single-process loop on N labelled images.

``make bench-scale`` (``python tests/bench/scale.py``) builds N labelled images of 481 x 321
in the BSDS500 layout (:mod:`datasets`; or reads the BSDS500 copy given with ``--bsds``),
then, for each N of ``--sizes`` (10, 50, 200):

- runs the pipeline to the leaderboard (``results/tables/leaderboard.csv``) in a fresh copy
  of the workflow, on 2 cores: one colour space (Lab), one method (k-means, ``n_init`` 1,
  the pipeline's default sample size), k = 2..10, one seed;
- times, side by side in the same run, a plain single-process loop doing the same work as a
  careless script would write it: scikit-image's Lab conversion, scikit-learn ``KMeans``
  (``n_init=1``) fitted on the same seeded sample of pixels as the pipeline
  (:data:`SAMPLE_SIZE`, drawn by the pipeline's rule) and assigning every pixel, for every
  k, the internal criteria (Calinski-Harabasz,
  Davies-Bouldin, silhouette on the same 5 000-pixel sample size), and every score against
  every annotation (adjusted Rand, adjusted mutual information, Rand, variation of
  information, covering, Hungarian accuracy), each library call on its own, then ODS/OIS;
- prints both wall times, the ratio pipeline/loop and the seconds per image.

Then, at ``--split-size`` images, the pipeline with ``split_regions`` against the same run
without it (target: at most 1.5x), and the fixed cost per (image, space, method): the wall
time the pipeline adds per image for a method that does almost nothing (``corner_threshold``),
from two runs of ``--fixed-sizes`` images. Last, scoring one fit with 5 000 segments
against 5 annotations, segsweep's one-table scores against the library calls.

The two make the same fits except for the Lab conversion: OpenCV's in float32 in the
pipeline, scikit-image's in float64 in the loop (within 0.5 Lab units of each other,
:mod:`segsweep.fit.spaces`); the pipeline also divides Lab by 100, which k-means does not see
(its initialisation and tolerance are relative to the data's spread).

Every pipeline and loop runs in its own process, alternately (pipeline, loop, pipeline, ...).
This is a benchmark, not a test: it prints figures and asserts nothing. The 200-image loop
alone takes about 20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KS = list(range(2, 11))
SILHOUETTE_SAMPLE = 5000
#: Pixels each k-means fit is fitted on, in the pipeline (its default) and in the loop.
SAMPLE_SIZE = 50_000


def pipeline_config(bsds_root: Path, split: str, count: int, method: dict) -> dict:
    """The benchmark's configuration: Lab, one method, k = 2..10, one seed."""
    return {
        "bsds": {"root": str(bsds_root), "split": split, "limit": count},
        "spaces": ["lab"],
        "methods": {"bench": method},
        "k": KS,
        "seeds": [0],
        "sample_size": SAMPLE_SIZE,
        "criteria": {"silhouette_sample": SILHOUETTE_SAMPLE},
    }


def run_pipeline(config: dict) -> dict:
    """Run the workflow to the leaderboard in a fresh copy; return wall time and results."""
    with tempfile.TemporaryDirectory(prefix="segsweep-scale-") as folder:
        work = Path(folder)
        shutil.copy(ROOT / "Snakefile", work / "Snakefile")
        shutil.copy(ROOT / "environment.yml", work / "environment.yml")
        shutil.copytree(ROOT / "workflow", work / "workflow",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        (work / "config.yaml").write_text(yaml.safe_dump(config))
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "snakemake", "--cores", "2", "--quiet", "all",
             "--", "results/tables/leaderboard.csv"],
            cwd=work, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"pipeline failed:\n{done.stderr[-3000:]}")
        top = read_rows(work / "results/tables/leaderboard.csv")[0]
        fits = read_rows(work / "results/tables/timings.csv")
        work_seconds = sum(float(f["fit_seconds"]) + float(f["evaluate_seconds"]) for f in fits)
    return {"wall": wall, "covering_ods": float(top["covering_ods"]), "work": work_seconds}


def read_rows(path: Path) -> list[dict]:
    """The rows of a CSV table as dictionaries (no pandas in the driver)."""
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def careless_loop(bsds_root: str, split: str, count: int) -> dict:
    """The plain loop (see the module docstring); returns its covering ODS."""
    import numpy as np
    from scipy.io import loadmat
    from scipy.optimize import linear_sum_assignment
    from skimage import color, io
    from skimage.metrics import variation_of_information
    from sklearn.cluster import KMeans
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        rand_score,
        silhouette_score,
    )
    from sklearn.metrics.cluster import contingency_matrix

    root = Path(bsds_root)
    photos = sorted((root / "images" / split).glob("*.jpg"))[:count]
    numerators = {k: 0.0 for k in KS}
    denominators = {k: 0.0 for k in KS}
    for photo in photos:
        X = color.rgb2lab(io.imread(photo)).reshape(-1, 3)
        mat = root / "groundTruth" / split / f"{photo.stem}.mat"
        truths = [cell["Segmentation"][0, 0].ravel() for cell in loadmat(mat)["groundTruth"][0]]
        sample = np.sort(np.random.default_rng(0).choice(len(X), SAMPLE_SIZE, replace=False))
        for k in KS:
            labels = KMeans(n_clusters=k, n_init=1, random_state=0).fit(X[sample]).predict(X)
            calinski_harabasz_score(X, labels)
            davies_bouldin_score(X, labels)
            silhouette_score(X, labels, sample_size=SILHOUETTE_SAMPLE, random_state=0)
            for truth in truths:
                adjusted_rand_score(truth, labels)
                adjusted_mutual_info_score(truth, labels)
                rand_score(truth, labels)
                variation_of_information(truth, labels)
                table = contingency_matrix(truth, labels)
                sizes = table.sum(axis=1)
                union = sizes[:, None] + table.sum(axis=0)[None, :] - table
                numerators[k] += float(((table / union).max(axis=1) * sizes).sum())
                denominators[k] += float(sizes.sum())
                rows, cols = linear_sum_assignment(table, maximize=True)
                table[rows, cols].sum() / table.sum()
    return {"covering_ods": max(numerators[k] / denominators[k] for k in KS)}


def run_loop(bsds_root: Path, split: str, count: int) -> dict:
    """:func:`careless_loop` in a fresh Python process (imports included, as for a script)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), "loop", str(bsds_root), split, str(count)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall = time.perf_counter() - start
    return {"wall": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def scoring_case() -> str:
    """Scoring one 481 x 321 fit with about 5 000 segments against 5 annotations."""
    import numpy as np
    from skimage.metrics import variation_of_information
    from skimage.segmentation import slic
    from sklearn.metrics import adjusted_rand_score, rand_score
    from sklearn.metrics.cluster import contingency_matrix

    sys.path.insert(0, str(ROOT / "workflow" / "scripts"))
    from datasets import labelled_image

    from segsweep.score.measures import score_annotations

    rgb, annotations = labelled_image(0)
    annotations = annotations[:5]
    segments = slic(rgb, n_segments=6000, compactness=10, start_label=0)
    n_segments = len(np.unique(segments))
    start = time.perf_counter()
    score_annotations(annotations, segments)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for truth in annotations:  # the library calls, one contingency table each
        t, s = truth.ravel(), segments.ravel()
        adjusted_rand_score(t, s)
        rand_score(t, s)
        variation_of_information(t, s)
        contingency_matrix(t, s)
    theirs = time.perf_counter() - start
    return (
        f"| scoring one 481x321 fit, {n_segments} segments, 5 annotations | {ours:.3f} s "
        f"(every score but AMI) | {theirs:.3f} s (ARI, RI, VI, contingency by their library "
        f"calls, no covering or matching) | target < 0.5 s |"
    )


KMEANS = {"method": "kmeans", "params": {"n_init": 1}}


def growth_rows(root: Path, split: str, sizes: list[int]) -> tuple[list[str], dict[int, float]]:
    """Pipeline against the loop at each N: rows of the first table, and the pipeline walls."""
    rows = [
        "| N | pipeline s | loop s | pipeline / loop | pipeline s per image | "
        "loop s per image | covering ODS pipeline / loop |",
        "|---|---|---|---|---|---|---|",
    ]
    walls = {}
    for count in sizes:
        ours = run_pipeline(pipeline_config(root, split, count, KMEANS))
        loop = run_loop(root, split, count)
        walls[count] = ours["wall"]
        rows.append(
            f"| {count} | {ours['wall']:.1f} | {loop['wall']:.1f} | "
            f"{ours['wall'] / loop['wall']:.2f} | {ours['wall'] / count:.2f} | "
            f"{loop['wall'] / count:.2f} | {ours['covering_ods']:.3f} / "
            f"{loop['covering_ods']:.3f} |"
        )
        print(rows[-1], flush=True)
    return rows, walls


def split_row(root: Path, split: str, count: int, plain_wall: float | None) -> str:
    """split_regions against the same run without it."""
    if plain_wall is None:
        plain_wall = run_pipeline(pipeline_config(root, split, count, KMEANS))["wall"]
    split_wall = run_pipeline(
        pipeline_config(root, split, count, {**KMEANS, "split_regions": True})
    )["wall"]
    return (
        f"| split_regions, {count} images | {split_wall:.1f} s | {plain_wall:.1f} s without | "
        f"{split_wall / plain_wall:.2f}x (target <= 1.5x) |"
    )


def fixed_cost_row(root: Path, split: str, small: int, large: int) -> str:
    """The wall time one more (image, space, method) adds, for a method that does almost
    nothing, less what its jobs spent fitting and scoring (shared by the 2 cores)."""
    trivial = {"method": "corner_threshold"}
    runs = [run_pipeline(pipeline_config(root, split, n, trivial)) for n in (small, large)]
    per_unit = (runs[1]["wall"] - runs[0]["wall"]) / (large - small)
    work = (runs[1]["work"] - runs[0]["work"]) / (large - small) / 2
    return (
        f"| fixed cost per (image, space, method): corner_threshold at {small} and {large} "
        f"images | {per_unit:.2f} s wall per added unit on 2 cores, of which {work:.2f} s "
        f"fitting and scoring (criteria, AMI of 5-7 annotations): {per_unit - work:.2f} s "
        f"fixed | {runs[0]['wall']:.1f} s / {runs[1]['wall']:.1f} s | target about 1 s |"
    )


def main(argv: list[str] | None = None) -> None:
    """Command line; see the module docstring and ``--help``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["loop"]:
        print(json.dumps(careless_loop(argv[1], argv[2], int(argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50, 200])
    parser.add_argument("--split-size", type=int, default=50, help="N of the split_regions case")
    parser.add_argument("--fixed-sizes", type=int, nargs=2, default=[10, 50])
    parser.add_argument("--bsds", type=Path, help="a BSDS500 copy (images/, groundTruth/)")
    parser.add_argument("--split", default="test", help="the BSDS500 split with --bsds")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "bench" / "scale.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from datasets import write_bsds_like

    with tempfile.TemporaryDirectory(prefix="segsweep-scale-data-") as data:
        root = args.bsds or Path(data) / "BSDS500"
        if args.bsds is None:
            write_bsds_like(root, max([*args.sizes, args.split_size, *args.fixed_sizes]))
        source = str(args.bsds) if args.bsds else "generated BSDS500-shaped images"
        title = (f"# segsweep scale benchmark ({time.strftime('%Y-%m-%d %H:%M')}, "
                 f"{os.cpu_count()} CPUs, {source})")  # fmt: skip
        growth, walls = growth_rows(root, args.split, args.sizes)
        lines = [
            title,
            "",
            *growth,
            "",
            "| case | segsweep | baseline | result |",
            "|---|---|---|---|",
        ]
        for row in (
            lambda: split_row(root, args.split, args.split_size, walls.get(args.split_size)),
            lambda: fixed_cost_row(root, args.split, *args.fixed_sizes),
            scoring_case,
        ):
            lines.append(row())
            print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
