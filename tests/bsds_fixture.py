"""Where the official BSDS500 benchmark outputs the tests compare with live:
``shared/bsds-bench`` beside the repository, or the folder ``SEGSWEEP_BSDS_BENCH`` names
(the mutation runs test copies of the repository kept elsewhere)."""

import os
from pathlib import Path

BSDS_BENCH = Path(
    os.environ.get("SEGSWEEP_BSDS_BENCH")
    or Path(__file__).resolve().parents[2] / "shared" / "bsds-bench"
)
