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

from collections.abc import Callable
from pathlib import Path

import numpy as np

from segsweep.errors import InputImageError


def _read_bsds_mat(path: Path) -> list[np.ndarray]:
    """Every annotation of a BSDS500 ``groundTruth`` file."""
    from scipy.io import loadmat
    from scipy.io.matlab import MatReadError

    try:
        contents = loadmat(path)
    except MatReadError as error:  # not a ValueError: a corrupt file would escape the caller
        raise ValueError(str(error)) from error
    cells = contents["groundTruth"][0]
    return [np.asarray(cell["Segmentation"][0, 0]) for cell in cells]


def _read_tiff(path: Path) -> list[np.ndarray]:
    """The first page of a TIFF label image."""
    import tifffile

    return [tifffile.imread(path, key=0)]


def _read_image(path: Path) -> list[np.ndarray]:
    """A PNG label image (8- or 16-bit grey)."""
    from PIL import Image

    with Image.open(path) as image:
        return [np.asarray(image)]


#: The registry of ground-truth formats: file ending -> reader of its annotations. The
#: naming rule above finds files with these endings; adding a format is one entry here.
TRUTH_READERS: dict[str, Callable[[Path], list[np.ndarray]]] = {
    ".png": _read_image,
    ".tif": _read_tiff,
    ".tiff": _read_tiff,
    ".mat": _read_bsds_mat,
}
#: Endings of a single annotation (a label image), the ones a folder of annotations holds.
LABEL_IMAGE_SUFFIXES = (".png", ".tif", ".tiff")


def read_annotations(paths: list[str | Path]) -> list[np.ndarray]:
    """Read every annotation from truth files (:data:`TRUTH_READERS`).

    Raises
    ------
    InputImageError
        If a file cannot be read or is not a single-channel integer label image.
    """
    annotations = []
    for path in map(Path, paths):
        reader = TRUTH_READERS.get(path.suffix.lower())
        if reader is None:
            raise InputImageError(
                f"{path}: no reader for ground truth ending {path.suffix!r}; use one of "
                f"{', '.join(TRUTH_READERS)}"
            )
        try:
            arrays = reader(path)
        except (OSError, ValueError, KeyError, IndexError) as error:
            raise InputImageError(f"{path}: cannot be read as ground truth ({error})") from None
        if not arrays:
            raise InputImageError(f"{path}: holds no annotation; remove it or add one")
        for array in arrays:
            if array.ndim != 2 or not np.issubdtype(array.dtype, np.integer):
                raise InputImageError(
                    f"{path}: ground truth must be a single-channel integer label image, "
                    f"got shape {array.shape} and type {array.dtype}"
                )
        annotations += arrays
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
