"""Where the official Berkeley benchmark fixture lives: ``tests/fixtures/bsds-bench``, a copy
of ``bench/data`` of the BSDS500 release (its README says what each file is and where it
comes from), in the repository so that every clone checks against it."""

from pathlib import Path

BSDS_BENCH = Path(__file__).resolve().parent / "fixtures" / "bsds-bench"
