"""The shape of the code: short functions, no import circles, a light parse path."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
PACKAGE = SCRIPTS / "segsweep"
MAX_FUNCTION_LINES = 60


def modules() -> dict[str, ast.Module]:
    """Every module of the segsweep package by dotted name."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SCRIPTS).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = ast.parse(path.read_text(), filename=str(path))
    return found


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_function_is_longer_than_60_lines(name):
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(modules()[name])
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name}: {long}"


def module_imports(tree: ast.Module, known: set[str]) -> set[str]:
    """segsweep modules a module imports, at its top or inside a function."""
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in imported if name in known}


def test_imports_have_no_circle():
    trees = modules()
    graph = {name: module_imports(tree, set(trees)) - {name} for name, tree in trees.items()}
    visiting, done = [], set()

    def visit(name):
        if name in visiting:
            raise AssertionError(" -> ".join([*visiting[visiting.index(name) :], name]))
        if name in done:
            return
        visiting.append(name)
        for other in sorted(graph[name]):
            visit(other)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)


def test_the_workflow_parse_path_loads_no_heavy_library():
    """What common.smk imports while Snakemake parses the workflow (every run, the no-op
    rerun included) must not load scikit-learn, scikit-image, matplotlib, pandas or Pillow."""
    common = (ROOT / "workflow/rules/common.smk").read_text()
    imports = re.findall(r"^from (segsweep[\w.]*) import", common, flags=re.M)
    for names in re.findall(r"^from segsweep import ([\w, ]+)", common, flags=re.M):
        imports += [f"segsweep.{name.strip()}" for name in names.split(",")]
    assert imports, "common.smk imports no segsweep module?"
    heavy = ("sklearn", "skimage", "matplotlib", "pandas", "PIL", "cv2", "scipy")
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(set(imports))!r}: importlib.import_module(name)\n"
        "from segsweep.fit import methods\n"
        "for name in methods.registry(): methods.resolve_params(name, {})\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(SCRIPTS)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_every_rule_runs_the_one_script_and_has_an_entry():
    """Each rule's script is run_rule.py, and segsweep.entry.ENTRIES names an existing
    function for exactly the workflow's rules."""
    from segsweep.entry import ENTRIES, entry

    rules = {}
    for path in (ROOT / "workflow" / "rules").glob("*.smk"):
        found = re.findall(r"^(?:rule|checkpoint) (\w+):(.*?)(?=^(?:rule|checkpoint) |\Z)",
                           path.read_text(), flags=re.S | re.M)  # fmt: skip
        rules |= dict(found)
    scripted = {name for name, body in rules.items() if "script:" in body}
    assert len(scripted) >= 12 and "segment" in scripted  # the pattern finds the rules
    for name in scripted:
        assert '"../scripts/run_rule.py"' in rules[name], name
    assert set(ENTRIES) == scripted
    for name in ENTRIES:
        assert callable(entry(name)), name
    assert [p.name for p in (ROOT / "workflow" / "scripts").glob("*.py")] == ["run_rule.py"]


def test_the_image_profile_times_functions_that_exist():
    """``tests/bench/profile_image.py`` wraps functions by module and name; a function moved
    or renamed would stop the profile (it had: two stages pointed at an old module)."""
    import importlib

    from bench.profile_image import STAGES

    for module, attribute, stage in STAGES:
        owner = importlib.import_module(module)
        for part in attribute.split("."):
            assert hasattr(owner, part), f"{stage}: {module}.{attribute} does not exist"
            owner = getattr(owner, part)


class _RecordingStream:
    """A text stream that keeps each write call apart."""

    def __init__(self):
        self.calls = []

    def write(self, text):
        self.calls.append(text)
        return len(text)

    def flush(self):
        pass


def test_a_user_error_is_one_line_written_in_one_call(tmp_path, monkeypatch):
    """Jobs share Snakemake's stderr: the ``segsweep error:`` line must reach it in one write,
    newline included, or another job's output can split it (seen in CI)."""
    from types import SimpleNamespace

    from segsweep.entry import run
    from segsweep.errors import SegsweepError

    def main(snakemake):
        raise SegsweepError("images/a.png: the file is empty (images.on_error: fail)")

    stream = _RecordingStream()
    monkeypatch.setattr("sys.stderr", stream)
    job = SimpleNamespace(log=[str(tmp_path / "job.log")], threads=1)
    with pytest.raises(SystemExit) as stopped:
        run(job, main)
    assert stopped.value.code == 1
    lines = [call for call in stream.calls if "segsweep error" in call]
    assert lines == ["segsweep error: images/a.png: the file is empty (images.on_error: fail)\n"]
