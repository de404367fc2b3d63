"""Bad inputs get a clear answer; runs are reproducible and survive interruption (issue 7)."""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from corpus import EXPECTED, IGNORED, make_corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pipeline import TINY_CONFIG, comparable_files, copy_workflow, snakemake, write_images

from segsweep.data.discovery import discover_images, image_id
from segsweep.data.ingest import screen, to_rgb8
from segsweep.errors import InputImageError
from segsweep.fit.batches import batch_of
from segsweep.store.files import read_csv, read_json

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus") / "images"
    return folder, make_corpus(folder)


def test_every_corpus_file_is_accepted_or_rejected_with_its_name(corpus):
    folder, expected = corpus
    images, _ = discover_images(folder)
    assert "twin_png" in images and "twin_jpg" in images
    for name, path in images.items():
        record, rgb, _ = screen(name, path, [], max_pixels=10000)
        outcome = expected[Path(path).name]
        if outcome == "accepted":
            assert record["status"] == "accepted", record
            assert rgb.shape == (record["height"], record["width"], 3)
        else:
            assert record["status"] == "rejected"
            assert Path(path).name in record["reason"] and outcome in record["reason"]
            assert "\n" not in record["reason"]


def test_accepted_corpus_files_record_what_was_done(corpus):
    folder, _ = corpus

    def steps(name):
        return " ".join(screen(image_id(Path(name)), folder / name, [], 10000)[0]["steps"])

    assert "grey replicated" in steps("grey.png")
    assert "alpha channel dropped" in steps("grey alpha.png")
    assert "alpha channel dropped" in steps("rgba.png")
    assert "16-bit" in steps("deep16.png") and "16-bit" in steps("deep16.tif")
    assert "float values in [0, 1]" in steps("float.tif")
    assert "downscaled from 150x120" in steps("huge.png")
    rotated, _, _ = screen("rotated", folder / "rotated.jpg", [], None)
    assert (rotated["height"], rotated["width"]) == (32, 24)  # EXIF orientation honoured
    assert screen("cmyk", folder / "cmyk.jpg", [], None)[0]["original_mode"] == "CMYK"
    huge, _, _ = screen("huge", folder / "huge.png", [], 10000, oversize="reject")
    assert huge["status"] == "rejected" and "images.max_pixels=10000" in huge["reason"]


def test_wrong_sized_truth_rejects_the_image_with_a_clear_line(corpus, tmp_path):
    from PIL import Image

    folder, _ = corpus
    Image.fromarray(np.zeros((5, 5), np.uint8)).save(tmp_path / "grey.png")
    record, _, _ = screen("grey", folder / "grey.png", [str(tmp_path / "grey.png")], None)
    assert record["status"] == "rejected"
    assert "ground truth is 5x5 but its photo" in record["reason"]


@settings(max_examples=150, deadline=None)
@given(
    arrays(
        st.sampled_from([np.uint8, np.uint16, np.float32, np.float64, np.int32, bool]),
        st.one_of(
            st.tuples(st.integers(1, 6), st.integers(1, 6)),
            st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(1, 5)),
        ),
    )
)
def test_any_image_array_becomes_standard_rgb_or_a_clear_error(array):
    try:
        rgb, notes = to_rgb8(array, source="x.tif")
    except InputImageError as error:
        assert str(error).startswith("x.tif: ")
        assert "\n" not in str(error)
        return
    assert rgb.dtype == np.uint8 and rgb.shape == (*array.shape[:2], 3)
    assert all(isinstance(note, str) for note in notes)
    if array.dtype == np.uint8 and array.ndim == 3 and array.shape[2] == 3:
        np.testing.assert_array_equal(rgb, array)


CORPUS_CONFIG = {
    **TINY_CONFIG,
    "images": {"folder": "images", "max_pixels": 10000, "truth_folder": None},
    "spaces": ["rgb"],
    "methods": {"kmeans": {"method": "kmeans"}},
    "k": [2, 3],
    "sample_size": 500,
}


# session scope: made once, even when the tests that share it are not run in a row
@pytest.fixture(scope="session")
def corpus_run(tmp_path_factory):
    workdir = copy_workflow(tmp_path_factory.mktemp("corpus_run"), CORPUS_CONFIG)
    expected = make_corpus(workdir / "images")
    result = snakemake(workdir)
    return workdir, expected, result


def no_traceback_anywhere(workdir: Path, result) -> None:
    """Neither the console nor any job's log holds a Python traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    for log in (workdir / "results" / "logs").rglob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log


def test_pipeline_finishes_with_the_good_images_and_reports_the_rest(corpus_run):
    workdir, expected, result = corpus_run
    assert result.returncode == 0, result.stderr[-3000:]
    no_traceback_anywhere(workdir, result)
    fits = read_csv(workdir / "results/tables/fits.csv")
    images, ignored = discover_images(workdir / "images")
    accepted = {name for name, path in images.items() if expected[Path(path).name] == "accepted"}
    assert set(fits["image"]) == accepted
    assert {"twin_png", "twin_jpg", "deep16_png", "deep16_tif", "café_crème"} <= accepted
    assert set(ignored) == set(IGNORED)
    summary = html.unescape((workdir / "results/report/summary.html").read_text())
    assert "Rejected images" in summary and "Ignored files" in summary
    for name, outcome in {**expected, **IGNORED}.items():
        if outcome != "accepted":
            assert name in summary and outcome in summary, name
    assert not list((workdir / "results").rglob("*.part"))  # no half-written file
    # the console ends with the count and one line per rejected or ignored file
    rejected = [name for name, outcome in expected.items() if outcome != "accepted"]
    heading = f"segsweep: {len(rejected)} image(s) rejected, {len(IGNORED)} file(s) ignored"
    assert heading in result.stdout
    lines = result.stdout[result.stdout.index(heading) :].splitlines()[1:]
    assert len([line for line in lines if line.startswith("  rejected: ")]) == len(rejected)
    assert len([line for line in lines if line.startswith("  ignored: ")]) == len(IGNORED)


def test_what_ingest_did_is_recorded(corpus_run):
    workdir, _, _ = corpus_run
    rotated = read_json(workdir / "results/ingest/rotated.json")
    assert rotated["original_shape"][:2] == [24, 32]  # as stored in the file
    assert (rotated["height"], rotated["width"]) == (32, 24)  # shown upright
    assert any("EXIF orientation 6" in step for step in rotated["steps"])
    pages = read_json(workdir / "results/ingest/multipage.json")
    assert pages["status"] == "accepted"
    assert "TIFF holds 3 pages: the first is used" in pages["steps"]
    bomb = read_json(workdir / "results/ingest/bomb.json")
    assert bomb["status"] == "rejected" and "60000x60000" in bomb["reason"]


def test_degenerate_images_are_recorded_not_crashed(corpus_run):
    workdir, _, _ = corpus_run
    fits = read_csv(workdir / "results/tables/fits.csv").set_index(["image", "method", "k"])
    assert fits.loc[("one_pixel", "kmeans", 2), "degenerate"]
    assert fits.loc[("flat_colour", "kmeans", 3), "degenerate"]
    assert fits.loc[("flat_colour", "kmeans", 2), "n_segments"] == 1
    numbers = ["inertia", "eta", "n_pixels", "n_fit", "n_segments"]
    assert fits[numbers].notna().all().all()  # no NaN where a number is promised


def test_on_error_fail_stops_the_run_with_one_clear_line(tmp_path):
    config = {**CORPUS_CONFIG, "images": {**CORPUS_CONFIG["images"], "on_error": "fail"}}
    workdir = copy_workflow(tmp_path, config)
    make_corpus(workdir / "images")
    result = snakemake(workdir, "--keep-going")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    # the first unusable file screened stops the run, with its own line
    lines = [line for line in output.splitlines() if line.startswith("segsweep error: ")]
    assert lines and all(line.endswith("(images.on_error: fail)") for line in lines), output
    bad = {name: reason for name, reason in EXPECTED.items() if reason != "accepted"}
    assert any(f"images/{name}: " in lines[0] and bad[name] in lines[0] for name in bad)
    assert "Traceback (most recent call last)" not in output
    assert not (workdir / "results/tables/fits.csv").exists()


def test_killed_run_resumes_to_the_same_bytes_as_an_uninterrupted_run(tiny_run, tmp_path):
    """Same configuration, same bytes: a run killed with SIGKILL and resumed writes every
    table, label map and standard form byte for byte as the uninterrupted run did."""
    workdir = copy_workflow(tmp_path, TINY_CONFIG)
    write_images(workdir / "images")
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(workdir.glob("results/labels/*/*.npz"))) < 2:
        time.sleep(0.2)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (workdir / "results/tables/fits.csv").exists()
    assert snakemake(workdir, "--unlock").returncode == 0
    result = snakemake(workdir, "--rerun-incomplete")
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = comparable_files(tiny_run), comparable_files(workdir)
    kinds = {name.split("/")[0] for name in first}
    assert {"tables", "labels", "ingest", "fits", "report", "provenance.json"} <= kinds
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    provenance = json.loads((workdir / "results/provenance.json").read_text())
    assert provenance["inputs"]["stripes"]["sha256"]


def test_deleting_one_output_regenerates_only_what_depends_on_it(tiny_run):
    results = tiny_run / "results"
    batch = batch_of("stripes", 1)  # 3 images in batches of 16: one batch
    deleted = results / f"labels/{batch}/kmeans.npz"
    untouched = results / f"labels/{batch}/gmm.npz"
    before = untouched.stat().st_mtime_ns
    deleted.unlink()
    result = snakemake(tiny_run)
    assert result.returncode == 0, result.stderr[-3000:]
    assert deleted.is_file() and untouched.stat().st_mtime_ns == before
    ran = {line.split()[-1].rstrip(":") for line in result.stderr.splitlines() if "rule " in line}
    assert "segment" in ran and "screen" not in ran


def test_a_missing_or_mis_sized_external_file_leaves_out_that_image_only(tmp_path):
    """Another tool's output (the precomputed entry) missing for one image and of the wrong
    size for another: those two images are left out of that entry with one line each
    naming the file, and every other entry and image goes on."""
    from PIL import Image

    config = {**TINY_CONFIG, "spaces": ["rgb"],
              "methods": {"kmeans": {}, "tool": {"method": "precomputed", "grid": [1, 2],
                                                 "params": {"folder": "external"}}}}  # fmt: skip
    workdir = copy_workflow(tmp_path, config)
    write_images(workdir / "images")
    (workdir / "external").mkdir()
    width, height = Image.open(workdir / "images/shaded_ball.png").size
    halves = np.zeros((2, height, width), dtype=np.int64)
    halves[1, :, width // 2 :] = 1  # the first map one region, the second two
    np.save(workdir / "external/shaded_ball.npy", halves)
    np.save(workdir / "external/stripes.npy", np.zeros((2, 5, 5), dtype=np.int64))
    result = snakemake(workdir, "results/tables/fits.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    fits = read_csv(workdir / "results/tables/fits.csv")
    assert set(fits[fits["method"] == "kmeans"]["image"]) == {"stripes", "noise_photo",
                                                             "shaded_ball"}  # fmt: skip
    tool = fits[fits["method"] == "tool"]
    assert set(tool["image"]) == {"shaded_ball"} and tool["n_segments"].tolist() == [1, 2]
    lines = [line for line in result.stderr.splitlines() if line.startswith("segsweep:")]
    assert len(lines) == 2, lines
    assert any("external/stripes.npy" in line and "5 x 5" in line for line in lines)
    assert any("no segmentation of image noise_photo" in line for line in lines)
