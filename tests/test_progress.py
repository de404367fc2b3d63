"""The logger plugin that adds the time left to Snakemake's progress lines."""

import sys
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[1] / "workflow" / "plugins"
sys.path.insert(0, str(PLUGINS))

from snakemake_logger_plugin_segsweep import duration, progress_note  # noqa: E402


def test_durations_read_naturally():
    assert duration(42) == "42 s"
    assert duration(95) == "2 min"
    assert duration(3 * 3600 + 5 * 60) == "3 h 05 min"


def test_time_left_is_the_pace_so_far():
    assert progress_note(40, 120, 300) == "; 5 min elapsed, about 10 min left"
    assert progress_note(0, 120, 3) == ""  # nothing done: no pace yet
    assert progress_note(120, 120, 600) == "; 10 min elapsed"


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
