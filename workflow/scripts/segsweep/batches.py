"""Batches of images: the unit of one segment job.

Starting a job costs about a second (Python, scikit-learn's imports, Snakemake's script
preamble), as much as segmenting a BSDS500 image with a cheap method, so one segment job
fits one method setup on every image of a batch. An image's batch depends on its name only
(a CRC-32 of it, modulo the configured number of batches), so adding an image changes one
batch: the jobs of that batch run again, the others do not. ``batches: null`` makes every
image its own batch (one job per image and method, the finest reruns).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable


def batch_of(image: str, count: int | None) -> str:
    """The batch of ``image`` among ``count`` batches (None: its own, named after it)."""
    if count is None:
        return image
    width = len(str(count - 1))
    return f"b{zlib.crc32(image.encode('utf-8')) % count:0{width}d}"


def batches(images: Iterable[str], count: int | None) -> dict[str, list[str]]:
    """Batch name -> its images (in the order given), for the batches that hold any."""
    grouped: dict[str, list[str]] = {}
    for image in images:
        grouped.setdefault(batch_of(image, count), []).append(image)
    return dict(sorted(grouped.items()))
