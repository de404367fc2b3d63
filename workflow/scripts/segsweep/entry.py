"""The thin layer between Snakemake's ``script:`` directive and segsweep's step modules.

Each script under ``workflow/scripts/`` is named after the module it runs and holds three
lines: ``run_rule(snakemake, module)`` calls the module's entry for the running rule, its
``RULES[rule]`` (modules serving several rules) or else its ``main``.

:func:`run` sends the step's warnings and messages to the rule's log file, limits native
thread pools (BLAS, OpenMP) to the rule's ``threads`` so jobs can share cores, and turns a
:class:`~segsweep.errors.SegsweepError` into one clear line on the console instead of a
traceback.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from types import ModuleType

from threadpoolctl import threadpool_limits

from segsweep.errors import SegsweepError


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


def run_rule(snakemake, module: ModuleType) -> None:
    """:func:`run` the entry of ``module`` for the rule being run (``snakemake.rule``)."""
    entries = getattr(module, "RULES", {})
    main = entries.get(snakemake.rule) or getattr(module, "main", None)
    if main is None:  # a wiring mistake in the workflow, not a user error
        raise RuntimeError(f"{module.__name__} has no entry for rule {snakemake.rule!r}")
    run(snakemake, main)
