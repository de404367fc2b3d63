"""What a mutant's test run costs before its tests: the mutation runner's forked child,
cold against warm, side by side.

``PYTHONPATH=tests python -m bench.mutation_child [--runs N] [TEST ...]`` copies the
repository twice, preloads the libraries as ``tests/mutation/run.py`` does, then forks
children that run TEST (by default one quick test) in turn, pair by pair:

- **cold**: a plain copy, nothing compiled, the collector reaching every preloaded object
  (the runner before :func:`warm_caches` and ``gc.freeze``);
- **warm**: a copy compiled by :func:`warm_caches`, the preloaded objects frozen.

It prints each pair's seconds, the medians and the median of the pairs' ratios.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "mutation"))
import run  # noqa: E402 - the runner, from its folder

QUICK_TEST = "tests/test_uncertainty.py::test_seed_spread"


def child_seconds(copy: Path, tests: list[str]) -> float:
    """Seconds a forked child takes to run ``tests`` in ``copy`` (they must pass)."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            run.run_tests_in_child(copy, tests)
        finally:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(tests)} did not pass in {copy}")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="pairs of children")
    parser.add_argument("tests", nargs="*", default=[QUICK_TEST])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        cold, warm = Path(folder) / "cold", Path(folder) / "warm"
        run.copy_repository(cold)
        run.copy_repository(warm)
        run.warm_caches([warm])
        print(f"preloaded in {run.preload(warm):.1f} s; {args.runs} pairs of {args.tests}")
        pairs = []
        for _ in range(args.runs):
            gc.unfreeze()
            cold_seconds = child_seconds(cold, args.tests)
            gc.freeze()
            warm_seconds = child_seconds(warm, args.tests)
            pairs.append((cold_seconds, warm_seconds))
            print(f"cold {cold_seconds:.2f} s, warm {warm_seconds:.2f} s", flush=True)
    colds, warms = zip(*pairs, strict=True)
    ratio = statistics.median(c / w for c, w in pairs)
    print(f"median: cold {statistics.median(colds):.2f} s, warm {statistics.median(warms):.2f} s; "
          f"cold / warm, pair by pair: {ratio:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
