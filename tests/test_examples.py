"""The gallery (docs/examples/): each example runs as a user runs it and prints its
results; each stays short enough to read at a glance."""

import re
import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
#: Example -> the lines it prints, as patterns (each score a number in its range).
PRINTS = {
    "compare_methods.py": [
        rf"\s*{name} at {value}: \d+ regions, covering (0|1)\.\d{{3}}, PRI (0|1)\.\d{{3}}, "
        r"VI \d+\.\d\d, boundary F (0|1)\.\d{3}"
        for name, value in (("kmeans", 6), ("gmm", 6), ("felzenszwalb", 400))
    ],
    "score_label_maps.py": [
        r"image 2018: 321 x 481, 5 annotations",
        *[r"SLIC, \d+ regions: covering 0\.\d{3}, PRI 0\.\d{3}, VI \d\.\d\d, boundary "
          r"precision 0\.\d{3}, recall 0\.\d{3}"] * 2,
    ],
    "add_a_method.py": [rf"brightness_bins, k = {k}: covering 0\.\d{{3}}" for k in (2, 4, 6)],
}  # fmt: skip


def test_every_example_is_listed_here():
    assert sorted(path.name for path in EXAMPLES.glob("*.py")) == sorted(PRINTS)


@pytest.mark.parametrize("name", sorted(PRINTS))
def test_an_example_runs_and_prints_its_results(name, capsys):
    path = EXAMPLES / name
    assert len(path.read_text().splitlines()) <= 45
    runpy.run_path(str(path), run_name="__main__")
    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == len(PRINTS[name])
    for line, pattern in zip(printed, PRINTS[name], strict=True):
        assert re.fullmatch(pattern, line), line
