"""Ground truth: read and align the label images that go with the photos (found by
:func:`segsweep.data.discovery.discover_truth`).

Naming rule (no code or configuration change to add one): the truth of the image file
``IMAGES/NAME.ext`` is, in the configured truth folder,

- ``NAME.png`` (or ``.tif``/``.tiff``): one annotation, an integer label image (8- or 16-bit
  grey) of the photo's original height and width; or
- ``NAME/`` holding several such files: several annotations of the same photo; or
- ``NAME.mat``: a Berkeley (BSDS500) ground-truth file with all its annotations.

An image without such a file is simply not scored. Label values are arbitrary region names
(0 is a region like any other). If ingest downscaled the photo, its truth is resized to
match with nearest-neighbour sampling, so no new labels appear.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from segsweep.errors import InputImageError


def read_annotations(paths: list[str | Path]) -> list[np.ndarray]:
    """Read every annotation from truth files (label images or BSDS ``.mat`` files).

    Raises
    ------
    InputImageError
        If a file cannot be read or is not a single-channel integer label image.
    """
    annotations = []
    for path in map(Path, paths):
        try:
            if path.suffix.lower() == ".mat":
                from scipy.io import loadmat

                cells = loadmat(path)["groundTruth"][0]
                annotations += [np.asarray(cell["Segmentation"][0, 0]) for cell in cells]
                continue
            if path.suffix.lower() in (".tif", ".tiff"):
                import tifffile

                array = tifffile.imread(path, key=0)
            else:
                with Image.open(path) as image:
                    array = np.asarray(image)
        except (OSError, ValueError, KeyError, IndexError) as error:
            raise InputImageError(f"{path}: cannot be read as ground truth ({error})") from None
        if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer):
            raise InputImageError(
                f"{path}: ground truth must be a single-channel integer label image, "
                f"got shape {array.shape} and type {array.dtype}"
            )
        annotations.append(array)
    return annotations


def align(annotations: list[np.ndarray], meta: dict, source: str = "truth") -> list[np.ndarray]:
    """Check annotations against the photo's original size; resize to the ingested size.

    Parameters
    ----------
    annotations : list of ndarray
    meta : dict
        Ingest metadata (``original_shape`` or, for an EXIF-rotated photo,
        ``upright_shape``; ``height``, ``width``): truth is drawn on the photo as it is
        shown, after EXIF orientation.
    source : str
        Named in error messages.
    """
    original = tuple(meta.get("upright_shape", meta["original_shape"][:2]))
    target = (meta["height"], meta["width"])
    aligned = []
    for annotation in annotations:
        if annotation.shape == target:
            aligned.append(annotation)
            continue
        if annotation.shape != original:
            raise InputImageError(
                f"{source}: ground truth is {annotation.shape[1]}x{annotation.shape[0]} but "
                f"its photo {meta['source']} is {original[1]}x{original[0]}"
            )
        rows = (np.arange(target[0]) + 0.5) * original[0] / target[0]
        cols = (np.arange(target[1]) + 0.5) * original[1] / target[1]
        aligned.append(annotation[rows.astype(int)][:, cols.astype(int)])
    return aligned
