"""Mutation testing of the modules that produce segsweep's published numbers (cosmic-ray).

``make mutation`` (``python tests/mutation/run.py``) makes small deliberate changes to the
code (a ``+`` for a ``-``, a ``<`` for a ``<=``, a constant off by one, a condition negated,
...), one at a time, runs the tests that guard that module on each, and counts a change
"killed" when some test fails. It is the measure of whether the tests can fail: a change
that no test notices ("survived") is a rule or parameter the tests do not pin down.

Each group below mutates its modules in its own copy of the repository (under
``results/mutation/``, so the working tree is never touched) with the fast tests that guard
them, two groups at a time. The report, ``results/mutation/report.md``, gives the share of
mutants killed per module and lists every survivor with the line and the change; a survivor
that is explained in the table of ``docs/mutation.md`` (an equivalent mutant, a defensive
branch) is marked so, and the run ends with status 1 if any survivor is unexplained or the
share killed is below :data:`TARGET`.

Not mutated (counted neither way, listed as excluded in the report): type annotations
(never evaluated, ``from __future__ import annotations``), imports under ``if
TYPE_CHECKING``, and the thin Snakemake entries (``main``, ``*_main`` and the ``RULES``
table), which read files and call the pure functions and are exercised by the workflow
tests, too slow to run per mutant.

Operators: cosmic-ray's core set, with its binary-operator replacements cut to one per
operator as mutmut makes them (``+`` to ``-``, ``*`` to ``/``, ...: the other nine of
cosmic-ray's ten are mostly bit operations on floats, killed by any TypeError, which would
inflate the score) and comparisons not turned into identity tests (``<`` to ``is``).
``--only GROUP`` runs some groups; ``--workers N`` sets how many run at once.

This is not part of ``make test`` or CI: it takes about two hours on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "workflow/scripts/segsweep"
DOCS = ROOT / "docs" / "mutation.md"
#: Share of mutants the tests must kill.
TARGET = 0.85
#: A mutant's tests may run this many times as long as the group's tests without mutation
#: (measured in the same copy, on the same busy or idle machine), and at least
#: :data:`MIN_TIMEOUT` seconds; a mutant that makes them slower (an endless loop, say) counts
#: as killed, and the report says how many were killed that way. A fixed limit counted
#: mutants "killed" on a busy machine only because the tests were slow there.
TIMEOUT_FACTOR = 4.0
MIN_TIMEOUT = 60.0

#: Helper modules of one method, mutated with it (with the tests that name the method).
METHOD_HELPERS = {"gmm": ("_mixture.py",)}
#: Test files of one method besides the common ones (their test names hold the method's name).
METHOD_TESTS = {"precomputed": ("tests/test_precomputed.py",)}
#: group -> (modules to mutate, pytest arguments selecting the tests that guard them). The
#: modules are those behind the published numbers: the scores, the benchmark's ODS/OIS, the
#: intervals, the options applied after fitting, the choice of k, and every method's fit
#: (each method with the tests that name it).
GROUPS = {
    "scores": ([f"{PACKAGE}/score/scores.py"], ["tests/test_scores.py", "tests/test_benchmark.py"]),
    "boundaries": ([f"{PACKAGE}/score/boundaries.py"], ["tests/test_boundaries.py"]),
    "benchmark": (
        [f"{PACKAGE}/score/benchmark.py"],
        ["tests/test_benchmark.py", "tests/test_uncertainty.py", "tests/test_leaderboard.py"],
    ),
    "uncertainty": (
        [f"{PACKAGE}/tables/uncertainty.py"],
        ["tests/test_uncertainty.py", "tests/test_leaderboard.py"],
    ),
    "postprocess": (
        [f"{PACKAGE}/fit/postprocess.py"],
        ["tests/test_postprocess.py", "tests/test_configuration.py"],
    ),
    "selection": (
        [f"{PACKAGE}/tables/selection.py"],
        ["tests/test_selection.py", "tests/test_leaderboard.py"],
    ),
    "methods": (
        [f"{PACKAGE}/fit/methods/__init__.py", f"{PACKAGE}/fit/methods/_superpixels.py"],
        ["tests/test_methods.py", "tests/test_configuration.py"],
    ),
    **{
        path.stem: (
            [
                f"{PACKAGE}/fit/methods/{name}"
                for name in (path.name, *METHOD_HELPERS.get(path.stem, ()))
            ],
            ["tests/test_methods.py", *METHOD_TESTS.get(path.stem, ()), "-k", path.stem],
        )
        for path in sorted((ROOT / PACKAGE / "fit" / "methods").glob("[!_]*.py"))
    },
}


#: Binary-operator replacements kept (mutmut's: one per operator).
KEPT_BINARY = ("Add_Sub", "Sub_Add", "Mul_Div", "Div_Mul", "FloorDiv_Div", "Mod_Div",
               "Pow_Mul", "BitAnd_BitOr", "BitOr_BitAnd", "BitXor_BitAnd", "LShift_RShift",
               "RShift_LShift")  # fmt: skip
EXCLUDED_OPERATORS = [
    rf"core/ReplaceBinaryOperator_(?!(?:{'|'.join(KEPT_BINARY)})$)",
    r"core/ReplaceComparisonOperator_(?:Eq|NotEq|Lt|LtE|Gt|GtE)_(?:Is|IsNot)$",
]


def copy_repository(folder: Path) -> None:
    """A fresh copy of the tracked (and new, not ignored) files of the repository."""
    if folder.exists():
        shutil.rmtree(folder)
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    for name in files:
        source = ROOT / name
        if source.is_file():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / name)


def test_command(tests: list[str]) -> str:
    """The shell command running one group's tests (fast ones, stopping at the first
    failure)."""
    return (f"{sys.executable} -m pytest -x -q -p no:cacheprovider -m 'not workflow' "
            f"{' '.join(tests)}")  # fmt: skip


def config_text(modules: list[str], tests: list[str], timeout: float) -> str:
    """The cosmic-ray configuration of one group (TOML), with the seconds a mutant's tests
    may run."""
    command = test_command(tests)
    excluded = ", ".join(json.dumps(pattern) for pattern in EXCLUDED_OPERATORS)
    return (
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(modules)}\n"
        f"timeout = {timeout:.0f}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n\n"
        '[cosmic-ray.distributor]\nname = "local"\n\n'
        f"[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n"
    )


def excluded_spans(path: Path) -> list[tuple[int, int, int, int, str]]:
    """Source spans (first line, column, last line, column) not to mutate, with why:
    annotations, ``if TYPE_CHECKING`` blocks, Snakemake entries, and the ``param(...)``
    declarations of method parameters (a default, a bound and a grid are settings, listed
    by ``make methods`` and in docs/configuration.md; the tests check that each is valid
    and used, and a changed default is a different setting, not a wrong rule)."""
    import ast

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
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.returns is not None:
                add(node.returns, "annotation")
            if node.name == "main" or node.name.endswith("_main"):
                add(node, "Snakemake entry")
        elif isinstance(node, ast.AnnAssign):
            add(node.annotation, "annotation")
        elif isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            add(node, "TYPE_CHECKING import")
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "RULES" for t in node.targets
        ) and isinstance(node.value, ast.Dict) and all(
            isinstance(v, ast.Name) for v in node.value.values
        ):  # fmt: skip
            add(node, "Snakemake entry")
    return spans


def exclude(work: Path) -> None:
    """Mark the pending mutants inside :func:`excluded_spans` as skipped, with the reason."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans: dict[str, list] = {}
    with use_db(str(work / "session.sqlite")) as db:
        for item in list(db.pending_work_items):
            mutation = item.mutations[0]
            module = str(mutation.module_path)
            if module not in spans:
                spans[module] = excluded_spans(work / module)
            start, end = tuple(mutation.start_pos), tuple(mutation.end_pos)
            for first, col, last, end_col, why in spans[module]:
                if (first, col) <= start and end <= (last, end_col):
                    db.set_result(
                        item.job_id,
                        WorkResult(output=f"excluded: {why}", worker_outcome=WorkerOutcome.SKIPPED),
                    )
                    break  # fmt: skip


def mutant_key(mutation) -> tuple:
    """Where and how a mutant mutates: module, operator, occurrence, start and end."""
    return (str(mutation.module_path), mutation.operator_name, mutation.occurrence,
            tuple(mutation.start_pos), tuple(mutation.end_pos))  # fmt: skip


def killed_before(work: Path) -> dict:
    """The mutants a group's last session killed, by where and how they mutate, with the
    source of each module then (``{}`` without a last session)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome

    if not (work / "session.sqlite").exists():
        return {}
    # the sources the session began with: a stopped run can leave a module mutated in place
    saved = work / "sources.json"
    sources = json.loads(saved.read_text()) if saved.exists() else {}
    found = {}
    with use_db(str(work / "session.sqlite"), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            # a timeout is rerun: it may have been a busy machine, not the mutant
            if result.test_outcome == TestOutcome.KILLED and result.output != "timeout":
                mutation = item.mutations[0]
                module = str(mutation.module_path)
                source = sources.get(module) or (work / module).read_text()
                found[mutant_key(mutation)] = (result, source)
    return found


def keep_killed(work: Path, previous: dict) -> int:
    """Mark the pending mutants the last session killed as killed again, where their
    module's source is unchanged (the tests only grew since: ``--survivors-only``); return
    how many."""
    from cosmic_ray.work_db import use_db

    kept = 0
    with use_db(str(work / "session.sqlite")) as db:
        for item in list(db.pending_work_items):
            mutation = item.mutations[0]
            module = str(mutation.module_path)
            key = mutant_key(mutation)
            if key in previous and previous[key][1] == (work / module).read_text():
                db.set_result(item.job_id, previous[key][0])
                kept += 1
    return kept


def run_group(
    name: str, folder: Path, resume: bool = False, survivors_only: bool = False
) -> list[dict]:
    """Mutation-test one group in its own copy; return one record per mutant. With
    ``resume``, a group whose copy and session exist goes on with the mutants not yet run."""
    modules, tests = GROUPS[name]
    work = folder / name
    tool = Path(sys.executable).parent

    def step(*command: str) -> str:
        return subprocess.run(command, cwd=work, capture_output=True, text=True,
                              check=True).stdout  # fmt: skip

    def baseline_run() -> subprocess.CompletedProcess:
        """The group's tests without mutation; sets the timeout from their time."""
        start = time.perf_counter()
        done = subprocess.run(test_command(tests), shell=True, cwd=work, capture_output=True,
                              text=True)  # fmt: skip
        seconds = time.perf_counter() - start
        timeout = max(MIN_TIMEOUT, TIMEOUT_FACTOR * seconds)
        (work / "cosmic-ray.toml").write_text(config_text(modules, tests, timeout))
        print(f"group {name}: tests {seconds:.0f} s without mutation, timeout {timeout:.0f} s")
        return done

    if resume and (work / "session.sqlite").exists():
        baseline_run()
        step(str(tool / "cosmic-ray"), "exec", "cosmic-ray.toml", "session.sqlite")
        return records_of(work)
    previous = killed_before(work) if survivors_only else {}
    copy_repository(work)
    (work / "sources.json").write_text(json.dumps({m: (work / m).read_text() for m in modules}))
    baseline = baseline_run()
    if baseline.returncode != 0:  # every mutant would count as killed
        raise RuntimeError(f"group {name}: the tests fail without any mutation:\n"
                           f"{baseline.stdout[-2000:]}")  # fmt: skip
    if " skipped" in baseline.stdout.splitlines()[-1]:  # their mutants would all survive
        raise RuntimeError(f"group {name}: some tests skip in the copy (a fixture missing?):\n"
                           f"{baseline.stdout[-2000:]}")  # fmt: skip
    step(str(tool / "cosmic-ray"), "init", "cosmic-ray.toml", "session.sqlite")
    step(str(tool / "cr-filter-operators"), "session.sqlite", "cosmic-ray.toml")
    step(str(tool / "cr-filter-pragma"), "session.sqlite")
    exclude(work)
    if previous:
        print(f"group {name}: {keep_killed(work, previous)} mutants killed by the last run kept")
    step(str(tool / "cosmic-ray"), "exec", "cosmic-ray.toml", "session.sqlite")
    return records_of(work)


def records_of(work: Path) -> list[dict]:
    """One record per mutant of a group's session: module, line, source, operator,
    outcome and diff."""
    dump = subprocess.run([str(Path(sys.executable).parent / "cosmic-ray"), "dump",
                           "session.sqlite"], cwd=work, capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    records = []
    for line in dump.splitlines():
        item, result = json.loads(line)
        mutation = item["mutations"][0]
        module = mutation["module_path"]
        number = mutation["start_pos"][0]
        source = (work / module).read_text().splitlines()[number - 1].strip()
        result = result or {}
        outcome = result.get("test_outcome") or result.get("worker_outcome") or "pending"
        if str(result.get("output") or "").startswith("excluded: "):
            outcome = result["output"]
        records.append({
            "module": module.removeprefix(f"{PACKAGE}/"),
            "line": number,
            "source": source,
            "operator": mutation["operator_name"].removeprefix("core/"),
            "outcome": outcome,
            "timeout": result.get("output") == "timeout",
            "diff": result.get("diff") or "",
        })  # fmt: skip
    return records


def explanations() -> list[dict]:
    """The explained survivors: rows of the table in docs/mutation.md
    (``| module | line | operator | why |``, the line as its source text)."""
    rows = []
    for line in DOCS.read_text().splitlines() if DOCS.exists() else []:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".py") and cells[0] != "module":
            rows.append({"module": cells[0], "source": cells[1].strip("`"),
                         "operator": cells[2].strip("`"), "why": cells[3]})  # fmt: skip
    return rows


def explained(record: dict, known: list[dict]) -> str | None:
    """Why a survivor survives, if docs/mutation.md says (module, line text and operator,
    or ``*`` for every operator on that line)."""
    for row in known:
        if (row["module"] == record["module"] and row["source"] == record["source"]
                and row["operator"] in (record["operator"], "*")):  # fmt: skip
            return row["why"]
    return None


def report(records: list[dict], minutes: float) -> tuple[str, bool]:
    """The markdown report, and whether the target is met with every survivor explained."""
    known = explanations()
    counted = [r for r in records if r["outcome"] in ("killed", "survived", "incompetent")]
    by_module: dict[str, list[dict]] = {}
    for record in counted:
        by_module.setdefault(record["module"], []).append(record)
    lines = ["| module | mutants | killed | survived (explained) | killed share |",
             "|---|---|---|---|---|"]  # fmt: skip
    survivors = [r for r in counted if r["outcome"] == "survived"]
    for module, rows in sorted(by_module.items()):
        alive = [r for r in rows if r["outcome"] == "survived"]
        known_alive = sum(explained(r, known) is not None for r in alive)
        lines.append(f"| {module} | {len(rows)} | {len(rows) - len(alive)} | {len(alive)} "
                     f"({known_alive}) | {1 - len(alive) / len(rows):.1%} |")  # fmt: skip
    share = 1 - len(survivors) / max(len(counted), 1)
    unexplained = [r for r in survivors if explained(r, known) is None]
    lines.append(
        f"| **all** | {len(counted)} | {len(counted) - len(survivors)} | "
        f"{len(survivors)} ({len(survivors) - len(unexplained)}) | **{share:.1%}** |"
    )
    excluded: dict[str, int] = {}
    for record in records:
        if record["outcome"].startswith("excluded: "):
            why = record["outcome"].removeprefix("excluded: ")
            excluded[why] = excluded.get(why, 0) + 1
    left_out = ", ".join(f"{count} in {why}s" for why, count in sorted(excluded.items()))
    timeouts = sum(bool(r.get("timeout")) for r in counted)
    head = (f"# Mutation testing ({time.strftime('%Y-%m-%d')}, {minutes:.0f} min)\n\n"
            f"{len(counted)} mutants, {share:.1%} killed (target {TARGET:.0%}; {timeouts} of "
            f"them by a timeout, tests over {TIMEOUT_FACTOR:g}x their time without mutation); "
            f"{len(unexplained)} survivors not explained in docs/mutation.md. Not mutated: "
            f"{left_out or 'none'}.\n\n")  # fmt: skip
    body = ["", "## Survivors", ""]
    for record in sorted(survivors, key=lambda r: (r["module"], r["line"])):
        why = explained(record, known)
        body.append(f"- {record['module']}:{record['line']} `{record['operator']}` "
                    f"`{record['source']}`: {why or 'NOT EXPLAINED'}")  # fmt: skip
    return head + "\n".join(lines + body) + "\n", share >= TARGET and not unexplained


def main(argv: list[str] | None = None) -> int:
    """Command line: ``run.py [--only GROUP ...] [--workers N] [--out DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(GROUPS), metavar="GROUP")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", default=str(ROOT / "results" / "mutation"))
    parser.add_argument("--resume", action="store_true",
                        help="go on with the mutants a stopped run left")  # fmt: skip
    parser.add_argument("--survivors-only", action="store_true",
                        help="rerun only the last run's survivors of modules whose source "
                        "did not change (after adding tests)")  # fmt: skip
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from the last run's records")  # fmt: skip
    args = parser.parse_args(argv)
    # the copies under results/ do not sit beside the official benchmark fixture
    sys.path.insert(0, str(ROOT / "tests"))
    from bsds_fixture import BSDS_BENCH

    os.environ["SEGSWEEP_BSDS_BENCH"] = str(BSDS_BENCH)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / "records.json"
    start = time.perf_counter()
    if args.report_only:
        records = json.loads(saved.read_text())
    else:
        names = args.only or list(GROUPS)
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(
                lambda name: run_group(name, folder, args.resume, args.survivors_only), names
            ))  # fmt: skip
        records = [record for group in results for record in group]
        if args.only and saved.exists():  # keep the other groups' last records
            modules = {r["module"] for r in records}
            records += [r for r in json.loads(saved.read_text()) if r["module"] not in modules]
        saved.write_text(json.dumps(records, indent=1))
    text, met = report(records, (time.perf_counter() - start) / 60)
    (folder / "report.md").write_text(text)
    print(text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
