"""Mutation testing of every module a published number passes through, in one run.

``make mutation`` (``python tests/mutation/run.py``) makes small deliberate changes to the
code (a ``+`` for a ``-``, a ``<`` for a ``<=``, a constant off by one, a condition negated,
...), one at a time, runs the tests that run the changed line on each, and counts a change
"killed" when one of them fails. It measures whether the tests can fail: a change that no
test notices ("survived") is a rule or parameter the tests do not pin down.

One run, from scratch, in four steps:

1. **Copy** the repository (tracked and new files, not ignored ones) to ``OUT/plan`` and to
   one folder per worker: the working tree is never touched.
2. **Map lines to tests**: the fast tests (``-m "not workflow and not configs"``) run once
   under coverage with one context per test (pytest-cov's ``--cov-context=test``) and their
   durations; they must pass, or every mutant would count as killed.
3. **Make the mutants** with cosmic-ray (``cosmic-ray init`` and its filters): its core
   operators cut to the mutants the common tools make (:data:`KEPT_BINARY` one per binary
   operator and a number plus one, as mutmut; :data:`KEPT_COMPARISON` and
   :data:`KEPT_UNARY`, as Stryker), and nothing inside type annotations,
   ``TYPE_CHECKING`` imports, Snakemake entries, ``param(...)`` declarations (settings,
   listed by ``make methods``; the common tests check each one is valid and used) or a
   method's ``CheckCase(...)`` (the inputs of the common method checks).
4. **Test each mutant** with the tests that run its statement (on any line of it), those
   that killed most mutants of its module so far first, then the quickest, stopping at the
   first failure (the order changes no outcome, only how soon a killed mutant stops): the
   mutated module is written into a worker's copy and the tests run in a process forked
   from this one, which has imported the third-party libraries the tests use (numpy,
   scikit-learn, ...) once and frozen them out of the garbage collector's reach, in a copy
   byte-compiled once (:func:`warm_caches`), so a mutant costs its tests' time, not a
   Python start-up or a compilation. A
   function's header (a default, a decorator) is tested with the tests that run its body,
   another statement run only while modules are imported with every test that runs any
   line of its module. A mutant whose statement no fast test runs survives without a run
   ("no test runs this line"). A mutant whose tests
   run :data:`TIMEOUT_FACTOR` times longer than without it (and at least
   :data:`MIN_TIMEOUT` seconds) counts as killed (an endless loop, say).

The report, ``OUT/report.md``, gives the commit, date, machine and duration, the share of
mutants killed per module and per area (:data:`AREAS`), and every survivor with its line
and its change. A survivor is explained only by a row of the table in docs/mutation.md that
names it alone: its module, its line's source, its operator and the line as mutated. The
run ends with status 1 when a survivor is not explained, a row of the table explains no
survivor of this run (it was killed, or its code changed), or the share killed is below
:data:`TARGET`, overall or in an area.

``--again`` writes the last run's report again (its saved records) against the current
docs/mutation.md, after survivors have been explained: the figures stay that run's.

``--only PATTERN ...`` mutates the modules matching the patterns (``score/*``) and is for
the edit-test loop: its report says so, and the gate counts only a whole run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import gc
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "workflow/scripts/segsweep"
DOCS = ROOT / "docs" / "mutation.md"
#: Share of mutants the tests must kill, overall and in each area.
TARGET = 0.85
#: Modules mutated (globs under the package): every module a published number passes
#: through, from the truth read to the leaderboard: reading the truth, colour spaces, every
#: method and its helpers (the precomputed reader and the UCM cuts among them), the
#: options applied after fitting, every score and criterion, the benchmark's ODS and OIS,
#: the choice of k, the leaderboard and its intervals.
MODULES = ("data/truth.py", "fit/spaces.py", "fit/ucm.py", "fit/postprocess.py",
           "fit/methods/*.py", "score/*.py", "tables/*.py")  # fmt: skip
#: Areas with a target of their own: module path prefix -> name.
AREAS = {"score/": "score/", "tables/": "tables/", "fit/postprocess.py": "fit/postprocess.py"}
#: The tests that may be run on a mutant: the fast tier of ``make test-fast``.
FAST_TESTS = "not workflow and not configs"
#: A mutant's tests may run this many times their time without mutation, and at least
#: :data:`MIN_TIMEOUT` seconds, before it counts as killed by the timeout.
TIMEOUT_FACTOR = 5.0
MIN_TIMEOUT = 30.0

#: Binary-operator replacements kept (mutmut's: one per operator).
KEPT_BINARY = ("Add_Sub", "Sub_Add", "Mul_Div", "Div_Mul", "FloorDiv_Div", "Mod_Div",
               "Pow_Mul", "BitAnd_BitOr", "BitOr_BitAnd", "BitXor_BitAnd", "LShift_RShift",
               "RShift_LShift")  # fmt: skip
#: Comparison replacements kept (Stryker's equality operators): each ordering turned
#: round and moved across its boundary, each (in)equality and identity negated.
KEPT_COMPARISON = ("Lt_Gt", "Lt_LtE", "LtE_Gt", "LtE_Lt", "Gt_Lt", "Gt_GtE", "GtE_Lt",
                   "GtE_Gt", "Eq_NotEq", "NotEq_Eq", "Is_IsNot", "IsNot_Is", "In_NotIn",
                   "NotIn_In")  # fmt: skip
#: Unary replacements kept (Stryker's): a sign turned, a ``~`` or a ``not`` dropped.
KEPT_UNARY = ("USub_UAdd", "UAdd_USub", "Delete_Invert", "Delete_Not")
EXCLUDED_OPERATORS = [
    rf"core/ReplaceBinaryOperator_(?!(?:{'|'.join(KEPT_BINARY)})$)",
    rf"core/ReplaceComparisonOperator_(?!(?:{'|'.join(KEPT_COMPARISON)})$)",
    rf"core/ReplaceUnaryOperator_(?!(?:{'|'.join(KEPT_UNARY)})$)",
]
#: cosmic-ray's NumberReplacer makes two mutants of each number, ``+ 1`` (even occurrences)
#: and ``- 1`` (odd): the ``+ 1`` is kept, as mutmut makes it.
NUMBER_OPERATOR = "core/NumberReplacer"


def modules(patterns=MODULES) -> list[str]:
    """The package modules matching ``patterns``, as repository paths, sorted."""
    found = {
        str(path.relative_to(ROOT))
        for pattern in patterns
        for path in (ROOT / PACKAGE).glob(pattern)
        if path.name != "__init__.py" or path.parent.name == "methods"
    }
    return sorted(found)


def copy_repository(folder: Path) -> None:
    """A fresh copy of the tracked (and new, not ignored) files of the repository."""
    if folder.exists():
        shutil.rmtree(folder)
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for name in files:
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)


# --- step 2: which tests run which lines ---------------------------------------------------


@dataclass
class TestMap:
    """Which fast tests run each line of each mutated module, and how long each test takes.

    Attributes
    ----------
    lines : dict
        Module (repository path) -> line -> test node ids (empty: run only while the
        module was imported).
    seconds : dict
        Test node id -> seconds (setup, call and teardown).
    """

    lines: dict[str, dict[int, set[str]]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def tests_of_module(self, module: str) -> set[str]:
        return {test for tests in self.lines.get(module, {}).values() for test in tests}


def map_tests(plan: Path, targets: list[str]) -> TestMap:
    """Run the fast tests once in ``plan`` under coverage, one context per test."""
    from coverage import CoverageData

    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
               "-m", FAST_TESTS, f"--cov={PACKAGE}", "--cov-context=test", "--cov-report=",
               "--durations=0", "--durations-min=0"]  # fmt: skip
    done = subprocess.run(command, cwd=plan, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the fast tests fail without any mutation:\n{done.stdout[-3000:]}")
    if re.search(r"\d+ skipped", done.stdout.splitlines()[-1]):
        raise RuntimeError(f"some fast tests skip:\n{done.stdout[-2000:]}")
    found = TestMap()
    for line in done.stdout.splitlines():
        timed = re.match(r"([\d.]+)s (?:setup|call|teardown) +(\S.*)$", line)
        if timed:
            test = timed.group(2)
            found.seconds[test] = found.seconds.get(test, 0.0) + float(timed.group(1))
    data = CoverageData(str(plan / ".coverage"))
    data.read()
    for module in targets:
        by_line = data.contexts_by_lineno(str(plan / module))
        found.lines[module] = {
            number: {context.rsplit("|", 1)[0] for context in contexts if context}
            for number, contexts in by_line.items()
        }
    return found


# --- step 3: the mutants ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mutant:
    """One mutant: where, how, and what its line becomes."""

    job_id: str
    module: str
    operator: str
    operator_args: dict
    occurrence: int
    line: int
    column: int
    end_line: int


def excluded_spans(path: Path) -> list[tuple[int, int, int, int, str]]:
    """Source spans (first line, column, last line, column) not to mutate, with why:
    annotations, ``if TYPE_CHECKING`` blocks, Snakemake entries, the ``param(...)``
    declarations of method parameters, a method's ``checks`` (``CheckCase(...)``: the
    inputs and values of the common method checks, test settings) and its ``fit_seconds``
    (how long a fit takes, which orders the jobs only)."""
    tree = ast.parse(path.read_text())
    spans = []

    def add(node, why):
        spans.append((node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, why))

    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            add(node.annotation, "annotation")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "param"):  # fmt: skip
            add(node, "parameter declaration")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id == "CheckCase"):  # fmt: skip
            add(node, "check inputs")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns is not None:
                add(node.returns, "annotation")
            if node.name == "main" or node.name.endswith("_main"):
                add(node, "Snakemake entry")
        elif isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == "fit_seconds":
            add(node, "scheduling estimate")
        elif isinstance(node, ast.AnnAssign):
            add(node.annotation, "annotation")
        elif isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == [
            "fit_seconds"
        ]:  # fmt: skip
            add(node, "scheduling estimate")
        elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            add(node, "TYPE_CHECKING import")
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "RULES" for t in node.targets
        ) and isinstance(node.value, ast.Dict) and all(
            isinstance(v, ast.Name) for v in node.value.values
        ):  # fmt: skip
            add(node, "Snakemake entry")
    return spans


def make_mutants(plan: Path, targets: list[str]) -> tuple[list[Mutant], dict[str, int]]:
    """Every mutant of ``targets`` (cosmic-ray's session in ``plan``), and how many were
    left out, by reason."""
    from cosmic_ray.work_db import WorkDB, use_db

    excluded = ", ".join(json.dumps(pattern) for pattern in EXCLUDED_OPERATORS)
    (plan / "cosmic-ray.toml").write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(targets)}\n"
        'timeout = 60\nexcluded-modules = []\ntest-command = "true"\n\n'
        '[cosmic-ray.distributor]\nname = "local"\n\n'
        f"[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n"
    )
    tool = Path(sys.executable).parent
    for command in (("cosmic-ray", "init", "cosmic-ray.toml", "session.sqlite"),
                    ("cr-filter-operators", "session.sqlite", "cosmic-ray.toml"),
                    ("cr-filter-pragma", "session.sqlite")):  # fmt: skip
        subprocess.run([str(tool / command[0]), *command[1:]], cwd=plan, check=True,
                       capture_output=True)  # fmt: skip
    spans = {module: excluded_spans(plan / module) for module in targets}
    mutants, left_out = [], {}
    with use_db(str(plan / "session.sqlite"), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            mutation = item.mutations[0]
            module = str(mutation.module_path)
            start, end = tuple(mutation.start_pos), tuple(mutation.end_pos)
            why = next((why for first, col, last, end_col, why in spans[module]
                        if (first, col) <= start and end <= (last, end_col)), None)  # fmt: skip
            if mutation.operator_name == NUMBER_OPERATOR and mutation.occurrence % 2:
                continue  # the number minus one (see NUMBER_OPERATOR)
            if why:
                left_out[why] = left_out.get(why, 0) + 1
                continue
            mutants.append(Mutant(item.job_id, module, mutation.operator_name,
                                  dict(getattr(mutation, "operator_args", {}) or {}),
                                  mutation.occurrence, start[0], start[1], end[0]))  # fmt: skip
    return mutants, left_out


def is_python(source: str) -> bool:
    """Whether ``source`` compiles."""
    try:
        compile(source, "<mutant>", "exec")
    except SyntaxError:
        return False
    return True


def mutated_source(source: str, mutant: Mutant) -> str | None:
    """``source`` with ``mutant`` applied (None when it no longer applies)."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    operator = get_operator(mutant.operator)(**mutant.operator_args)
    return mutate_code(source, operator, mutant.occurrence)


def statement_lines(source: str) -> dict[int, tuple[int, int, bool, tuple[int, int] | None]]:
    """For each line, the span of the innermost simple statement or compound-statement
    header holding it (first and last line), whether it runs at import time only (a
    module- or class-level statement, a ``def`` line, a decorator) and, for a function's
    header (its decorators, signature and defaults), the lines of its body."""
    tree = ast.parse(source)
    spans: dict[int, tuple[int, int, bool, tuple[int, int] | None]] = {}

    def visit(node, at_import: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                body = getattr(child, "body", None)
                header_end = (body[0].lineno - 1) if body and isinstance(body, list) else None
                last = child.end_lineno if header_end is None else max(header_end, child.lineno)
                function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
                defines = function or isinstance(child, ast.ClassDef)
                first = min(
                    [child.lineno, *(d.lineno for d in getattr(child, "decorator_list", []))]
                )
                called = (body[0].lineno, child.end_lineno) if function else None
                for number in range(first, last + 1):
                    spans[number] = (first, last, at_import or defines, called)
                visit(child, at_import and not function)
            elif not isinstance(child, ast.expr):
                visit(child, at_import)

    visit(tree, True)
    return spans


def tests_for(mutant: Mutant, tests: TestMap, spans) -> set[str]:
    """The fast tests to run on ``mutant``: those that run a line of its statement; for a
    function's header (a default, a decorator), those that run its body; for another
    statement that runs at import only (a constant), those that run any line of its
    module."""
    first, last, at_import, called = spans.get(
        mutant.line, (mutant.line, mutant.end_line, True, None)
    )
    by_line = tests.lines.get(mutant.module, {})

    def running(lines):
        return {test for number in lines for test in by_line.get(number, ())}

    found = running(range(first, max(last, mutant.end_line) + 1))
    if not found and called:
        found = running(range(called[0], called[1] + 1))
    if at_import and not called:
        # coverage credits an import-time statement (a registry entry, a constant) to the
        # one test during which its module was first imported: every test of the module
        # may read what it defines
        found |= tests.tests_of_module(mutant.module)
    ran_at_import = any(number in by_line for number in range(first, last + 1))
    if not found and ran_at_import:
        found = tests.tests_of_module(mutant.module)
    return found


# --- step 4: testing the mutants -------------------------------------------------------------


def preload(plan: Path) -> float:
    """Import, in this process, every third-party module the fast tests import (not the
    package or the tests): each forked test run then starts with them. Returns seconds."""
    start = time.perf_counter()
    listed = subprocess.run(
        [sys.executable, "-c", "import json, sys, pytest\n"
         f"pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider', '-m', {FAST_TESTS!r}])\n"
         "print('\\nMODULES ' + json.dumps([name for name, module in sys.modules.items()\n"
         "    if (getattr(module, '__file__', None) or '').find('site-packages') >= 0]))"],
        cwd=plan, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = json.loads(listed.rsplit("MODULES ", 1)[1])
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - a module that cannot be preloaded loads later
            continue
    return time.perf_counter() - start


def warm_caches(copies: list[Path]) -> None:
    """Byte-compile each worker copy once, so that a forked test run compiles only the
    mutated module: the package and the test helpers into checked-hash ``.pyc`` files
    (Python compares each with its source's hash at import, so the mutated module is
    compiled afresh every time; the children write no ``.pyc``), the test modules into
    pytest's rewritten ones (one collection; the tests are never mutated)."""
    for copy in copies:
        subprocess.run([sys.executable, "-m", "compileall", "-q", "--invalidation-mode",
                        "checked-hash", "workflow/scripts", "tests"], cwd=copy, check=True,
                       capture_output=True)  # fmt: skip
        subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                        "no:cacheprovider", "-m", FAST_TESTS], cwd=copy, check=True,
                       capture_output=True)  # fmt: skip


@dataclass
class Running:
    pid: int
    mutant: Mutant
    worker: int
    started: float
    timeout: float
    original: str
    seconds: float
    selected: set[str]


#: File in a worker's copy where a child names the test that killed its mutant.
KILLER = ".mutation-killer"


class _FirstFailure:
    """pytest plugin: writes the id of the first failing test to :data:`KILLER`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def pytest_runtest_logreport(self, report) -> None:
        if report.failed and not self.path.exists():
            self.path.write_text(report.nodeid)

    def pytest_collectreport(self, report) -> None:
        """A test module that no longer imports (pytest then exits with 4 for the ids
        asked for, as for an id not found): the mutant broke it."""
        if report.failed and not self.path.exists():
            self.path.write_text(report.nodeid)


def run_tests_in_child(copy: Path, test_ids: list[str]) -> None:
    """In a forked child: run ``test_ids`` in ``copy`` quietly, exit with pytest's status."""
    os.chdir(copy)
    sys.dont_write_bytecode = True
    sys.path[:0] = [str(copy / "workflow" / "scripts"), str(copy / "tests")]
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    import pytest

    arguments = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-n", "0", "-W",
                 "ignore", *test_ids]  # fmt: skip
    code = pytest.main(arguments, plugins=[_FirstFailure(copy / KILLER)])
    os._exit(int(code))


def ordered_tests(selected, seconds: dict[str, float], kills: dict[str, int]) -> list[str]:
    """A mutant's tests in the order to run them: those that killed most mutants of its
    module so far first, then the quickest. The order changes no outcome (any failing test
    kills the mutant), only how soon a killed mutant stops."""
    return sorted(selected, key=lambda test: (-kills.get(test, 0), seconds.get(test, 1.0), test))


def test_mutants(mutants, tests: TestMap, copies: list[Path], log) -> dict[str, dict]:
    """Run each mutant's tests (:func:`tests_for`) in a child forked from this process, one
    per worker copy at a time. Returns job id -> outcome."""
    sources = {module: (copies[0] / module).read_text() for module in {m.module for m in mutants}}
    spans = {module: statement_lines(source) for module, source in sources.items()}
    results: dict[str, dict] = {}
    queue = []
    for mutant in mutants:
        selected = tests_for(mutant, tests, spans[mutant.module])
        if not selected:
            results[mutant.job_id] = {"outcome": "survived", "why": "no test runs this line"}
            continue
        seconds = sum(tests.seconds.get(test, 1.0) for test in selected)
        queue.append((seconds, mutant, selected))
    queue.sort(key=lambda job: -job[0])  # the longest first, so the last to finish are short
    free, running, done = list(range(len(copies))), {}, 0
    kills: dict[str, dict[str, int]] = {}
    while queue or running:
        while queue and free:
            seconds, mutant, selected = queue.pop(0)
            ordered = ordered_tests(selected, tests.seconds, kills.get(mutant.module, {}))
            worker = free.pop()
            (copies[worker] / KILLER).unlink(missing_ok=True)
            path = copies[worker] / mutant.module
            mutated = mutated_source(sources[mutant.module], mutant)
            if mutated is None or not is_python(mutated):
                # cosmic-ray turns a dict display's ``**`` into ``*``, which is no program
                results[mutant.job_id] = {"outcome": "not applied" if mutated is None
                                          else "not valid Python"}  # fmt: skip
                free.append(worker)
                continue
            path.write_text(mutated)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                try:
                    run_tests_in_child(copies[worker], ordered)
                finally:
                    os._exit(3)
            timeout = max(MIN_TIMEOUT, TIMEOUT_FACTOR * seconds + 5.0)
            running[pid] = Running(pid, mutant, worker, time.monotonic(), timeout,
                                   sources[mutant.module], seconds, selected)  # fmt: skip
            results[mutant.job_id] = {"tests": len(ordered), "mutated": mutated}
        time.sleep(0.02)
        for pid, job in list(running.items()):
            finished, status = os.waitpid(pid, os.WNOHANG)
            timed_out = not finished and time.monotonic() - job.started > job.timeout
            if timed_out:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            elif not finished:
                continue
            code = os.waitstatus_to_exitcode(status) if finished else None
            killer = copies[job.worker] / KILLER
            if code == 4 and killer.exists():  # a test module no longer imports
                code = 2
            # pytest: 1 a test failed, 2 collection failed (the mutant broke an import), 3 an
            # internal error; below 0 a signal. 4 and 5 (a test id not found, none collected)
            # say the selection is wrong, not the mutant: an error, which fails the run.
            outcome = (
                "killed"
                if timed_out or code in (1, 2, 3) or code < 0
                else "survived"
                if code == 0
                else "error"
            )
            if outcome == "error" and any("[" in test for test in job.selected):
                # the mutant renamed a parametrized test (a constant its parameters come
                # from): run the whole test functions instead, once
                (copies[job.worker] / job.mutant.module).write_text(job.original)
                free.append(job.worker)
                del running[pid]
                queue.insert(0, (job.seconds, job.mutant,
                                 {test.split("[", 1)[0] for test in job.selected}))  # fmt: skip
                continue
            results[job.mutant.job_id] |= {"outcome": outcome, "timeout": timed_out,
                                           "exit": code,
                                           "seconds": time.monotonic() - job.started}  # fmt: skip
            if outcome == "killed" and killer.exists():
                found = kills.setdefault(job.mutant.module, {})
                found[killer.read_text()] = found.get(killer.read_text(), 0) + 1
            (copies[job.worker] / job.mutant.module).write_text(job.original)
            free.append(job.worker)
            del running[pid]
            done += 1
            if done % 100 == 0:
                log(f"{done} mutants tested, {len(queue)} to go")
    return results


# --- the report ------------------------------------------------------------------------------


def changed_line(original: str, mutated: str, line: int) -> str:
    """The mutated statement's first line as it reads after the mutation."""
    import difflib

    before, after = original.splitlines(), mutated.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if tag != "equal" and i1 <= line - 1 < max(i2, i1 + 1):
            return " ".join(text.strip() for text in after[j1:j2]) or "(removed)"
    return "(unchanged)"


def records_of(mutants, results, sources) -> list[dict]:
    """One record per mutant: module, line, source, operator, mutated line, outcome."""
    records = []
    for mutant in mutants:
        result = results[mutant.job_id]
        source = sources[mutant.module].splitlines()[mutant.line - 1].strip()
        mutated = result.get("mutated")
        records.append({
            "module": mutant.module.removeprefix(f"{PACKAGE}/"),
            "line": mutant.line,
            "source": source,
            "operator": mutant.operator.removeprefix("core/"),
            "mutant": changed_line(sources[mutant.module], mutated, mutant.line)
            if mutated else "",
            "outcome": result["outcome"],
            "timeout": bool(result.get("timeout")),
            "why": result.get("why", ""),
            "tests": result.get("tests", 0),
        })  # fmt: skip
    return records


def explanations() -> list[dict]:
    """The rows of the survivors' table of docs/mutation.md: ``| module | line | operator |
    mutant | why |``, the line and the mutant as source text."""
    rows = []
    for line in DOCS.read_text().splitlines() if DOCS.exists() else []:
        # a cell's own pipes are escaped (``\\|``), as markdown tables need
        cells = [cell.strip().replace("\\|", "|")
                 for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]  # fmt: skip
        if len(cells) == 5 and cells[0].endswith(".py") and cells[1].startswith("`"):
            rows.append({"module": cells[0], "source": cells[1].strip("`"),
                         "operator": cells[2].strip("`"), "mutant": cells[3].strip("`"),
                         "why": cells[4]})  # fmt: skip
    return rows


def key(row: dict) -> tuple:
    return (row["module"], row["source"], row["operator"], row["mutant"])


def report(records: list[dict], header: dict, whole: bool) -> tuple[str, bool]:
    """The markdown report, and whether the gate passes: every survivor explained by a row
    of its own, every row explaining a survivor, the target met overall and per area."""
    known = explanations()
    by_key: dict[tuple, list[dict]] = {}
    for row in known:
        by_key.setdefault(key(row), []).append(row)
    counted = [r for r in records if r["outcome"] in ("killed", "survived")]
    survivors = [r for r in counted if r["outcome"] == "survived"]
    used = set()
    for record in survivors:
        rows = by_key.get(key(record), [])
        record["explained"] = rows[0]["why"] if rows else None
        used.add(key(record))
    unexplained = [r for r in survivors if r["explained"] is None]
    stale = [row for row in known if key(row) not in used]
    errors = [r for r in records if r["outcome"] == "error"]

    def share(rows):
        return 1 - sum(r["outcome"] == "survived" for r in rows) / max(len(rows), 1)

    table = ["| module | mutants | killed | survived (explained) | killed share |",
             "|---|---|---|---|---|"]  # fmt: skip
    for module in sorted({r["module"] for r in counted}):
        rows = [r for r in counted if r["module"] == module]
        alive = [r for r in rows if r["outcome"] == "survived"]
        known_alive = sum(r["explained"] is not None for r in alive)
        table.append(f"| {module} | {len(rows)} | {len(rows) - len(alive)} | {len(alive)} "
                     f"({known_alive}) | {share(rows):.1%} |")  # fmt: skip
    areas, met = [], share(counted) >= TARGET
    for prefix, name in AREAS.items():
        rows = [r for r in counted if r["module"].startswith(prefix)]
        if rows:
            areas.append(f"{name} {share(rows):.1%} of {len(rows)}")
            met &= share(rows) >= TARGET
    table.append(f"| **all** | {len(counted)} | {len(counted) - len(survivors)} | "
                 f"{len(survivors)} ({len(survivors) - len(unexplained)}) | "
                 f"**{share(counted):.1%}** |")  # fmt: skip
    timeouts = sum(r["timeout"] for r in counted)
    untested = sum(r["why"] == "no test runs this line" for r in survivors)
    left_out = [f"{why}: {count}" for why, count in sorted(header["left_out"].items())]
    invalid = sum(r["outcome"] == "not valid Python" for r in records)
    left_out = ", ".join(left_out + ([f"not valid Python: {invalid}"] if invalid else []))
    text = [
        f"# Mutation testing: {share(counted):.1%} killed",
        "",
        f"- command: `{header['command']}`"
        + ("" if whole else " (some modules only: not a whole run, the gate does not count it)"),
        f"- commit: {header['commit']}",
        f"- date: {header['date']}, duration {header['minutes']:.0f} min "
        f"(mapping the tests {header['map_minutes']:.1f} min)",
        f"- machine: {header['machine']}"
        + (
            f" (load average over the run's last 15 min: {header['load']:.1f})"
            if header.get("load") is not None
            else ""
        ),
        f"- {len(counted)} mutants of {header['modules']} modules, {share(counted):.1%} "
        f"killed (target {TARGET:.0%}); by area: {'; '.join(areas)}; {timeouts} killed by "
        f"the timeout; {untested} survivors on lines no fast test runs; "
        f"{len(unexplained)} survivors not explained in docs/mutation.md, {len(stale)} rows "
        f"there that explain no survivor of this run; {len(errors)} mutants whose tests could "
        f"not be selected. Not mutated: {left_out or 'none'}.",
        "",
        *table,
        "",
        "## Survivors",
        "",
        "| module | line | operator | mutant | why |",
        "|---|---|---|---|---|",
    ]
    for record in sorted(survivors, key=lambda r: (r["module"], r["line"], r["operator"])):
        why = record["explained"] or f"NOT EXPLAINED{': ' + record['why'] if record['why'] else ''}"
        mutant = record["mutant"].replace("|", "\\|")
        source = record["source"].replace("|", "\\|")
        text.append(f"| {record['module']} | `{source}` | `{record['operator']}` | "
                    f"`{mutant}` | {why} |")  # fmt: skip
    if stale:
        text += ["", "## Rows of docs/mutation.md that explain no survivor of this run", ""]
        text += [f"- {row['module']} `{row['source']}` `{row['operator']}`" for row in stale]
    if errors:
        text += ["", "## Mutants whose tests could not be selected", ""]
        text += [f"- {r['module']}:{r['line']} `{r['operator']}`" for r in errors]
    passed = whole and met and not unexplained and not stale and not errors
    return "\n".join(text) + "\n", passed


def machine() -> str:
    """This machine in one line: host, processor, cores, memory, Python."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    return (
        f"{platform.node()}, {platform.machine()} {platform.processor() or ''}".rstrip()
        + f", {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )


def commit() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    return head + (" with uncommitted changes" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    """Command line: ``run.py [--only PATTERN ...] [--workers N] [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="PATTERN",
                        help="mutate only the modules matching these globs (score/*)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(ROOT / "results" / "mutation"))
    parser.add_argument("--again", action="store_true",
                        help="the last run's report again, against the current "
                             "docs/mutation.md (no mutant is run again)")  # fmt: skip
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.again:
        saved = json.loads((out / "records.json").read_text())
        return write_report(out, saved["records"], saved["header"])

    def log(message):
        print(f"[{(time.perf_counter() - start) / 60:5.1f} min] {message}", flush=True)

    targets = modules(args.only or MODULES)
    if args.only:
        targets = [t for t in targets if any(fnmatch.fnmatch(t, f"{PACKAGE}/{p}")
                                             for p in args.only)]  # fmt: skip
    plan = out / "plan"
    tested_commit = commit()  # before the copy: the working tree may change during the run
    copy_repository(plan)
    copies = [out / f"worker-{index}" for index in range(args.workers)]
    for copy in copies:
        copy_repository(copy)
    log(f"{len(targets)} modules; mapping the fast tests to the lines they run")
    tests = map_tests(plan, targets)
    map_minutes = (time.perf_counter() - start) / 60
    mutants, left_out = make_mutants(plan, targets)
    log(f"{len(mutants)} mutants; preloading the libraries the tests import")
    log(f"preloaded in {preload(plan):.1f} s; compiling the workers' copies")
    warm_caches(copies)
    # the preloaded libraries' objects out of the collector's reach: a child's collections
    # (pytest runs several at its end) then skip them, and their pages stay shared
    gc.freeze()
    log("testing")
    results = test_mutants(mutants, tests, copies, log)
    sources = {module: (plan / module).read_text() for module in targets}
    records = records_of(mutants, results, sources)
    header = {
        "command": "make mutation" if not args.only else
                   f"tests/mutation/run.py --only {' '.join(args.only)}",
        "commit": tested_commit,
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "minutes": (time.perf_counter() - start) / 60,
        "map_minutes": map_minutes,
        "machine": machine(),
        "modules": len(targets),
        "left_out": left_out,
        "load": os.getloadavg()[2] if hasattr(os, "getloadavg") else None,
        "whole": not args.only,
    }  # fmt: skip
    (out / "records.json").write_text(json.dumps({"header": header, "records": records},
                                                 indent=1))  # fmt: skip
    return write_report(out, records, header)


def write_report(out: Path, records: list[dict], header: dict) -> int:
    """Write ``OUT/report.md`` and print it; the exit status of the gate."""
    text, passed = report(records, header, whole=header["whole"])
    (out / "report.md").write_text(text)
    print(text)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
