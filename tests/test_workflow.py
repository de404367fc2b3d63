"""End to end: Snakemake runs the real workflow on a tiny configuration in a temporary copy."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from bench.cases import figure_rules
from bsds_fixture import BSDS_BENCH
from optional_tools import skip_without_tool
from PIL import Image
from pipeline import (
    ROOT,
    TINY_CONFIG,
    copy_workflow,
    make_snakemake_commands,
    run_make_command,
    snakemake,
    write_images,
)

from segsweep.figures.registry import image_figures, truth_figures
from segsweep.fit.batches import batch_of
from segsweep.store.files import load_standard_form
from segsweep.store.labelmaps import find_label_maps

pytestmark = pytest.mark.workflow


@pytest.fixture
def finished_run(tiny_run):
    """The tiny configuration's finished run, shared with the other workflow tests."""
    return tiny_run


def test_tables_hold_every_fit(finished_run):
    fits = pd.read_csv(finished_run / "results/tables/fits.csv")
    assert len(fits) == 3 * 2 * 2 * 2  # images x spaces x methods x k
    assert set(fits["image"]) == {"stripes", "noise_photo", "shaded_ball"}
    assert fits[["inertia", "eta", "calinski_harabasz", "davies_bouldin"]].notna().all().all()
    stripes = fits.query("image == 'stripes' and space == 'rgb' and method == 'kmeans'")
    assert stripes.set_index("k").loc[3, "inertia"] == pytest.approx(0.0, abs=1e-6)
    gmm = fits[fits["method"] == "gmm"]
    assert gmm[["log_likelihood", "bic"]].notna().all().all()
    picks = pd.read_csv(finished_run / "results/tables/picks.csv")
    elbow = picks[picks["criterion"] == "elbow"]
    # with two values of k the knee rule has no knee and picks the smallest
    assert len(elbow) == 12 and set(elbow["k"]) == {2}
    meta = json.loads((finished_run / "results/ingest/noise_photo.json").read_text())
    assert meta["height"] * meta["width"] <= 50000 and "downscaled" in meta["steps"][0]


def test_label_maps_cover_every_k_and_match_the_image(finished_run):
    maps = find_label_maps(finished_run / "results", "stripes", "gmm")
    assert sorted(maps) == [("lab", 2, 0), ("lab", 3, 0), ("rgb", 2, 0), ("rgb", 3, 0)]
    assert maps[("lab", 3, 0)].shape == (30, 45)
    assert len(np.unique(maps[("lab", 3, 0)])) == 3


def test_figures_summary_and_provenance(finished_run):
    figures = sorted((finished_run / "results/figures").rglob("*.png"))
    names = {str(path.relative_to(finished_run / "results/figures")) for path in figures}
    per_image = list(image_figures(["rgb", "lab"]))  # the registry of figures
    assert {"rgb_recolour", "lab_edges", "elbow", "scatter3d", "clusters"} <= set(per_image)
    expected = {
        f"{i}/{f}.png" for i in ("stripes", "noise_photo", "shaded_ball") for f in per_image
    }
    expected |= {f"shaded_ball/{name}.png" for name in truth_figures()}
    expected |= {"background_removal.png", "leaderboard.png", "precision_recall.png"}  # no ranks
    assert names == expected
    for path in figures:
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) > 100
    summary = (finished_run / "results/report/summary.html").read_text()
    assert "Which k each criterion picks" in summary and "noise_photo" in summary
    provenance = json.loads((finished_run / "results/provenance.json").read_text())
    assert provenance["config"]["k"] == [2, 3]
    assert provenance["versions"]["scikit-learn"]
    assert set(provenance["inputs"]) == {"stripes", "noise_photo", "shaded_ball"}
    (truth,) = provenance["truth"]["shaded_ball"]  # the only image with ground truth
    assert set(provenance["truth"]) == {"shaded_ball"}
    assert (
        truth["sha256"] == hashlib.sha256((finished_run / truth["path"]).read_bytes()).hexdigest()
    )


def test_cutouts_are_transparent_exactly_on_the_corner_cluster(finished_run):
    with Image.open(finished_run / "results/cutouts/shaded_ball_cluster.png") as image:
        assert image.mode == "RGBA"
        rgba = np.asarray(image)
    maps = find_label_maps(finished_run / "results", "shaded_ball", "kmeans")
    labels = maps[("rgb", 2, 0)]  # figures.detail_method kmeans, first space rgb
    np.testing.assert_array_equal(rgba[..., 3] == 0, labels == labels[0, 0])
    assert set(np.unique(rgba[..., 3])) == {0, 255}
    with Image.open(finished_run / "results/cutouts/stripes_baseline.png") as image:
        alpha = np.asarray(image)[..., 3]
    assert (alpha[:, :15] == 0).all() and (alpha[:, 15:] == 255).all()  # first stripe only


def test_only_the_image_with_truth_is_scored(finished_run):
    fits = pd.read_csv(finished_run / "results/tables/fits.csv")
    scored = fits.dropna(subset=["ari"])
    assert set(scored["image"]) == {"shaded_ball"}
    assert scored[["ami", "vi", "covering", "pixel_accuracy", "mean_iou"]].notna().all().all()
    leaderboard = pd.read_csv(finished_run / "results/tables/leaderboard.csv")
    assert len(leaderboard) == 4 and leaderboard["rank"].tolist() == [1, 2, 3, 4]
    assert (leaderboard["n_images"] == 1).all()
    summary = (finished_run / "results/report/summary.html").read_text()
    assert "Leaderboard" in summary and "How good is the automatic choice of k" in summary


def test_full_covariance_mixture_beats_kmeans_in_rgb_on_the_shaded_ball(finished_run):
    """The tutorials' claim: KMeans (k = 2) in RGB splits light from dark on a shaded object,
    a full-covariance mixture follows the long cloud and finds the object."""
    fits = pd.read_csv(finished_run / "results/tables/fits.csv")
    ball = fits[(fits["image"] == "shaded_ball") & (fits["k"] == 2)].set_index(["space", "method"])
    kmeans_rgb = ball.loc[("rgb", "kmeans"), "ari"]
    best_gmm = ball.xs("gmm", level="method")["ari"].max()
    assert kmeans_rgb < 0.5
    assert best_gmm > 0.95
    assert best_gmm > kmeans_rgb


def test_rerun_is_a_no_op_and_figures_redraw_without_reclustering(finished_run):
    assert "Nothing to be done" in snakemake(finished_run).stderr
    labels = finished_run / f"results/labels/{batch_of('stripes', 1)}/kmeans.npz"
    figure = finished_run / "results/figures/stripes/rgb_recolour.png"
    before = labels.stat().st_mtime_ns, figure.stat().st_mtime_ns
    # what `make figures CONFIG=...` runs, as it runs it: the redraw, then the report
    redraw, report = make_snakemake_commands("figures", "CONFIG=config.yaml")
    assert redraw[redraw.index("--forcerun") + 1 :][: len(figure_rules())] == figure_rules()
    result = run_make_command(finished_run, redraw)
    assert result.returncode == 0, result.stderr[-3000:]
    assert labels.stat().st_mtime_ns == before[0]
    assert figure.stat().st_mtime_ns > before[1]
    assert "rule segment" not in result.stderr and "steps (100%) done" in result.stderr
    assert "--configfile" in report and "--report" in report


def test_report_is_one_html_file_with_small_copies_of_the_figures(finished_run):
    result = snakemake(finished_run, "--report", "report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    report = (finished_run / "report.html").read_text()
    assert "rgb_recolour.jpg" in report and "elbow.jpg" in report and "summary.html" in report
    copies = sorted((finished_run / "results/report/figures").rglob("*.jpg"))
    # three images, at most max_images (12): every per-image figure of the registry, and the
    # truth figures of the one image with truth
    per_image = image_figures(["rgb", "lab"])
    assert len(copies) == 3 * len(per_image) + len(truth_figures())
    for copy in copies:
        with Image.open(copy) as image:
            assert image.format == "JPEG" and image.width <= 700
    assert "filename=rgb_recolour.png" not in report  # full size stays in results/figures/


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=8000",
]

# Appended to a copy of the report: once the page has rendered its start page (polled, as
# the report builds it after loading), record each summary table's width against the width
# of the box that holds it, for --dump-dom to read back.
MEASURE_TABLES = """
<script>
(function measure(tries) {
  const boxes = document.querySelectorAll('.segsweep-summary');
  if (!boxes.length && tries > 0) { setTimeout(() => measure(tries - 1), 250); return; }
  const rows = [];
  boxes.forEach((box) => {
    box.querySelectorAll('table').forEach((table) => {
      rows.push([table.scrollWidth, box.clientWidth, table.rows.length]);
    });
  });
  const out = document.createElement('pre');
  out.id = 'segsweep-measure';
  out.textContent = JSON.stringify({tables: rows});
  document.body.appendChild(out);
})(40);
</script>
"""


def test_report_renders_in_a_browser_with_no_table_cut_off(finished_run, tmp_path):
    """The report opens in headless Chromium at 1280 pixels with its summary first, every
    figure copy, and every summary table as wide as its column at most."""
    if CHROMIUM is None:
        skip_without_tool("chromium", "CI installs it: apt-get install chromium")
    report = finished_run / "report.html"
    if not report.exists():
        assert snakemake(finished_run, "--report", "report.html").returncode == 0
    common = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "shot.png"
    subprocess.run([*common, "--window-size=1280,900", f"--screenshot={shot}",
                    report.as_uri()], capture_output=True, timeout=120, check=True)  # fmt: skip
    with Image.open(shot) as image:
        assert image.size == (1280, 900)
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.std() > 20  # not a blank page
    measured = tmp_path / "measured.html"
    page = report.read_text()
    end = page.rfind("</body>")  # the last one: the report's scripts hold the word too
    measured.write_text(page[:end] + MEASURE_TABLES + page[end:])
    command = [*common, "--window-size=1280,900", "--dump-dom", measured.as_uri()]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    assert "segsweep: segmentation by clustering, summary" in dom  # the summary opens it
    assert "Leaderboard" in dom
    copies = list((finished_run / "results/report/figures").rglob("*.jpg"))
    assert dom.count('"mime_type": "image/jpeg"') == len(copies) + 1  # and background removal
    found = re.search(r'<pre id="segsweep-measure">(.*?)</pre>', dom)
    assert found, "the measuring script did not run"
    tables = json.loads(html.unescape(found.group(1)))["tables"]
    assert len(tables) >= 5  # what was run, leaderboard, choice of k, picks, software
    for table_width, column_width, _ in tables:
        assert 0 < table_width <= column_width


FIXTURE = BSDS_BENCH


def test_bsds_folder_as_input(tmp_path):
    root = tmp_path / "BSDS500"
    for sub in ("images/val", "groundTruth/val"):
        (root / sub).mkdir(parents=True)
    for image_id in ("2018", "3063", "5096"):
        shutil.copy(FIXTURE / "images" / f"{image_id}.jpg", root / "images/val")
        shutil.copy(FIXTURE / "groundTruth" / f"{image_id}.mat", root / "groundTruth/val")
    config = {
        **TINY_CONFIG,
        "images": {"max_pixels": 20000},
        "bsds": {"root": str(root), "split": "val", "limit": 2},
        "spaces": ["lab"],
        "methods": {
            "kmeans": {},
            "fh": {"method": "felzenszwalb", "grid": [800, 200]},
            "ward": {"method": "ward", "grid": [3, 12], "min_region": 20},
            "merged": {
                "method": "gmm",
                "grid": [6],
                "xy_weight": 1.0,
                "split_regions": True,
                "min_region": 20,
                "merge_boundaries": [0.08, 0.02],
            },
        },
        "k": [2, 4, 8],
    }
    workdir = copy_workflow(tmp_path / "run", config)
    result = snakemake(workdir, "results/tables/leaderboard.csv", "figures")
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("lab_recolour", "elbow", "truth"):
        assert (workdir / f"results/figures/2018/{name}.png").is_file()
    leaderboard = pd.read_csv(workdir / "results/tables/leaderboard.csv").set_index("method")
    assert leaderboard["n_images"].tolist() == [2, 2, 2, 2]
    for row in leaderboard.itertuples():
        assert 0.0 < row.covering_ods <= row.covering_ois <= 1.0
        assert 0.0 < row.pri_ods <= row.pri_ois <= 1.0
        assert row.vi_ois <= row.vi_ods
    assert leaderboard.loc["fh", "parameter"] == "scale"
    assert leaderboard.loc["fh", "covering_ods_value"] in (200, 800)
    assert leaderboard.loc["ward", "parameter"] == "k"
    fits = pd.read_csv(workdir / "results/tables/fits.csv")
    fh = fits[fits["method"] == "fh"]
    assert fh["value"].tolist() == [200, 800] * 2 and fh["k"].isna().all()  # no k asked
    merged = fits[fits["method"] == "merged"]
    assert (merged["parameter"] == "merge_boundaries").all()
    assert merged["value"].tolist() == [0.02, 0.08] * 2
    assert (merged["merge_boundaries"] == merged["value"]).all()
    assert (merged["k"] == 6).all()  # the k asked; n_segments is what merging left
    assert leaderboard.loc["merged", "covering_ods_value"] in (0.02, 0.08)
    assert set(pd.read_csv(workdir / "results/tables/picks.csv")["method"]) <= {"kmeans", "ward"}
    summary = (workdir / "results/report/summary.html").read_text()
    assert "swept over scale = 200, 800" in summary
    assert "swept over merge_boundaries = 0.02, 0.08 at k = 6" in summary
    _, annotations = load_standard_form(workdir / "results/ingest/2018.npz")
    assert len(annotations) == 5  # every annotation of the .mat file
    assert not any(root.rglob("*.png"))  # nothing written into the user's BSDS folder


#: The fixture's candidates per image, each read by a precomputed entry: its folder, grid
#: and the folder of the benchmark's own outputs for it.
OFFICIAL_CANDIDATES = {
    "segs": ("segs", [1, 2, 3, 4, 5], "test_4"),
    # the benchmark's test_1 cuts each ucm2 at its 5 thresholds (1/6 ... 5/6)
    "ucm": ("ucm2", [1 / 6, 2 / 6, 3 / 6, 4 / 6, 5 / 6], "test_1"),
}


def test_precomputed_segmentations_score_as_the_official_benchmark(tmp_path):
    """The fixture's five candidate segmentations per image, and its ultrametric contour
    maps cut at five thresholds, compared through ``precomputed`` entries end to end, give
    the benchmark's own region and boundary numbers (test_4, test_1): the leaderboard reads
    them as the Berkeley benchmark does."""
    root = tmp_path / "BSDS500"
    for sub in ("images/test", "groundTruth/test"):
        (root / sub).mkdir(parents=True)
    for mat in sorted((FIXTURE / "groundTruth").glob("*.mat")):
        shutil.copy(FIXTURE / "images" / f"{mat.stem}.jpg", root / "images/test")
        shutil.copy(mat, root / "groundTruth/test")
    methods = {
        entry: {"method": "precomputed", "grid": grid, "params": {"folder": str(FIXTURE / folder)}}
        for entry, (folder, grid, _) in OFFICIAL_CANDIDATES.items()
    }
    config = {
        **TINY_CONFIG,
        "images": {"max_pixels": None},
        "bsds": {"root": str(root), "split": "test"},
        "spaces": ["lab"],
        "methods": methods,
        "figures": {"detail_method": "segs"},  # fmt: skip
    }
    workdir = copy_workflow(tmp_path / "run", config)
    result = snakemake(workdir, "results/tables/leaderboard.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    board = pd.read_csv(workdir / "results/tables/leaderboard.csv").set_index("method")
    for entry, (_, _, outputs) in OFFICIAL_CANDIDATES.items():
        row = board.loc[entry]
        official = {name: np.loadtxt(FIXTURE / outputs / f"eval_{name}.txt")
                    for name in ("cover", "RI_VOI", "bdry")}  # fmt: skip
        assert row["n_images"] == 5
        assert row["covering_ods_value"] == pytest.approx(official["cover"][0], abs=1e-6)
        assert row["covering_ods"] == pytest.approx(official["cover"][1], abs=5e-6)
        assert row["covering_ois"] == pytest.approx(official["cover"][2], abs=5e-6)
        assert row["pri_ods"] == pytest.approx(official["RI_VOI"][1], abs=5e-6)
        assert row["pri_ois"] == pytest.approx(official["RI_VOI"][2], abs=5e-6)
        assert row["vi_ods"] == pytest.approx(official["RI_VOI"][4], abs=5e-5)
        assert row["vi_ois"] == pytest.approx(official["RI_VOI"][5], abs=5e-5)
        # boundaries: within the matcher's tolerance (tests/test_boundaries.py)
        assert row["boundary_f_ods"] == pytest.approx(official["bdry"][3], abs=0.005)
        assert row["boundary_f_ois"] == pytest.approx(official["bdry"][6], abs=0.005)
        assert row["boundary_f_ap"] == pytest.approx(official["bdry"][7], abs=0.01)


def readme_method_module() -> str:
    """The example method module of the walk-through in docs/extending.md."""
    readme = (ROOT / "docs" / "extending.md").read_text()
    section = readme[readme.index("## Adding a clustering method") :]
    start = section.index("```python\n") + len("```python\n")
    return section[start : section.index("```", start)]


def test_readme_method_walkthrough(tmp_path):
    """Adding a method is one file: the docs' example runs through the pipeline, beside
    bundled methods with options and a grey-only method."""
    config = {
        **TINY_CONFIG,
        "spaces": ["rgb", "grey"],
        "methods": {
            "bins": {"method": "brightness_bins", "params": {"channel": -1}},
            "local": {"method": "kmeans", "xy_weight": 0.5, "smoothing": 1.0},
            "background": {"method": "corner_threshold"},
            "otsu": {},
        },
        "figures": {"detail_method": None},
    }
    workdir = copy_workflow(tmp_path, config)
    write_images(workdir / "images")
    module = workdir / "workflow/scripts/segsweep/fit/methods/brightness_bins.py"
    module.write_text(readme_method_module())
    result = snakemake(workdir, "results/tables/fits.csv", "results/report/summary.html")
    assert result.returncode == 0, result.stderr[-3000:]
    fits = pd.read_csv(workdir / "results/tables/fits.csv")
    bins = fits[fits["method"] == "bins"]
    assert set(bins["space"]) == {"rgb", "grey"} and set(bins["k"]) == {2, 3}
    noise = bins[bins["image"] == "noise_photo"]
    assert (noise["n_segments"] == noise["k"]).all()
    assert set(fits[fits["method"] == "otsu"]["space"]) == {"grey"}
    background = fits[fits["method"] == "background"]
    assert len(background) == 3 * 2 and background["k"].isna().all()
    local = fits[fits["method"] == "local"]
    assert (local["smoothing"] == 1.0).all() and (local["xy_weight"] == 0.5).all()

    # a misspelt parameter of the new method stops the run and lists the known ones
    config["methods"]["bins"]["params"] = {"chanel": 0}
    (workdir / "config.yaml").write_text(yaml.safe_dump(config))
    result = snakemake(workdir, "-n")
    output = result.stdout + result.stderr  # a dry run reports on standard output
    assert result.returncode != 0
    assert "unknown parameter(s) ['chanel'] for method 'brightness_bins'" in output
    assert "channel" in output
