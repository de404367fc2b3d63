"""Where the time of one BSDS500 image goes, stage by stage, for every entry of a config.

``make profile-image`` (``python tests/bench/profile_image.py --bsds PATH [--image ID]
[--config FILE]``) takes one image of the configured BSDS500 split (the first by name unless
``--image``), and in one process, with every library imported beforehand:

- screens it (decode, ground truth) as the ``screen`` job does;
- runs each method entry's ``segment`` job's work (every value and seed) and its
  ``measure`` job's (criteria and scores of every fit), and writes their outputs, as the
  jobs do;
- draws its figures as ``plot_images`` does;

with a timer around each stage (the functions in :data:`STAGES`): the time of a stage is its
own, less that of the timed stages it calls, so a column sums to the job's work. Then it
times, in fresh processes (median of 3), what each kind of job pays before any work: Python,
Snakemake's script preamble and the job's imports (start-up). It prints one markdown table,
seconds per stage (rows) and job (columns).

It measures, it asserts nothing; run it on an idle machine.
"""

from __future__ import annotations

import argparse
import copy
import functools
import importlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))

#: (module, attribute, stage): the functions timed, each under a stage name. A dotted
#: attribute is a method of a class in that module.
STAGES = [
    ("segsweep.data.ingest", "screen", "decode (screen)"),
    ("segsweep.fit.segment", "to_features", "colour features"),
    ("segsweep.fit.sweep", "_fit_and_label", "fit"),
    ("segsweep.fit.sweep", "predict_in_chunks", "assign every pixel"),
    ("segsweep.fit.sweep", "canonical_labels", "canonical labels"),
    ("segsweep.fit.sweep", "potts_icm", "option: smoothing"),
    ("segsweep.fit.sweep", "split_connected", "option: split_regions"),
    ("segsweep.fit.sweep", "merge_small_regions", "option: min_region"),
    ("segsweep.fit.postprocess", "BoundaryHierarchy.__init__", "option: merge (hierarchy)"),
    ("segsweep.fit.postprocess", "BoundaryHierarchy.cut", "option: merge (cut)"),
    ("segsweep.fit.sweep", "compactness", "inertia and eta"),
    ("segsweep.score.criteria", "cluster_criteria", "criterion: Calinski-Harabasz, Davies-Bouldin"),
    ("segsweep.score.criteria", "silhouette_score", "criterion: silhouette"),
    ("segsweep.score.criteria", "pairwise_distances", "criterion: silhouette"),
    ("segsweep.score.scores", "pair_table", "score: contingency tables"),
    ("segsweep.score.scores", "pair_confusion", "score: Rand, ARI"),
    ("segsweep.score.scores", "conditional_entropies", "score: VI"),
    ("segsweep.score.scores", "best_ious", "score: covering"),
    ("segsweep.score.scores", "matched_scores", "score: pixel accuracy, mean IoU"),
    ("segsweep.score.scores", "adjusted_mutual_information", "score: AMI"),
    ("segsweep.score.boundaries", "segmentation_boundaries", "score: boundary maps"),
    ("segsweep.score.boundaries", "match_boundaries", "score: boundary matching"),
    ("segsweep.store.labelmaps", "save_label_maps", "write outputs"),
    ("segsweep.store.files", "write_csv", "write outputs"),
    ("segsweep.store.files", "read_csv", "read inputs"),
    ("segsweep.store.labelmaps", "load_label_maps", "read inputs"),
    ("segsweep.store.files", "load_standard_form", "read inputs"),
    ("segsweep.figures.image", "segmentation_grid", "draw: segmentation grids"),
    ("segsweep.figures.image", "elbow_figure", "draw: elbow"),
    ("segsweep.figures.image", "picks_figure", "draw: picks"),
    ("segsweep.figures.image", "canny_edges", "draw: edges"),
    ("segsweep.figures.image", "edges_figure", "draw: edges"),
    ("segsweep.figures.image", "scatter_figure", "draw: scatter"),
    ("segsweep.figures.image", "scatter3d_figure", "draw: scatter 3-D"),
    ("segsweep.figures.image", "cluster_masks_figure", "draw: cluster masks"),
    ("segsweep.figures.image", "truth_figure", "draw: truth"),
    ("segsweep.figures.image", "image_rows", "read inputs"),
    ("segsweep.figures.image", "save_figure", "draw: render and save PNG"),
    ("segsweep.store.files", "write_png", "draw: cut-outs"),
    ("segsweep.tables.selection", "pick_k", "draw: picks"),
]


class Timers:
    """Exclusive time per stage: a timed function's time less that of the timed functions
    it calls."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stack: list[list[float]] = []

    def wrap(self, function, stage):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._stack.append([time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                start, children = self._stack.pop()
                elapsed = time.perf_counter() - start
                self.seconds[stage] = self.seconds.get(stage, 0.0) + elapsed - children
                if self._stack:
                    self._stack[-1][1] += elapsed

        return timed

    def install(self) -> None:
        """Wrap every function of :data:`STAGES` where it is looked up."""
        for module_name, attribute, stage in STAGES:
            module = importlib.import_module(module_name)
            owner, name = module, attribute
            if "." in attribute:
                class_name, name = attribute.split(".")
                owner = getattr(module, class_name)
            setattr(owner, name, self.wrap(getattr(owner, name), stage))

    def take(self) -> dict[str, float]:
        """The seconds so far, and start again."""
        taken, self.seconds = self.seconds, {}
        return taken


def load_config(extra: str | None, bsds: str, split: str, image_count: int) -> dict:
    """config.yaml with ``extra`` on top (its methods replace the defaults), validated and
    completed as the workflow does."""
    import yaml
    from snakemake.utils import validate

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    if extra:
        for key, value in yaml.safe_load(Path(extra).read_text()).items():
            if isinstance(value, dict) and key != "methods" and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
            else:
                config[key] = value
    config["bsds"] = {"root": bsds, "split": split, "limit": image_count}
    validate(config, str(ROOT / "workflow/schemas/config.schema.yaml"), set_default=True)
    return config


def profile(config: dict, image: str | None) -> tuple[dict[str, dict[str, float]], str]:
    """Stage seconds of each job of one image: ``screen``, one ``segment`` and one
    ``measure`` per entry (of a batch of this one image) and the figure job."""
    from threadpoolctl import threadpool_limits

    from segsweep import configuration
    from segsweep.data import ingest
    from segsweep.data.discovery import discover_bsds
    from segsweep.figures import image as image_figures
    from segsweep.fit import segment
    from segsweep.score import measure
    from segsweep.store import files

    images, truth = discover_bsds(**config["bsds"])
    name = image or sorted(images)[0]
    setups = configuration.check(config)
    timers = Timers()
    timers.install()
    jobs: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder, threadpool_limits(1):  # as a job
        out = Path(folder)
        record, rgb, annotations = ingest.screen(
            name, images[name], truth.get(name, []), config["images"]["max_pixels"], "downscale"
        )
        files.save_standard_form(out / "standard.npz", rgb, annotations)
        jobs["screen"] = timers.take()
        spaces = {m: [s for s in config["spaces"] if setups[m].runs_in(s)]
                  for m in setups}  # fmt: skip
        for method, setup in setups.items():
            job = SimpleNamespace(
                input=SimpleNamespace(standard=[str(out / "standard.npz")]),
                output=SimpleNamespace(labels=str(out / f"{method}.npz"),
                                       fits=str(out / f"{method}.csv"),
                                       timings=str(out / f"{method}.timings.csv")),
                params=SimpleNamespace(images=[name], setup=setup.to_dict(), spaces=spaces[method],
                                       seeds=config["seeds"], criteria=config["criteria"]),
                wildcards=SimpleNamespace(image=name, method=method),
            )  # fmt: skip
            segment.main(job)
            jobs[f"segment {method}"] = timers.take()
            job = SimpleNamespace(
                input=SimpleNamespace(standard=[str(out / "standard.npz")],
                                      labels=str(out / f"{method}.npz")),
                output=SimpleNamespace(measures=str(out / f"{method}.measures.csv"),
                                       timings=str(out / f"{method}.measure_timings.csv")),
                params=SimpleNamespace(images=[name], setup=setup.to_dict(),
                                       criteria=config["criteria"],
                                       scores=config.get("scores", {})),
                wildcards=SimpleNamespace(image=name, method=method),
            )  # fmt: skip
            measure.main(job)
            jobs[f"measure {method}"] = timers.take()
        figure_spaces = [s for s in config["spaces"] if any(s in v for v in spaces.values())]
        space, method = configuration.detail_setup(config, setups)
        common = dict(
            methods=list(setups), spaces=figure_spaces,
            methods_in_space={s: [m for m in setups if s in spaces[m]] for s in figure_spaces},
            parameters={m: setups[m].parameter for m in setups},
            seed=configuration.figure_seed(config), k=config["figures"]["k"],
            sigma=config["figures"]["canny_sigma"], detail_space=space, detail_method=method,
            cutout_k=config["figures"]["cutout_k"],
        )  # fmt: skip
        inputs = SimpleNamespace(
            standard=[str(out / "standard.npz")],
            **{key: [str(out / f"{m}{suffix}") for m in setups]
               for key, suffix in [("labels", ".npz"), ("fits", ".csv"),
                                   ("measures", ".measures.csv")]},
        )  # fmt: skip
        paths = dict(figure_path=str(out / "{image}_{name}.png"),
                     cutout_path=str(out / "{image}_{kind}.png"))  # fmt: skip
        figures_job = SimpleNamespace(
            input=inputs, output=SimpleNamespace(drawn=str(out / "drawn.csv")),
            params=SimpleNamespace(**common, **paths, images=[name],
                                   truth=[name] if annotations else []),
        )  # fmt: skip
        image_figures.images_figures_main(figures_job)
        jobs["plot_images"] = timers.take()
    return jobs, name


#: The imports each kind of job makes before its work (its entry module and what that
#: module imports at the top), after Snakemake's script preamble.
JOB_IMPORTS = {
    "screen": "from segsweep.data import ingest",
    "segment": "from segsweep.fit import segment",
    "measure": "from segsweep.score import measure",
    "plot_images": "from segsweep.figures import image as image_figures",
}


def startup_seconds(repeats: int = 3) -> dict[str, float]:
    """Median wall time of a fresh Python that loads Snakemake's script support and the
    job's entry module, per kind of job (the start-up a job pays before any work)."""
    results = {}
    for job, imports in JOB_IMPORTS.items():
        code = f"import snakemake.script; from segsweep.entry import run_rule; {imports}"
        walls = []
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True,
                           env={"PYTHONPATH": str(ROOT / "workflow" / "scripts")})  # fmt: skip
            walls.append(time.perf_counter() - start)
        results[job] = statistics.median(walls)
    return results


def table(jobs: dict[str, dict[str, float]], startup: dict[str, float]) -> str:
    """Markdown: stages (rows) by jobs (columns), seconds, with totals."""
    stages = [stage for _, _, stage in STAGES]
    stages = list(dict.fromkeys(stages))
    columns = list(jobs)
    kind = {column: column.split()[0] for column in columns}  # the job's rule
    lines = ["| stage | " + " | ".join(columns) + " | all |",
             "|---|" + "---|" * (len(columns) + 1)]  # fmt: skip

    def row(label, values):
        cells = [f"{v:.3f}" if v >= 0.0005 else "" for v in values]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {sum(values):.3f} |")

    row("start-up (Python, preamble, imports)", [startup[kind[c]] for c in columns])
    for stage in stages:
        values = [jobs[c].get(stage, 0.0) for c in columns]
        if any(values):
            row(stage, values)
    totals = [startup[kind[c]] + sum(jobs[c].values()) for c in columns]
    row("**job total**", totals)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bsds", default=str(ROOT / "data" / "BSDS500"))
    parser.add_argument("--split", default="test")
    parser.add_argument("--image", default=None)
    parser.add_argument("--config", default=str(ROOT / "workflow/configs/bsds500.yaml"))
    args = parser.parse_args(argv)
    config = load_config(args.config, args.bsds, args.split, None if args.image else 1)
    jobs, name = profile(copy.deepcopy(config), args.image)
    startup = startup_seconds()
    print(f"Image {name} ({args.split}), {Path(args.config).name}, "
          f"{time.strftime('%Y-%m-%d')}: seconds per stage and job\n")  # fmt: skip
    print(table(jobs, startup))


if __name__ == "__main__":
    main()
