"""Each registry is the one place a new entry is written: a score, a criterion, a per-image
figure and a colour space added in their registry files reach every table, figure and
caption they should; and a code change reruns what it touches, nothing more."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pipeline import TINY_CONFIG, copy_workflow, snakemake, write_images

pytestmark = pytest.mark.workflow

SCORE = """
    Measure("dice_like", "Dice-like", True, "twice the best overlap share, an example",
            per_pair=lambda f: 2 * f.cover_num / (2 * f.table.n_pixels), leaderboard="dice"),
"""
CRITERION = """
    Measure("n_segments", "segments", False, "fewest segments, an example criterion",
            picks_as="fewest", pick_rule="min"),
"""
FIGURE = """
    FigureSpec("brightness", "image", "Photos", "Histogram of the mean of R, G and B.",
               "plot_images", "segsweep.figures.brightness:draw_brightness"),
"""
FIGURE_MODULE = """
from segsweep.figures.canvas import plt


def draw_brightness(scene, space):
    fig, axes = plt.subplots(figsize=(5, 3))
    axes.hist(scene.rgb.mean(axis=-1).ravel(), bins=64, color="0.3")
    axes.set_title(f"{scene.title}: brightness")
    return fig
"""
SPACE = """
        ColourSpace("inverted", ("R'", "G'", "B'"), ((0.0, 1.0),) * 3, lambda unit: 1 - unit),
"""


def insert_after(path, marker: str, text: str) -> None:
    source = path.read_text()
    assert marker in source, marker
    path.write_text(source.replace(marker, marker + text, 1))


def test_a_score_criterion_figure_and_space_each_written_once_reach_every_output(tmp_path):
    config = {**TINY_CONFIG, "spaces": ["rgb", "inverted"]}
    workdir = copy_workflow(tmp_path, config)
    write_images(workdir / "images")
    package = workdir / "workflow/scripts/segsweep"
    insert_after(package / "score/measures.py", "SCORES: tuple[Measure, ...] = (\n", SCORE)
    insert_after(package / "score/measures.py", "CRITERIA: tuple[Measure, ...] = (\n", CRITERION)
    insert_after(package / "figures/registry.py", "FIGURES: tuple[FigureSpec, ...] = (\n", FIGURE)
    (package / "figures/brightness.py").write_text(FIGURE_MODULE)
    insert_after(package / "fit/spaces.py", "    for space in (\n", SPACE)
    result = snakemake(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert snakemake(workdir, "--report", "results/report.html").returncode == 0
    results = workdir / "results"
    fits = pd.read_csv(results / "tables/fits.csv")
    assert set(fits["space"]) == {"rgb", "inverted"}  # the new space
    scored = fits.dropna(subset=["ari"])
    assert scored["dice_like"].between(0, 1).all() and len(scored) > 0  # the new score
    board = pd.read_csv(results / "tables/leaderboard.csv")
    assert {"dice_ods", "dice_ois", "dice_ods_low", "dice_ods_high"} <= set(board.columns)
    picks = pd.read_csv(results / "tables/picks.csv")
    assert "fewest" in set(picks["criterion"])  # the new criterion picks k
    assert (picks[picks["criterion"] == "fewest"]["k"] == 2).all()
    for image in ("stripes", "noise_photo", "shaded_ball"):  # the new figure
        assert (results / f"figures/{image}/brightness.png").is_file()
        assert (results / f"figures/{image}/inverted_recolour.png").is_file()
    report = (workdir / "results/report.html").read_text()
    assert "Histogram of the mean of R, G and B." in report  # its caption


def test_code_changes_rerun_what_they_touch(tiny_run):
    """Editing a score reruns the measure jobs, not the fits; editing one method refits that
    method only; editing a figure redraws the figures only. The tiny run is left as it was
    (each edit is undone and its rerun made)."""
    package = tiny_run / "workflow/scripts/segsweep"

    def ran_after(path, change):
        """(rule, method) of every job a dry run plans after ``change`` to ``path``."""
        original = path.read_text()
        path.write_text(original + change)
        try:
            result = snakemake(tiny_run, "-n")
            assert result.returncode == 0, result.stderr[-2000:]
        finally:
            path.write_text(original)
        jobs = []  # [rule, method] of each job block of the dry run
        for line in (result.stdout + result.stderr).splitlines():
            if found := re.match(r"\s*(?:local)?rule (\w+):$", line):
                jobs.append([found.group(1), None])
            elif jobs and (found := re.match(r"\s+wildcards: .*method=(\w+)", line)):
                jobs[-1][1] = found.group(1)
        return {tuple(job) for job in jobs}

    score_jobs = ran_after(package / "score/scores.py", "\n# an edit\n")
    rules = {rule for rule, _ in score_jobs}
    assert "measure" in rules and "tables" in rules
    assert not rules & {"segment", "screen"}  # no refit
    method_jobs = ran_after(package / "fit/methods/gmm.py", "\n# an edit\n")
    assert ("segment", "gmm") in method_jobs and ("segment", "kmeans") not in method_jobs
    assert "screen" not in {rule for rule, _ in method_jobs}
    figure_jobs = {rule for rule, _ in ran_after(package / "figures/image.py", "\n# an edit\n")}
    assert "plot_images" in figure_jobs
    assert not figure_jobs & {"segment", "measure", "tables", "leaderboard", "screen"}
    dry = snakemake(tiny_run, "-n")
    assert "Nothing to be done" in dry.stdout + dry.stderr  # every edit undone
