"""The record a ``plot_images`` job writes of the files it drew for its batch of images.

Snakemake knows a batch's figures through this record (``results/drawn/BATCH.csv``: one row
per figure, with its image, figure name and file, or no file and the ``problem`` that kept it
from being drawn): the files of a batch depend on which of its
images screening accepts, which is only known once they are screened, while a rule's
outputs are fixed when the workflow is read. :func:`missing_files` lets the workflow notice
a drawn file that was deleted since, so that the batch is drawn again.

Standard library only: the workflow calls it while it builds the job graph.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

#: The columns of a record: a drawn figure has a path and no problem, one that could not be
#: drawn a problem and no path.
RECORD_COLUMNS = ["image", "figure", "path", "problem"]


def _rows(record: str | os.PathLike) -> list[dict[str, str]]:
    path = Path(record)
    if not path.is_file():
        return []
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def missing_files(record: str | os.PathLike) -> list[str]:
    """The files listed in ``record`` that no longer exist (none if ``record`` does not)."""
    return [row["path"] for row in _rows(record) if row["path"] and not Path(row["path"]).is_file()]


def not_drawn(records: list[str | os.PathLike]) -> list[tuple[str, str, str]]:
    """(image, figure, why) of every figure the ``records`` say could not be drawn."""
    return [(row["image"], row["figure"], row["problem"])
            for record in records for row in _rows(record) if row["problem"]]  # fmt: skip


def forget_if_incomplete(record: str | os.PathLike) -> list[str]:
    """Delete ``record`` if a file it lists is missing, so that Snakemake draws its batch
    again; return the missing files."""
    missing = missing_files(record)
    if missing:
        Path(record).unlink()
    return missing
