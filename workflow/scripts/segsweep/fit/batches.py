"""Batches of images: the unit of one segment job.

Starting a job costs about a second (Python, scikit-learn's imports, Snakemake's script
preamble), as much as segmenting a BSDS500 image with a cheap method, so one segment job
fits one method setup on every image of a batch of about ``batch_size`` images (the
configuration's, 16 by default; null makes every image its own batch).

Which batch an image falls into depends on its name and on the number of batches,
``ceil(images / batch_size)``, by Lamping and Veach's jump consistent hash (2014) of the
name's CRC-32: adding an image changes one batch (the jobs of that batch run again, the
others do not), and when the number of batches grows by one, only the images that move to
the new batch change batch, about ``1 / batches`` of them, not all.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence

#: Digits of a batch's number in its name (``b0007``): fixed, so that a growing number of
#: batches renames none of them.
NAME_DIGITS = 4


def jump_hash(key: int, buckets: int) -> int:
    """Bucket of ``key`` among ``buckets`` (Lamping and Veach, "A fast, minimal memory,
    consistent hash algorithm", 2014): uniform, and growing ``buckets`` by one moves only
    the keys that land in the new bucket."""
    bucket, jump = -1, 0
    while jump < buckets:
        bucket = jump
        key = (key * 2862933555777941757 + 1) % 2**64
        jump = int((bucket + 1) * (2**31 / ((key >> 33) + 1)))
    return bucket


def batch_count(n_images: int, batch_size: int | None) -> int | None:
    """Number of batches for ``n_images`` images of about ``batch_size`` each (None: one
    batch per image)."""
    return None if batch_size is None else max(1, math.ceil(n_images / batch_size))


def batch_of(image: str, count: int | None) -> str:
    """The batch of ``image`` among ``count`` batches (None: its own, named after it)."""
    if count is None:
        return image
    return f"b{jump_hash(zlib.crc32(image.encode('utf-8')), count):0{NAME_DIGITS}d}"


def batches(images: Sequence[str], batch_size: int | None) -> dict[str, list[str]]:
    """Batch name -> its images (in the order given), for the batches that hold any, with
    about ``batch_size`` images each (:func:`batch_count`)."""
    count = batch_count(len(images), batch_size)
    grouped: dict[str, list[str]] = {}
    for image in images:
        grouped.setdefault(batch_of(image, count), []).append(image)
    return dict(sorted(grouped.items()))
