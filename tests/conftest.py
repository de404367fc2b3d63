"""Shared fixtures: small synthetic images whose right segmentation is known."""

from __future__ import annotations

import os

# One native thread per test process (BLAS, OpenMP), set before numpy and scikit-learn load
# them: make test runs one worker per core, and two workers of two spinning threads each
# took twice the CPU time of one. The pipeline's jobs set their own (segsweep.entry).
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402
from optional_tools import allowed_skip_reasons  # noqa: E402

# Property tests draw the same examples on every run (derived from each test's source), and
# no example database replays one run's failures in the next: a test's outcome depends on
# the code alone. (With fresh random examples, a mutant that changes results only at a tie
# in the last bit was killed in one mutation run and survived the next.)
settings.register_profile("segsweep", derandomize=True, database=None)
settings.load_profile("segsweep")

#: Three well-separated flat colours.
FLAT_COLOURS = np.array([[220, 30, 30], [30, 200, 40], [20, 40, 210]], dtype=np.uint8)


def flat_image(height: int = 24, width: int = 36) -> tuple[np.ndarray, np.ndarray]:
    """Image of three vertical stripes of flat colours, and its true labels 0, 1, 2."""
    truth = np.repeat(np.arange(3), width // 3)[None, :].repeat(height, axis=0)
    return FLAT_COLOURS[truth], truth


@pytest.fixture
def stripes():
    """(rgb, truth) of :func:`flat_image`."""
    return flat_image()


@pytest.fixture
def noisy_photo():
    """A 40x60 RGB image with smooth gradients and noise (no exact cluster structure)."""
    rng = np.random.default_rng(1)
    yy, xx = np.mgrid[0:40, 0:60]
    base = np.stack([xx * 4, yy * 6, (xx + yy) * 2], axis=-1).astype(float)
    return np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A finished run of the tiny configuration (tests/pipeline.py), made once per session and
    shared by the workflow tests; tests that change it must leave it complete."""
    from pipeline import TINY_CONFIG, copy_workflow, snakemake, write_images

    workdir = copy_workflow(tmp_path_factory.mktemp("tiny_run"), TINY_CONFIG)
    write_images(workdir / "images")
    result = snakemake(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


#: Fixtures that run the pipeline once and are shared by several tests: under pytest-xdist
#: (``make test`` runs two workers) every test using one of them goes to the same worker, so
#: each run is made once, not once per worker.
SHARED_RUNS = ("tiny_run", "corpus_run", "bsds_shaped_run")


# tryfirst: xdist's own hook in each worker reads the marks into the test ids it schedules by
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        shared = [name for name in SHARED_RUNS if name in getattr(item, "fixturenames", ())]
        if shared:
            item.add_marker(pytest.mark.xdist_group(shared[0]))


def pytest_collection_finish(session):
    """Stop when xdist's groups do not take effect (they silently do not with pytest 9.2 and
    pytest-xdist 3.8, pytest-dev/pytest-xdist#1386): each shared run would be made on both
    workers. (A worker's own messages do not reach the console, so the line goes to its
    standard error.)"""
    if not getattr(session.config.option, "loadgroup", False):
        return
    lost = [item.nodeid for item in session.items
            if any(item.iter_markers("xdist_group")) and "@" not in item.nodeid]  # fmt: skip
    if lost:
        message = (
            f"--dist loadgroup did not group {lost[0]} (and {len(lost) - 1} more): this "
            "pytest and pytest-xdist do not work together (pytest-xdist#1386); install the "
            "versions in constraints.txt"
        )
        os.write(2, f"\n{message}\n".encode())
        raise pytest.UsageError(message)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Turn a skip that is not for a missing optional tool into a failure."""
    report = (yield).get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if not reason.startswith(allowed_skip_reasons()):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} skipped ({reason}): only a missing optional tool may skip"
