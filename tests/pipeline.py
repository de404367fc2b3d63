"""Helpers of the workflow tests: a tiny configuration, a copy of the workflow to run it in,
its images, and Snakemake run as a user would (a subprocess with 2 cores)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import yaml
from conftest import flat_image
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]

TINY_CONFIG = {
    "images": {"folder": "images", "max_pixels": 50000, "truth_folder": "truth"},
    "spaces": ["rgb", "lab"],
    "methods": {"kmeans": {"method": "kmeans"}, "gmm": {"params": {"covariance_type": "full"}}},
    "k": [2, 3],
    "seeds": [0],
    "sample_size": 3000,
    "criteria": {"silhouette_sample": 300},
    "figures": {"detail_method": "kmeans"},
}


def copy_workflow(destination: Path, config: dict) -> Path:
    """Copy the workflow (not results) into ``destination`` with ``config`` as config.yaml."""
    destination.mkdir(exist_ok=True)
    shutil.copy(ROOT / "Snakefile", destination / "Snakefile")
    shutil.copy(ROOT / "environment.yml", destination / "environment.yml")
    shutil.copytree(
        ROOT / "workflow", destination / "workflow", ignore=shutil.ignore_patterns("__pycache__")
    )
    (destination / "config.yaml").write_text(yaml.safe_dump(config))
    return destination


def write_images(folder: Path) -> None:
    """Three images: flat stripes, a noisy photo (downscaled), and the bundled shaded ball
    with its ground truth in the sibling folder truth/."""
    folder.mkdir()
    stripes, _ = flat_image(30, 45)
    Image.fromarray(stripes).save(folder / "stripes.png")
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (300, 240, 3), dtype=np.uint8)  # downscaled to <= 50000 px
    Image.fromarray(noisy).save(folder / "noise photo.jpg")
    shutil.copy(ROOT / "data/images/shaded_ball.png", folder)
    (folder.parent / "truth").mkdir()
    shutil.copy(ROOT / "data/truth/shaded_ball.png", folder.parent / "truth")


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Run Snakemake with 2 cores in ``workdir``; its output is captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )


def make_snakemake_commands(target: str, *variables: str) -> list[list[str]]:
    """The Snakemake commands ``make TARGET VARIABLES`` runs, as argument lists for
    :func:`run_make_command` (from ``make -n``: what a user's ``make`` would run)."""
    listed = subprocess.run(["make", "-n", "-s", "-C", str(ROOT), target, *variables],
                            capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [shlex.split(line) for line in listed.splitlines()
            if line.startswith("PYTHONPATH=workflow/plugins ")]  # fmt: skip


def run_make_command(workdir: Path, command: list[str]) -> subprocess.CompletedProcess:
    """Run one of :func:`make_snakemake_commands` in ``workdir`` (a copy of the workflow),
    with this Python's Snakemake in place of ``.venv/bin/snakemake``."""
    assignment, program, *arguments = command
    assert program.endswith("/snakemake"), command
    name, value = assignment.split("=", 1)
    return subprocess.run([sys.executable, "-m", "snakemake", *arguments], cwd=workdir,
                          env={**os.environ, name: value}, capture_output=True, text=True,
                          timeout=600)  # fmt: skip


def comparable_files(workdir: Path) -> dict[str, bytes]:
    """Every table, label map, standard form, provenance and summary file, by relative path
    (timings excluded: they are the one output that differs between runs)."""
    results = workdir / "results"
    patterns = ["tables/*.csv", "labels/**/*.npz", "ingest/*", "provenance.json",
                "fits/**/*.csv", "measures/**/*.csv", "report/summary.html",
                "report/images.txt"]  # fmt: skip
    files = {}
    for pattern in patterns:
        for path in results.glob(pattern):
            if path.name != "timings.csv":
                files[str(path.relative_to(results))] = path.read_bytes()
    return files
