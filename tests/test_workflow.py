"""End to end: Snakemake runs the real workflow on a tiny configuration in a temporary copy."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import flat_image
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.workflow

TINY_CONFIG = {
    "images": {"folder": "images", "max_pixels": 5000},
    "spaces": ["rgb", "lab"],
    "methods": {"kmeans": {"method": "kmeans"}, "gmm": {"params": {"covariance_type": "full"}}},
    "k": [2, 3],
    "seeds": [0],
    "sample_size": 1000,
    "criteria": {"silhouette_sample": 300},
}


def copy_workflow(destination: Path, config: dict) -> Path:
    """Copy the workflow (not results) into ``destination`` with ``config`` as config.yaml."""
    shutil.copy(ROOT / "Snakefile", destination / "Snakefile")
    shutil.copy(ROOT / "environment.yml", destination / "environment.yml")
    shutil.copytree(
        ROOT / "workflow", destination / "workflow", ignore=shutil.ignore_patterns("__pycache__")
    )
    (destination / "config.yaml").write_text(yaml.safe_dump(config))
    return destination


def write_images(folder: Path) -> None:
    folder.mkdir()
    stripes, _ = flat_image(30, 45)
    Image.fromarray(stripes).save(folder / "stripes.png")
    rng = np.random.default_rng(0)
    noisy = rng.integers(0, 256, (120, 90, 3), dtype=np.uint8)  # downscaled to <= 5000 px
    Image.fromarray(noisy).save(folder / "noise photo.jpg")


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("workflow"), TINY_CONFIG)
    write_images(workdir / "images")
    result = snakemake(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_tables_hold_every_fit(finished_run):
    fits = pd.read_csv(finished_run / "results/tables/fits.csv")
    assert len(fits) == 2 * 2 * 2 * 2  # images x spaces x methods x k
    assert set(fits["image"]) == {"stripes", "noise_photo"}
    assert fits[["inertia", "eta", "calinski_harabasz", "davies_bouldin"]].notna().all().all()
    stripes = fits.query("image == 'stripes' and space == 'rgb' and method == 'kmeans'")
    assert stripes.set_index("k").loc[3, "inertia"] == pytest.approx(0.0, abs=1e-6)
    gmm = fits[fits["method"] == "gmm"]
    assert gmm[["log_likelihood", "bic"]].notna().all().all()
    picks = pd.read_csv(finished_run / "results/tables/picks.csv")
    elbow = picks[picks["criterion"] == "elbow"]
    assert len(elbow) == 8 and set(elbow["k"]) <= {2, 3}
    meta = json.loads((finished_run / "results/ingest/noise_photo.json").read_text())
    assert meta["height"] * meta["width"] <= 5000 and "downscaled" in meta["steps"][0]


def test_label_maps_cover_every_k_and_match_the_image(finished_run):
    with np.load(finished_run / "results/labels/stripes/lab/gmm.npz") as archive:
        assert sorted(archive.files) == ["k002_seed0", "k003_seed0"]
        assert archive["k003_seed0"].shape == (30, 45)
        assert len(np.unique(archive["k003_seed0"])) == 3


def test_figures_summary_and_provenance(finished_run):
    figures = sorted((finished_run / "results/figures").rglob("*.png"))
    assert len(figures) == 2 * (2 * 2 + 1)
    for path in figures:
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) > 100
    summary = (finished_run / "results/report/summary.html").read_text()
    assert "Which k each criterion picks" in summary and "noise_photo" in summary
    provenance = json.loads((finished_run / "results/provenance.json").read_text())
    assert provenance["config"]["k"] == [2, 3]
    assert provenance["versions"]["scikit-learn"]
    assert set(provenance["inputs"]) == {"stripes", "noise_photo"}


def test_rerun_is_a_no_op_and_figures_redraw_without_reclustering(finished_run):
    assert "Nothing to be done" in snakemake(finished_run).stderr
    labels = finished_run / "results/labels/stripes/rgb/kmeans.npz"
    figure = finished_run / "results/figures/stripes/rgb_recolour.png"
    before = labels.stat().st_mtime_ns, figure.stat().st_mtime_ns
    result = snakemake(
        finished_run,
        "figures",
        "--forcerun",
        "plot_segmentations",
        "plot_elbow",
        "summary",
        "--rerun-triggers",
        "mtime",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert labels.stat().st_mtime_ns == before[0]
    assert figure.stat().st_mtime_ns > before[1]
    assert "rule sweep" not in result.stderr


def test_report_is_one_html_file_with_the_figures(finished_run):
    result = snakemake(finished_run, "--report", "report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    report = (finished_run / "report.html").read_text()
    assert "rgb_recolour.png" in report and "elbow.png" in report and "summary.html" in report


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"methods": {"x": {"method": "spectral"}}}, "methods.x: unknown method 'spectral'"),
        ({"spaces": ["rgb", "cmyk"]}, "cmyk"),
        ({"k": [1, 2]}, "minimum"),
        ({"images": {"folder": "empty"}}, "images.folder: no image in 'empty'"),
    ],
)
def test_bad_config_stops_before_any_job(tmp_path, change, message):
    workdir = copy_workflow(tmp_path, {**TINY_CONFIG, **change})
    write_images(workdir / "images")
    (workdir / "empty").mkdir()
    result = snakemake(workdir)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (workdir / "results").exists()
