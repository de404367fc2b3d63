"""Every run completes: each shipped configuration, and each shape of configuration and of
image a user can give, runs to its report on a tiny stand-in for its data.

The shipped configs run as ``make run CONFIG=...`` runs them (``--configfile`` on top of
config.yaml), unchanged, on a BSDS500-shaped folder at their ``bsds.root`` (data/BSDS500)
with two small images per split, their annotations and contour maps: what each config
asks of its data, at a size that runs in seconds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from bench.datasets import labelled_image, write_mat
from external import write_external
from PIL import Image
from pipeline import ROOT, TINY_CONFIG, copy_workflow, snakemake

from segsweep.store.files import read_csv

# whole runs, a few dozen jobs each: make test-configs (CI), not make test
pytestmark = [pytest.mark.workflow, pytest.mark.configs]

SHIPPED = sorted((ROOT / "workflow" / "configs").glob("*.yaml"))
#: Configs given on top of another, as their first lines say.
ON_TOP_OF = {"bsds500-val.yaml": "bsds500.yaml"}


def write_bsds_stand_in(data: Path) -> None:
    """A BSDS500 clone's layout under ``data`` (``BSDS500/data/images/SPLIT``,
    ``groundTruth/SPLIT``, ``BSDS500/ucm2/SPLIT``): two images a split, a sixth of
    BSDS500's size, with their annotations and a contour map each."""
    for split, seeds in {"train": (1, 2), "val": (3, 4), "test": (5, 6)}.items():
        images = data / "BSDS500/data/images" / split
        truth = data / "BSDS500/data/groundTruth" / split
        images.mkdir(parents=True)
        truth.mkdir(parents=True)
        for seed in seeds:
            rgb, annotations = labelled_image(seed)
            small = rgb[::6, ::6]
            Image.fromarray(small).save(images / f"{seed}00{seed}.jpg", quality=90)
            write_mat(truth / f"{seed}00{seed}.mat", [a[::6, ::6] for a in annotations])
            write_external(data / "BSDS500/ucm2" / split, f"{seed}00{seed}", small)


def run_to_report(workdir: Path, *args: str) -> None:
    """Run the workflow, then its report, as ``make run`` does; both must succeed with no
    traceback in any log."""
    result = snakemake(workdir, *args)
    assert result.returncode == 0, result.stderr[-3000:]
    report = snakemake(workdir, *args, "--report", "report.html")
    assert report.returncode == 0, report.stderr[-3000:]
    assert (workdir / "report.html").stat().st_size > 0
    for log in (workdir / "results/logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log


@pytest.mark.parametrize("config", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_shipped_config_runs_to_its_report(tmp_path, config):
    workdir = copy_workflow(tmp_path / "run", {})
    shutil.copy(ROOT / "config.yaml", workdir / "config.yaml")
    write_bsds_stand_in(workdir / "data/BSDS500")
    files = [f"workflow/configs/{name}" for name in (ON_TOP_OF.get(config.name), config.name)
             if name]  # fmt: skip
    run_to_report(workdir, "--configfile", *files)
    fits = read_csv(workdir / "results/tables/fits.csv")
    assert fits["covering"].notna().all()  # every image of the split is scored
    leaderboard = read_csv(workdir / "results/tables/leaderboard.csv")
    assert len(leaderboard) == len(fits.groupby(["space", "method"]))


def write_labelled_images(folder: Path, count: int) -> None:
    """``count`` small photos with ground truth in the sibling folder truth/."""
    folder.mkdir()
    (folder.parent / "truth").mkdir()
    for seed in range(count):
        rgb, annotations = labelled_image(seed)
        Image.fromarray(rgb[::8, ::8]).save(folder / f"photo{seed}.png")
        Image.fromarray(annotations[0][::8, ::8].astype(np.uint8)).save(
            folder.parent / "truth" / f"photo{seed}.png"
        )


SHAPES = {
    # no entry swept over k: nothing picks k, and the choice-of-k tables are empty
    "no entry swept over k": {"methods": {"fh": {"method": "felzenszwalb", "grid": [50, 400]}}},
    # only another tool's segmentations
    "only external entries": {"methods": {"mine": {"method": "precomputed", "grid": [0.2, 0.6],
                                                   "params": {"folder": "external"}}}},
    "one image": {"methods": {"kmeans": {"method": "kmeans"}}},
    "no truth": {"images": {"folder": "images", "truth_folder": None},
                 "methods": {"kmeans": {"method": "kmeans"}}},
}  # fmt: skip


@pytest.mark.parametrize("shape", list(SHAPES))
def test_every_shape_of_config_runs_to_its_report(tmp_path, shape):
    config = {**TINY_CONFIG, "spaces": ["lab"], "figures": {}, **SHAPES[shape]}
    workdir = copy_workflow(tmp_path / "run", config)
    write_labelled_images(workdir / "images", 1 if shape == "one image" else 3)
    for photo in (workdir / "images").iterdir():
        write_external(workdir / "external", photo.stem, np.asarray(Image.open(photo)))
    run_to_report(workdir)
    summary = (workdir / "results/report/summary.html").read_text()
    fits = read_csv(workdir / "results/tables/fits.csv")
    if shape == "no truth":
        assert "No image has ground truth" in summary
    else:
        assert fits["covering"].notna().all()
    if shape in ("no entry swept over k", "only external entries"):
        assert "No entry is swept over k" in summary


#: Shapes screening accepts that are hard to draw: one pixel, one row, one column, two by
#: two, and very wide and very tall strips.
ODD_SHAPES = {"one": (1, 1), "row": (1, 5000), "column": (5000, 1), "two": (2, 2),
              "wide": (3, 3000), "tall": (3000, 3), "photo": (30, 40)}  # fmt: skip


def test_images_of_any_shape_run_to_the_report_with_every_figure(tmp_path):
    config = {**TINY_CONFIG, "images": {"folder": "images", "max_pixels": 50000,
                                        "truth_folder": "truth"}}  # fmt: skip
    workdir = copy_workflow(tmp_path / "run", config)
    rng = np.random.default_rng(0)
    for folder in ("images", "truth"):
        (workdir / folder).mkdir()
    for name, shape in ODD_SHAPES.items():
        Image.fromarray(rng.integers(0, 256, (*shape, 3), dtype=np.uint8)).save(
            workdir / f"images/{name}.png"
        )
        truth = np.zeros(shape, np.uint8)
        truth[: (shape[0] + 1) // 2] = 1
        Image.fromarray(truth).save(workdir / f"truth/{name}.png")
    run_to_report(workdir)
    drawn = [read_csv(path) for path in (workdir / "results/drawn").rglob("*.csv")]
    assert all(record["problem"].isna().all() for record in drawn)  # every figure drawn
    for name in ODD_SHAPES:
        for figure in ("lab_recolour", "rgb_labels", "lab_edges", "clusters", "truth"):
            assert (workdir / f"results/figures/{name}/{figure}.png").is_file(), (name, figure)
    assert "Figures not drawn" not in (workdir / "results/report/summary.html").read_text()
