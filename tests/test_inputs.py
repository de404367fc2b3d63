"""Any file a folder can hold, any configuration a user can write (issue 13): the whole
workflow, run as a user runs it."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import yaml
from bench.datasets import labelled_image, write_mat
from corpus import make_name_corpus
from PIL import Image
from pipeline import TINY_CONFIG, copy_workflow, snakemake, write_images

from segsweep.store.files import read_csv
from segsweep.store.labelmaps import find_label_maps

pytestmark = pytest.mark.workflow

FAST = {**TINY_CONFIG, "spaces": ["lab"], "methods": {"kmeans": {"method": "kmeans"}}}


def first_line(result) -> str:
    """The first line of a run's output after Snakemake's own notices."""
    notices = ("Using workflow specific profile", "Assuming unrestricted shared filesystem")
    lines = [line for line in result.stderr.splitlines() if line and not line.startswith(notices)]
    return lines[0] if lines else ""


def test_any_file_name_is_segmented_as_its_own_image(tmp_path):
    workdir = copy_workflow(
        tmp_path, {**FAST, "images": {"folder": "images", "truth_folder": None}}
    )
    expected = make_name_corpus(workdir / "images")
    result = snakemake(workdir, "results/tables/fits.csv", "results/provenance.json",
                       "results/report/summary.html")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    fits = read_csv(workdir / "results/tables/fits.csv")
    assert set(fits["image"]) == set(expected.values())  # 0001 and 1 stay two images
    sources = {image for path in (workdir / "results/fits").glob("*/*.csv")
               for image in read_csv(path)["image"]}  # fmt: skip
    assert sources == set(expected.values())
    dry = snakemake(workdir, "-n")  # every rule, figures and report included, takes the names
    assert dry.returncode == 0, dry.stderr[-3000:]


# session scope: made once, even when the tests that share it are not run in a row
@pytest.fixture(scope="session")
def bsds_shaped_run(tmp_path_factory):
    """The whole workflow, figures and report, on a BSDS500-shaped folder whose images have
    digit-only names, ``0001`` and ``1`` among them, with several annotations in .mat files;
    five images and three methods, so the leaderboard has intervals, tests and a rank plot."""
    work = tmp_path_factory.mktemp("bsds_shaped")
    root = work / "BSDS500"
    (root / "images/val").mkdir(parents=True)
    (root / "groundTruth/val").mkdir(parents=True)
    names = [("100007", "jpg"), ("0001", "png"), ("1", "png"), ("12003", "jpg"), ("2018", "jpg")]
    for seed, (name, ending) in enumerate(names):
        rgb, annotations = labelled_image(seed)
        small = rgb[::3, ::3]
        Image.fromarray(small).save(root / f"images/val/{name}.{ending}")
        write_mat(root / f"groundTruth/val/{name}.mat", [a[::3, ::3] for a in annotations])
    methods = {"kmeans": {"method": "kmeans"}, "gmm": {"method": "gmm"},
               "kmeans_xy": {"method": "kmeans", "xy_weight": 1.0}}  # fmt: skip
    config = {**FAST, "bsds": {"root": str(root), "split": "val"}, "k": [2, 4],
              "methods": methods}  # fmt: skip
    workdir = copy_workflow(work / "run", config)
    result = snakemake(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    report = snakemake(workdir, "--report", "report.html")
    assert report.returncode == 0, report.stderr[-3000:]
    return workdir


def test_digit_names_stay_strings_through_every_table_and_figure(bsds_shaped_run):
    results = bsds_shaped_run / "results"
    fits = read_csv(results / "tables/fits.csv")
    assert sorted(fits["image"].unique()) == ["0001", "1", "100007", "12003", "2018"]
    assert fits["ari"].notna().all()  # every image scored against its .mat truth
    for image in ("0001", "1", "100007"):
        assert (results / f"figures/{image}/truth.png").is_file()
        assert (results / f"figures/{image}/lab_recolour.png").is_file()
        assert set(find_label_maps(results, image, "kmeans")) == {
            ("lab", 2, 0), ("lab", 4, 0)
        }  # fmt: skip
    board = read_csv(results / "tables/leaderboard.csv")
    assert board["n_images"].tolist() == [5, 5, 5]
    assert (board["covering_ods_low"] <= board["covering_ods"]).all()
    assert (board["covering_ods"] <= board["covering_ods_high"]).all()
    assert board["verdict"].iloc[0] == "best"
    assert set(board["verdict"].iloc[1:]) <= {"tied with the best", "worse"}
    per_image = read_csv(results / "tables/leaderboard_per_image.csv")
    assert sorted(set(per_image["image"])) == ["0001", "1", "100007", "12003", "2018"]
    assert (results / "figures/ranks.png").is_file()
    summary = (results / "report/summary.html").read_text()
    assert "paired Wilcoxon tests" in summary
    assert (bsds_shaped_run / "report.html").stat().st_size > 0
    for log in (results / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(), log


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"k": [1, 2]}, "config k[0] = 1: must be an integer >= 2"),
        ({"colour_spaces": ["rgb"]}, "config colour_spaces: unknown key; did you mean spaces?"),
        ({"spaces": ["rgb", "cmyk"]}, "spaces[1] = 'cmyk': must be one of"),
        ({"methods": {"x": {"method": "spectral"}}}, "methods.x: unknown method 'spectral'"),
        ({"images": {"folder": "empty"}}, "images.folder: no image in 'empty'"),
        ({"sample_size": 1}, "config sample_size = 1: must be an integer >= 2 or 'all'"),
        ({"figures": {"seed": 5}}, "figures.seed: 5 is not one of seeds [0]"),
        (
            {
                "methods": {
                    "kmeans": {},
                    "mine": {"method": "precomputed", "params": {"folder": "gone"}},
                }
            },
            "methods.mine.params.folder: 'gone' is not a folder",
        ),
    ],
)
def test_a_bad_config_stops_with_one_line_and_status_1(tmp_path, change, message):
    workdir = copy_workflow(tmp_path, {**FAST, **change})
    write_images(workdir / "images")
    (workdir / "empty").mkdir()
    result = snakemake(workdir, "-n")
    assert result.returncode == 1
    assert first_line(result).startswith(message), result.stderr[-2000:]
    assert "Traceback" not in result.stderr and 'File "' not in result.stderr
    assert "$schema" not in result.stderr and "properties" not in result.stderr  # no dump
    assert not (workdir / "results").exists()


def test_a_user_config_names_exactly_the_methods_it_runs(tmp_path):
    workdir = copy_workflow(tmp_path, TINY_CONFIG)  # config.yaml: kmeans and gmm
    write_images(workdir / "images")
    (workdir / "mine.yaml").write_text("methods:\n  kmeans: {method: kmeans}\n")
    result = snakemake(workdir, "-n", "results/tables/fits.csv", "--configfile", "mine.yaml")
    assert result.returncode == 0, result.stderr[-2000:]
    (workdir / "mine.yaml").write_text("methods: {}\n")
    result = snakemake(workdir, "-n", "--configfile", "mine.yaml")
    assert result.returncode == 1
    assert first_line(result) == "config methods: is empty; name at least one entry"


def test_the_methods_of_a_user_config_replace_the_shipped_ones(tmp_path):
    workdir = copy_workflow(tmp_path, {**TINY_CONFIG, "spaces": ["rgb"]})
    write_images(workdir / "images")
    for name in ("stripes.png", "noise photo.jpg"):
        (workdir / "images" / name).unlink()
    # figures.detail_method of config.yaml names kmeans, which this file no longer runs
    mine = "methods:\n  only: {method: kmeans}\nfigures: {detail_method: only}\n"
    (workdir / "mine.yaml").write_text(mine)
    result = snakemake(workdir, "results/tables/fits.csv", "--configfile", "mine.yaml")
    assert result.returncode == 0, result.stderr[-2000:]
    assert set(read_csv(workdir / "results/tables/fits.csv")["method"]) == {"only"}


def test_a_yaml_syntax_error_names_the_file_line_and_column(tmp_path):
    workdir = copy_workflow(tmp_path, FAST)
    (workdir / "config.yaml").write_text(yaml.safe_dump(FAST) + "extra:\n\t- tab-indented\n")
    result = snakemake(workdir, "-n")
    assert result.returncode == 1
    line = first_line(result)
    assert line.startswith("config.yaml:") and "YAML syntax error" in line, result.stderr
    row = len(yaml.safe_dump(FAST).splitlines()) + 2
    assert line.startswith(f"config.yaml:{row}:1: "), line


def test_cjk_titles_keep_every_character(tmp_path):
    from segsweep.figures.canvas import displayable

    assert displayable("photo 1") == "photo 1"
    shown = displayable("画像 1")
    assert "1" in shown and ("画像" in shown or "<U+753B><U+50CF>" in shown)
    assert np.all([c not in shown for c in "\ufffd"])  # never a replacement character
    shutil.rmtree(tmp_path)
