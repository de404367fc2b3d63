"""The thin layer between Snakemake's ``script:`` directive and segsweep's step modules.

Every rule runs ``workflow/scripts/run_rule.py``, whose one call, :func:`run_rule`, looks up
the running rule in :data:`ENTRIES` (module and function: the one place a rule's code is
named) and runs that function with the ``snakemake`` object.

:func:`run` sends the step's warnings and messages to the rule's log file, limits native
thread pools (BLAS, OpenMP) to the rule's ``threads`` so jobs can share cores, and turns a
:class:`~segsweep.errors.SegsweepError` into one clear line on the console instead of a
traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from segsweep.errors import SegsweepError

#: Rule name -> (module, function) of its Snakemake entry.
ENTRIES = {
    "screen": ("segsweep.data.ingest", "screen_main"),
    "segment": ("segsweep.fit.segment", "main"),
    "tables": ("segsweep.tables.selection", "main"),
    "leaderboard": ("segsweep.tables.leaderboard", "main"),
    "plot_image": ("segsweep.figures.image", "image_figures_main"),
    "plot_image_with_truth": ("segsweep.figures.image", "image_figures_main"),
    "plot_background": ("segsweep.figures.dataset", "background_main"),
    "plot_leaderboard": ("segsweep.figures.dataset", "leaderboard_main"),
    "plot_ranks": ("segsweep.figures.dataset", "ranks_main"),
    "report_selection": ("segsweep.figures.report", "selection_main"),
    "report_figures": ("segsweep.figures.report", "thumbnails_main"),
    "summary": ("segsweep.report.summary", "main"),
    "provenance": ("segsweep.report.provenance", "main"),
}


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
            time.perf_counter() - start, time.time() - _process_start(),
        )  # fmt: skip
    except SegsweepError as error:
        logging.error("%s", error)
        print(f"segsweep error: {error}", file=sys.stderr)
        sys.exit(1)


def _process_start() -> float:
    """When this process started (seconds since the epoch), from /proc where there is one;
    else now (the job then reports no start-up)."""
    try:
        import psutil

        return psutil.Process(os.getpid()).create_time()
    except Exception:  # no psutil or no process table: a benchmark figure, not a result
        return time.time()


def entry(rule: str) -> Callable[[object], None]:
    """The Snakemake entry function of ``rule`` (:data:`ENTRIES`)."""
    if rule not in ENTRIES:  # a wiring mistake in the workflow, not a user error
        raise RuntimeError(f"rule {rule!r} has no entry in segsweep.entry.ENTRIES")
    module, function = ENTRIES[rule]
    return getattr(importlib.import_module(module), function)


def run_rule(snakemake) -> None:
    """:func:`run` the entry of the rule being run (``snakemake.rule``)."""
    run(snakemake, entry(snakemake.rule))
