"""Benchmark: segsweep's way against plain baselines, measured in one run.

``make bench`` (``python -m bench.cases``, with ``tests`` and ``workflow/scripts`` on the
path) prints a table and writes it to
``results/bench/benchmark.md``. Every figure is the median of ``--repeats`` runs (default 3),
each in a fresh Python process so peak memory (resident set size) is that run's own:

1. k-means sweep, k = 2..10, on a seeded 4096 x 4096 photo-like image: segsweep (the shipped
   setup: fit on a 50 000-pixel sample, assign every pixel in chunks, full-image inertia) against
   scikit-learn KMeans fitted on all pixels for every k. Quality: full-image inertia per k.
   The same sweep at 1, 4 and 16 Mpx shows how the cost grows with the pixels.
2. Full-covariance GMM sweep, k = 2..8, on a 2048 x 2048 image: segsweep against
   GaussianMixture on all pixels. The baseline takes one to two minutes per k, so it runs for
   k = 2, 5 and 8 (the smallest, middle and largest k) and the speed-up compares segsweep on
   the same three k (the table says so); segsweep's whole k = 2..8 sweep is a row of its
   own. Quality: mean per-pixel log-likelihood on all pixels.
3. The whole default pipeline from scratch, a no-op re-run and the figures-only target,
   against the targets (120 s, 3 s, 60 s) as there is no other baseline.
4. Lab and HSV conversion of the 16.8 Mpx image: OpenCV (segsweep) against scikit-image.
5. The shipped sample sizes (k-means 50 000, GMM 30 000 pixels) against the earlier
   100 000 on the bundled images: fit time and quality (:func:`defaults_rows`).
6. A sweep of ``merge_boundaries`` over 7 thresholds on the connected regions of a k-means
   fit of a bundled photo: segsweep (one boundary hierarchy, cut at each threshold)
   against scikit-image's ``merge_hierarchical`` run once per threshold on the same
   regions. Quality: whether the labels are the same at every threshold.
7. The leaderboard's intervals: how often a 95% interval holds the true ODS of synthetic
   datasets of 10, 30 and 100 images, against the bootstraps it replaced
   (:mod:`bench.intervals`).

This is a benchmark, not a test: it asserts nothing. It is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.intervals import interval_rows

ROOT = Path(__file__).resolve().parents[2]

#: The method setups of segsweep's defaults before the dataset-scale work (issue 12): every
#: model fitted on 100 000 pixels. The defaults case compares the shipped setups with them.
EARLIER_SETUPS = {
    "kmeans": {"method": "kmeans", "params": {"n_init": 5}, "sample_size": 100_000},
    "gmm": {"method": "gmm", "params": {"covariance_type": "full"}, "sample_size": 100_000},
}


def shipped_setups() -> dict[str, dict]:
    """The method setups of the shipped config.yaml, completed as the workflow does."""
    import yaml
    from snakemake.utils import validate

    from segsweep.configuration import method_setups

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    validate(config, str(ROOT / "workflow" / "schemas" / "config.schema.yaml"), set_default=True)
    return method_setups(config)


def photo_like(side: int, seed: int = 0) -> np.ndarray:
    """A seeded side x side RGB image of smooth colour regions, shading and noise."""
    import cv2

    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (12, 12, 3)).astype(np.float32)
    smooth = cv2.resize(coarse, (side, side), interpolation=cv2.INTER_CUBIC)
    shade = np.linspace(0.7, 1.1, side, dtype=np.float32)[None, :, None]
    noisy = smooth * shade + rng.normal(0, 6, (side, side, 3)).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- workers (one process each)


def sweep_at_k(features, setup: dict, ks, seeds):
    """The fits table of a k-method setup (shipped or earlier) swept over ``ks``."""
    from segsweep.configuration import method_setup
    from segsweep.fit.sweep import sweep

    raw = {**setup, "grid": list(ks), "sample_size": setup["sample_size"] or "all"}
    completed = method_setup(raw, ks=list(ks), sample_size="all")
    return sweep(features, completed, seeds)[0]


def _kmeans(variant: str, side: int, ks: list[int]) -> dict:
    from segsweep.fit.spaces import to_features
    from segsweep.store.labelmaps import compactness

    features = to_features(photo_like(side), "rgb")
    start, cpu = time.perf_counter(), time.process_time()
    if variant == "segsweep":
        fits = sweep_at_k(features, shipped_setups()["kmeans"], ks, [0])
        quality = dict(zip(map(int, fits["k"]), fits["inertia"], strict=True))
    else:
        from sklearn.cluster import KMeans

        X = features.reshape(-1, 3)
        quality = {}
        for k in ks:
            labels = KMeans(k, n_init=1, random_state=0, algorithm="lloyd").fit(X).labels_
            quality[k] = compactness(X, labels)[0]
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "quality": quality}  # fmt: skip


def _gmm(variant: str, side: int, ks: list[int]) -> dict:
    from segsweep.fit.spaces import to_features
    from segsweep.fit.sweep import mean_log_likelihood

    features = to_features(photo_like(side), "rgb")
    start, cpu = time.perf_counter(), time.process_time()
    if variant in ("segsweep", "segsweep-100k"):
        setup = shipped_setups()["gmm"] if variant == "segsweep" else EARLIER_SETUPS["gmm"]
        fits = sweep_at_k(features, setup, ks, [0])
        quality = dict(zip(map(int, fits["k"]), fits["log_likelihood"], strict=True))
    else:
        from sklearn.mixture import GaussianMixture

        X = features.reshape(-1, 3)
        quality = {}
        for k in ks:
            model = GaussianMixture(k, covariance_type="full", random_state=0).fit(X)
            quality[k] = mean_log_likelihood(model, X)
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
            "quality": quality}  # fmt: skip


def _convert(variant: str, side: int, space: str) -> dict:
    from skimage import color

    from segsweep.fit.spaces import to_features

    def convert(image):
        if variant == "segsweep":
            return to_features(image, space)
        unit = image.astype(np.float32) / np.float32(255.0)
        return (color.rgb2lab if space == "lab" else color.rgb2hsv)(unit)

    rgb = photo_like(side)
    convert(rgb[:8, :8])  # warm up: one-time library initialisation is not conversion
    start, cpu = time.perf_counter(), time.process_time()
    convert(rgb)
    return {"wall": time.perf_counter() - start, "cpu": time.process_time() - cpu}


def _defaults(variant: str, method: str) -> dict:
    """Fits of one method on every bundled image, in rgb, hsv and lab, k = 2..10, seeds 0-2,
    with the shipped setup ("shipped") or the earlier defaults ("earlier")."""
    from threadpoolctl import threadpool_limits

    from segsweep.data.discovery import discover_images
    from segsweep.data.ingest import screen
    from segsweep.fit.spaces import to_features

    setup = shipped_setups()[method] if variant == "shipped" else EARLIER_SETUPS[method]
    column = "inertia" if method == "kmeans" else "log_likelihood"
    images, _ = discover_images(ROOT / "data" / "images")
    quality, wall = [], 0.0
    with threadpool_limits(1):  # as in a workflow job
        for name, path in images.items():
            rgb = screen(name, path, [], max_pixels=300_000)[1]
            for space in ("rgb", "hsv", "lab"):
                features = to_features(rgb, space)
                start = time.perf_counter()
                fits = sweep_at_k(features, setup, range(2, 11), [0, 1, 2])
                wall += time.perf_counter() - start
                quality += fits[column].tolist()
    return {"wall": wall, "cpu": wall, "quality": dict(enumerate(quality))}


#: Thresholds of the merge case: those of the shipped BSDS500 configuration.
MERGE_THRESHOLDS = [0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06]


def _merge(variant: str, min_region: int) -> dict:
    """Case 6: merge_boundaries swept over MERGE_THRESHOLDS, on the 4-connected regions of
    k-means (k = 8) in Lab of the bundled coffee photo (400 x 600), those under
    ``min_region`` pixels merged first (0: none), by segsweep or per threshold."""
    from PIL import Image

    from segsweep.configuration import method_setup
    from segsweep.fit.spaces import to_features
    from segsweep.fit.sweep import sweep
    from segsweep.store.labelmaps import canonical_labels

    with Image.open(ROOT / "data" / "images" / "coffee.png") as photo:
        features = to_features(np.asarray(photo.convert("RGB")), "lab")
    setup = {"method": "kmeans", "grid": [8], "split_regions": True, "min_region": min_region}
    start, cpu = time.perf_counter(), time.process_time()
    if variant == "segsweep":
        swept = {**setup, "merge_boundaries": MERGE_THRESHOLDS}
        maps = sweep(features, method_setup(swept, ks=[8], sample_size=50_000), [0])[1]
        labels = [maps[(threshold, 0)] for threshold in MERGE_THRESHOLDS]
    else:
        from reference_merge import merge_to_threshold

        maps = sweep(features, method_setup(setup, ks=[8], sample_size=50_000), [0])[1]
        regions = maps[(8.0, 0)]
        labels = [
            canonical_labels(merge_to_threshold(features, regions, threshold))
            for threshold in MERGE_THRESHOLDS
        ]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    digests = {i: hashlib.sha256(found.tobytes()).hexdigest() for i, found in enumerate(labels)}
    return {"wall": wall, "cpu": cpu, "quality": digests}


def worker(argv: list[str]) -> None:
    """Run one measurement and print it as JSON (with this process's peak memory)."""
    case, variant, side, extra = argv[0], argv[1], int(argv[2]), argv[3]
    if case == "snakemake":  # variant: the working folder; extra: the arguments
        print(json.dumps(_snakemake(variant, json.loads(extra))))
        return
    if case == "kmeans":
        result = _kmeans(variant, side, json.loads(extra))
    elif case == "gmm":
        result = _gmm(variant, side, json.loads(extra))
    elif case == "defaults":
        result = _defaults(variant, extra)
    elif case == "merge":
        result = _merge(variant, int(extra))
    else:
        result = _convert(variant, side, extra)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# ---------------------------------------------------------------- driver


def _worker(*args: str) -> dict:
    """Run ``bench.cases worker ARGS`` in a fresh process and return what it printed."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.cases", "worker", *args],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'workflow' / 'scripts'}:{ROOT / 'tests'}"},
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def _medians(runs: list[dict]) -> dict:
    """Median wall time, CPU time and peak memory of several runs."""
    return {key: statistics.median(run[key] for run in runs) for key in ("wall", "cpu", "peak_mb")}


def measure(case: str, variant: str, side: int, extra: str, repeats: int) -> dict:
    """Median wall, CPU and peak memory over ``repeats`` fresh processes; last run's quality."""
    runs = [_worker(case, variant, str(side), extra) for _ in range(repeats)]
    summary = _medians(runs)
    summary["quality"] = {int(k): v for k, v in (runs[-1].get("quality") or {}).items()}
    return summary


def figure_rules() -> list[str]:
    """The rules ``make figures`` re-runs (the Makefile asks the registry of figures)."""
    from segsweep.figures.registry import figure_rules as from_registry

    return from_registry()


def pipeline_runs(repeats: int) -> dict[str, dict]:
    """Default pipeline from scratch, no-op re-run and figures-only, in a temporary copy."""
    commands = {
        "pipeline from scratch": [],
        "no-op re-run": [],
        "figures only": ["figures", "--forcerun", *figure_rules(), "--rerun-triggers", "mtime"],
    }
    timings: dict[str, list[dict]] = {name: [] for name in commands}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            for name in ("Snakefile", "config.yaml", "environment.yml"):
                shutil.copy(ROOT / name, work / name)
            for name in ("workflow", "data"):
                shutil.copytree(ROOT / name, work / name,
                                ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
            for name, extra in commands.items():
                # A fresh worker per command: its children (Snakemake and every job) are this
                # case's alone, so CPU time and peak memory are the case's own.
                timings[name].append(_worker("snakemake", str(work), "0", json.dumps(extra)))
    return {name: _medians(runs) for name, runs in timings.items()}


def _snakemake(work: str, args: list[str]) -> dict:
    """``snakemake --cores 2 ARGS`` in ``work``: wall and CPU time, largest resident set."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", *args],
                   cwd=work, capture_output=True, check=True)  # fmt: skip
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": time.perf_counter() - start, "cpu": children.ru_utime + children.ru_stime,
            "peak_mb": children.ru_maxrss / 1024}  # fmt: skip


def _row(case, ours, base, quality, target, met) -> str:
    speed = f"{base['wall'] / ours['wall']:.1f}x" if base else ""
    base_wall = f"{base['wall']:.2f}" if base else ""
    verdict = "" if met is None else "yes" if met else "NO"  # None: no target to meet
    return (
        f"| {case} | {ours['wall']:.2f} | {ours['cpu']:.2f} | {ours['peak_mb']:.0f} | "
        f"{base_wall} | {speed} | {quality} | {target} | {verdict} |"
    )


def defaults_rows(repeats: int) -> list[str]:
    """The shipped sample sizes against the earlier defaults (100 000 pixels), on the bundled
    images in rgb, hsv and lab, k = 2..10, seeds 0, 1 and 2: fit time, and the quality the
    cheaper fits give up.

    Single fits land in other local optima whichever the sample size; so the quality compared
    is the aggregate (k-means: summed full-image inertia; GMM: mean full-image log-likelihood
    per pixel), beside the worst single fit and, for scale, how far the earlier defaults'
    own fits of one (image, space, k) lie apart between seeds.
    """
    import numpy as np

    rows = []
    for method in ("kmeans", "gmm"):
        shipped = _worker("defaults", "shipped", "0", method)
        earlier = _worker("defaults", "earlier", "0", method)
        new = np.array(list(shipped["quality"].values()))
        old = np.array(list(earlier["quality"].values()))
        old_by_seed = old.reshape(-1, 3, 9)  # each sweep: 3 seeds x 9 k, seed after seed
        if method == "kmeans":
            total = new.sum() / old.sum() - 1
            spread = (old_by_seed.max(axis=1) / old_by_seed.min(axis=1) - 1).max()
            quality = (
                f"summed inertia {total:+.3%} vs earlier; worst single fit "
                f"{(new / old - 1).max():+.1%}; earlier, seed to seed: up to {spread:+.1%}"
            )
            target, met = "summed inertia within +0.5%", total <= 0.005
        else:
            gap = new.mean() - old.mean()
            by_seed = old_by_seed.mean(axis=(0, 2))
            quality = (
                f"mean log-likelihood {new.mean():.4f} vs {old.mean():.4f} nats ({gap:+.4f}); "
                f"earlier, seed to seed: {by_seed.min():.4f} to {by_seed.max():.4f}"
            )
            target, met = "mean LL within 0.005 nats", abs(gap) <= 0.005
        rows.append(_row(f"5. {method}: shipped sample size vs earlier 100 000, bundled images",
                         shipped, earlier, quality, target, met))  # fmt: skip
    return rows


def kmeans_rows(repeats: int, quick: bool) -> list[str]:
    """Case 1: the k-means sweep on one large image, and its growth with the pixels."""
    big, ks = (1024 if quick else 4096), list(range(2, 11))
    ours = measure("kmeans", "segsweep", big, json.dumps(ks), repeats)
    base = measure("kmeans", "baseline", big, json.dumps(ks), repeats)
    excess = max(ours["quality"][k] / base["quality"][k] - 1 for k in base["quality"])
    speed = base["wall"] / ours["wall"]
    rows = [_row(f"1. k-means sweep k=2..10, {big}x{big}", ours, base,
                 f"inertia at most {excess:+.2%} vs baseline (worst k)", ">=10x, <=+1%, <2 GB",
                 speed >= 10 and excess <= 0.01 and ours["peak_mb"] < 2048)]  # fmt: skip
    previous = None  # (Mpx, wall) of the next smaller size
    for side in (1024, 2048, 4096) if not quick else (256, 512, 1024):
        scaled = (
            ours if side == big else measure("kmeans", "segsweep", side, json.dumps(ks), repeats)
        )
        mpx = side * side / 1e6
        quality, linear = f"{scaled['wall'] / mpx:.2f} s per Mpx", True
        if previous:
            # At most linear: 4x the pixels may cost at most 4x the time (10% for noise).
            linear = scaled["wall"] / previous[1] <= 1.1 * mpx / previous[0]
            added = (scaled["wall"] - previous[1]) / (mpx - previous[0])
            quality += f", {added:.2f} s per added Mpx"
        rows.append(_row(f"1b. k-means sweep, {mpx:.1f} Mpx", scaled, None, quality,
                         "time grows at most linearly", linear))  # fmt: skip
        previous = (mpx, scaled["wall"])
    return rows


def gmm_rows(repeats: int, quick: bool) -> list[str]:
    """Case 2: the full-covariance GMM sweep on a large image, with the shipped sample size
    (30 000) and with 100 000 pixels, against EM on all pixels."""
    mixture, gmm_ks, base_ks = (512 if quick else 2048), list(range(2, 9)), [2, 5, 8]
    ours = measure("gmm", "segsweep", mixture, json.dumps(gmm_ks), repeats)
    base = measure("gmm", "baseline", mixture, json.dumps(base_ks), repeats)
    rows = [_row(f"2. GMM full sweep k=2..8, {mixture}x{mixture} (whole sweep)", ours, None,
                 "", "", None)]  # fmt: skip
    for variant, label in (("segsweep", "30 000 (shipped)"), ("segsweep-100k", "100 000")):
        common = measure("gmm", variant, mixture, json.dumps(base_ks), repeats)
        gap = max(abs(common["quality"][k] - base["quality"][k]) for k in base["quality"])
        speed = base["wall"] / common["wall"]
        rows.append(_row(f"2. GMM full, k=2,5,8, fitted on {label} pixels (baseline: EM on all)",
                         common, base, f"log-likelihood within {gap:.4f} nats",
                         ">=20x, <=0.01 nats", speed >= 20 and gap <= 0.01))  # fmt: skip
    return rows


def pipeline_rows(repeats: int, quick: bool) -> list[str]:
    """Case 3: the default pipeline from scratch, a no-op re-run and the figures only."""
    targets = {"pipeline from scratch": 120, "no-op re-run": 3, "figures only": 60}
    return [
        _row(f"3. {name}", result, None, "", f"< {targets[name]} s", result["wall"] < targets[name])
        for name, result in pipeline_runs(repeats).items()
    ]


def convert_rows(repeats: int, quick: bool) -> list[str]:
    """Case 4: Lab and HSV conversion of a large image against scikit-image."""
    big, rows = (1024 if quick else 4096), []
    for space in ("lab", "hsv"):
        ours = measure("convert", "segsweep", big, space, repeats)
        base = measure("convert", "baseline", big, space, repeats)
        rows.append(_row(f"4. {space} conversion, {big}x{big} (baseline: scikit-image)", ours,
                         base, "", "< 0.5 s", ours["wall"] < 0.5))  # fmt: skip
    return rows


def merge_rows(repeats: int, quick: bool) -> list[str]:
    """Case 6: a merge_boundaries sweep, hierarchy once against one merge per threshold, on
    regions of at least 200 pixels and on every connected region (thousands)."""
    rows = []
    for min_region in (200,) if quick else (200, 0):
        ours = measure("merge", "segsweep", 0, str(min_region), repeats)
        base = measure("merge", "baseline", 0, str(min_region), repeats)
        same = ours["quality"] == base["quality"]
        regions = f"regions >= {min_region} px" if min_region else "every connected region"
        rows.append(_row(
            f"6. merge_boundaries, 7 thresholds, coffee 400x600, {regions} (baseline: "
            "merge_hierarchical per threshold)", ours, base,
            "same labels at every threshold" if same else "LABELS DIFFER", "same labels", same,
        ))  # fmt: skip
    return rows


#: The benchmark's cases, in the order they run; ``--only`` picks some.
CASES = {
    "kmeans": kmeans_rows,
    "gmm": gmm_rows,
    "defaults": lambda repeats, quick: [] if quick else defaults_rows(repeats),
    "pipeline": lambda repeats, quick: [] if quick else pipeline_rows(repeats, quick),
    "convert": convert_rows,
    "merge": merge_rows,
    "intervals": lambda repeats, quick: interval_rows(repeats, quick),
}


def run(repeats: int, quick: bool, only: list[str] | None = None) -> str:
    """Run the cases (all, or ``only`` those named) and return the markdown table."""
    header = ("| case | wall s | CPU s | peak RSS MB | baseline wall s | speed-up | quality | "
              "target | met |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    rows = [row for name, case in CASES.items() if not only or name in only
            for row in case(repeats, quick)]  # fmt: skip
    return header + "\n" + "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m bench.cases [--repeats N] [--quick] [--out FILE]``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        worker(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--quick", action="store_true", help="small sizes, no pipeline case")
    parser.add_argument("--only", nargs="+", choices=list(CASES), help="run these cases only")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench" / "benchmark.md"))
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_info

    started = time.strftime("%Y-%m-%d %H:%M")
    table = run(args.repeats, args.quick, args.only)
    blas = ", ".join(sorted({f"{i['internal_api']} {i.get('architecture', '')}".strip()
                             for i in threadpool_info()}))  # fmt: skip
    text = (f"# segsweep benchmark ({started}, {args.repeats} runs each, median)\n\n"
            f"Machine: {os.cpu_count()} CPUs; thread pools: {blas}\n\n{table}")  # fmt: skip
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)


if __name__ == "__main__":
    main()
