"""The docs stay current with the code: README is short, its config example is valid, and
every entry of every registry (methods, options, figures, measures, colour spaces, data
sources, ground-truth formats) appears in the docs."""

import copy
import re
import sys
from pathlib import Path

import pytest
import yaml
from snakemake.utils import validate

from segsweep import configuration
from segsweep.data.discovery import SOURCES
from segsweep.data.truth import TRUTH_READERS
from segsweep.figures.registry import FIGURES
from segsweep.fit import methods
from segsweep.fit.setup import OPTION_DEFAULTS
from segsweep.fit.spaces import SPACES
from segsweep.score.measures import CRITERIA, SCORES

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(path.read_text() for path in sorted((ROOT / "docs").glob("*.md")))


def test_readme_is_short_and_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    for page in (ROOT / "docs").glob("*.md"):
        assert f"docs/{page.name}" in readme, page.name


def test_readme_config_example_is_valid():
    readme = (ROOT / "README.md").read_text()
    start = readme.index("```yaml\n") + len("```yaml\n")
    example = yaml.safe_load(readme[start : readme.index("```", start)])
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config.update(copy.deepcopy(example))
    config["images"] = {**yaml.safe_load((ROOT / "config.yaml").read_text())["images"],
                        **example["images"]}  # fmt: skip
    validate(config, str(ROOT / "workflow/schemas/config.schema.yaml"), set_default=True)
    setups = configuration.check(config)
    assert setups["fh"].parameter == "scale" and setups["gmm_local"].options["smoothing"] == 1.0


def mentioned(name: str) -> bool:
    """Whether the docs name ``name`` as code (in backquotes or a code block)."""
    return re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", DOCS) is not None


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("method", sorted(methods.registry())),
        ("option", list(OPTION_DEFAULTS)),
        ("figure", [f"SPACE_{f.name}" if f.scope == "space" else f.name for f in FIGURES]),
        ("score", [measure.column for measure in SCORES]),
        ("criterion", [measure.picks_as for measure in CRITERIA]),
        ("colour space", list(SPACES)),
        ("data source", [source.name for source in SOURCES]),
        ("ground-truth format", [suffix.lstrip(".") for suffix in TRUTH_READERS]),
    ],
)
def test_every_registry_entry_is_in_the_docs(kind, names):
    missing = [name for name in names if not mentioned(name)]
    assert not missing, f"{kind}s missing from docs/: {missing}"


def test_the_mutation_runner_reads_every_survivor_row_of_the_docs(monkeypatch):
    """A row the runner cannot read explains nothing: a cell with a pipe of its own (``\\|``,
    a mutant of ``&``) once split into six cells and was skipped."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "mutation_runner", ROOT / "tests" / "mutation" / "run.py"
    )
    runner = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "mutation_runner", runner)  # its dataclasses look it up
    spec.loader.exec_module(runner)
    text = (ROOT / "docs" / "mutation.md").read_text()
    table = text[text.index("## Survivors, one row each") :]
    rows = [line for line in table.splitlines() if line.startswith("| ") and ".py |" in line]
    read = runner.explanations()
    assert len(read) == len(rows)
    piped = [row for row in read if "|" in row["mutant"]]
    assert piped and all("\\" not in row["mutant"] for row in piped)
