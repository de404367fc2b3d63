"""The thin layer between Snakemake's ``script:`` directive and segsweep's step modules.

Every rule runs ``workflow/scripts/run_rule.py``, whose one call, :func:`run_rule`, looks up
the running rule in :data:`ENTRIES` (module and function: the one place a rule's code is
named) and runs that function with the ``snakemake`` object.

**Code changes rerun what they touch.** Snakemake reruns a job when its script changes,
and every rule shares one script, so each rule's params also hold :func:`code_version`: a
digest of the source of its entry's module and of every segsweep module that module
imports, at its top or inside a function, found by reading the source (nothing is
imported). A segment job's digest also covers its method's own module. So editing a score
reruns the measure jobs and what reads them, never a fit; editing one method refits that
method only; editing a figure redraws figures only.

:func:`run` sends the step's warnings and messages to the rule's log file, limits native
thread pools (BLAS, OpenMP) to the rule's ``threads`` so jobs can share cores, and turns a
:class:`~segsweep.errors.SegsweepError` into one clear line on the console instead of a
traceback.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from threadpoolctl import threadpool_limits

from segsweep.errors import SegsweepError, tell_user

#: Rule name -> (module, function) of its Snakemake entry.
ENTRIES = {
    "screen": ("segsweep.data.ingest", "screen_main"),
    "screened": ("segsweep.data.screened", "screened_main"),
    "segment": ("segsweep.fit.segment", "main"),
    "measure": ("segsweep.score.measure", "main"),
    "tables": ("segsweep.tables.selection", "main"),
    "leaderboard": ("segsweep.tables.leaderboard", "main"),
    "plot_images": ("segsweep.figures.image", "images_figures_main"),
    "plot_background": ("segsweep.figures.dataset", "background_main"),
    "plot_leaderboard": ("segsweep.figures.dataset", "leaderboard_main"),
    "plot_ranks": ("segsweep.figures.dataset", "ranks_main"),
    "plot_precision_recall": ("segsweep.figures.dataset", "precision_recall_main"),
    "report_selection": ("segsweep.figures.report", "selection_main"),
    "report_figures": ("segsweep.figures.report", "thumbnails_main"),
    "summary": ("segsweep.report.summary", "main"),
    "provenance": ("segsweep.report.provenance", "main"),
}


#: The folder holding the segsweep package.
SCRIPTS = Path(__file__).resolve().parent.parent


def _module_file(name: str) -> Path | None:
    """The source file of segsweep module ``name``, or None if it is not one."""
    path = SCRIPTS.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _imported(name: str) -> tuple[str, ...]:
    """The segsweep modules module ``name`` imports, anywhere in its source, and the
    packages above it."""
    tree = ast.parse(_module_file(name).read_text())
    found = {".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 1)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return tuple(sorted(m for m in found if m.startswith("segsweep") and _module_file(m)))


def module_closure(name: str) -> list[str]:
    """Module ``name`` and every segsweep module it imports, directly or not."""
    seen, todo = set(), [name]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _imported(module)
    return sorted(seen)


@cache
def code_version(rule: str, method: str | None = None) -> str:
    """Digest (12 hex digits) of the source a rule's results depend on: the closure of its
    entry's module (:func:`module_closure`) and, for ``method``, of the module that defines
    that registered method."""
    modules = module_closure(ENTRIES[rule][0])
    if method is not None:
        from segsweep.fit import methods

        modules += module_closure(methods.get_method(method).__module__)
    digest = hashlib.sha256()
    for module in sorted(set(modules)):
        path = _module_file(module)
        digest.update(path.relative_to(SCRIPTS).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def run(snakemake, main: Callable[[object], None]) -> None:
    """Run ``main(snakemake)`` with logging, thread limits and clean error reporting."""
    log_path = snakemake.log[0] if len(snakemake.log) else None
    handlers = [logging.FileHandler(log_path, mode="w")] if log_path else []
    logging.basicConfig(
        level=logging.INFO, handlers=handlers or None, format="%(levelname)s %(message)s"
    )
    logging.captureWarnings(True)
    try:
        start = time.perf_counter()
        with threadpool_limits(limits=max(1, int(snakemake.threads))):
            main(snakemake)
        # what the job spent on its work, and since its process started (Python, imports,
        # Snakemake's preamble and the work): benchmarks read both (tests/bench/bsds.py)
        logging.info(
            "segsweep job seconds: work %.3f, process %.3f",
            time.perf_counter() - start, _process_seconds(),
        )  # fmt: skip
    except SegsweepError as error:
        logging.error("%s", error)
        tell_user(f"segsweep error: {error}")
        sys.exit(1)


def _process_seconds() -> float:
    """Seconds since this process started, from its start time in ``/proc/self/stat``
    (clock ticks since boot) and the clock since boot; 0.0 where there is no ``/proc``.
    (psutil's start time adds the boot time, which /proc gives in whole seconds: up to a
    second off.)"""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22, starttime
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, ValueError, IndexError, AttributeError):  # a benchmark figure only
        return 0.0


def entry(rule: str) -> Callable[[object], None]:
    """The Snakemake entry function of ``rule`` (:data:`ENTRIES`)."""
    if rule not in ENTRIES:  # a wiring mistake in the workflow, not a user error
        raise RuntimeError(f"rule {rule!r} has no entry in segsweep.entry.ENTRIES")
    module, function = ENTRIES[rule]
    return getattr(importlib.import_module(module), function)


def run_rule(snakemake) -> None:
    """:func:`run` the entry of the rule being run (``snakemake.rule``)."""
    run(snakemake, entry(snakemake.rule))
