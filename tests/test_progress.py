"""The logger plugin that adds the time left to Snakemake's progress lines."""

import sys
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[1] / "workflow" / "plugins"
sys.path.insert(0, str(PLUGINS))

from snakemake_logger_plugin_segsweep import Pace, duration, progress_note  # noqa: E402


def test_durations_read_naturally():
    assert duration(42) == "42 s"
    assert duration(95) == "2 min"
    assert duration(3 * 3600 + 5 * 60) == "3 h 05 min"


def test_time_left_is_the_pace_so_far():
    assert progress_note(40, 120, 300) == "; 5 min elapsed, about 10 min left"
    assert progress_note(0, 120, 3) == ""  # nothing done: no pace yet
    assert progress_note(120, 120, 600) == "; 10 min elapsed"
    # paced from the 100th step at 4 min: 20 steps in 6 min, 100 left
    assert progress_note(120, 220, 600, since=(100, 240)) == "; 10 min elapsed, about 30 min left"
    assert progress_note(100, 220, 240, since=(100, 240)) == "; 4 min elapsed"


def test_the_pace_starts_again_when_the_job_graph_grows():
    """200 quick screening steps, then the graph gains 100 slow jobs: the time left is
    paced by the slow jobs only."""
    pace = Pace()
    assert pace.note(100, 201, 30) == "; 30 s elapsed, about 30 s left"
    assert pace.note(200, 201, 60) == "; 60 s elapsed, about 0 s left"
    assert pace.note(201, 301, 61) == "; 61 s elapsed"  # the graph grew: no pace yet
    assert pace.note(211, 301, 61 + 300) == "; 6 min elapsed, about 45 min left"
    assert pace.note(301, 301, 3000) == "; 50 min elapsed"


@pytest.mark.workflow
def test_a_run_with_the_logger_prints_the_time_left(tiny_run, monkeypatch):
    """Two steps redone (the summary and the default target): the first progress line says
    how long is left, the last how long it took."""
    from pipeline import snakemake

    (tiny_run / "results/report/summary.html").unlink()
    monkeypatch.setenv("PYTHONPATH", str(PLUGINS))
    result = snakemake(tiny_run, "--logger", "segsweep")
    assert result.returncode == 0, result.stderr[-3000:]
    progress = [line for line in result.stderr.splitlines() if "steps (" in line]
    assert progress[0].startswith("1 of 2 steps (50%) done; ") and "left" in progress[0]
    assert progress[-1].startswith("2 of 2 steps (100%) done; ") and "elapsed" in progress[-1]
