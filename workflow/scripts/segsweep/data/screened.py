"""The ``screened`` checkpoint: which images the run uses, once every image is screened.

A module of its own, so that the screening jobs' code (:mod:`segsweep.data.ingest` and what
it imports) does not change with it.
"""

from __future__ import annotations

from segsweep.data.discovery import accepted
from segsweep.store.files import read_json, write_json


def screened_main(snakemake) -> None:
    """Snakemake entry: the images the screening accepted
    (:func:`segsweep.data.discovery.accepted`), in order, from every screening record
    ``input.meta``."""
    records = [read_json(path) for path in snakemake.input.meta]
    write_json(snakemake.output.accepted, {"accepted": [r["image"] for r in accepted(records)]})
