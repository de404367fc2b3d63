"""Ground truth: find, read and align the label images that go with the photos.

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

from segsweep.errors import ConfigError, InputImageError
from segsweep.ingest import IMAGE_SUFFIXES, snakemake_safe

TRUTH_SUFFIXES = (".png", ".tif", ".tiff")
BSDS_SPLITS = ("train", "val", "test")


def discover_truth(
    images: dict[str, str], truth_folder: str | Path | None
) -> tuple[dict[str, list], dict[str, str]]:
    """Truth files of each image that has any, following the naming rule above.

    Parameters
    ----------
    images : dict
        Image name -> image file path (from :func:`segsweep.ingest.discover_images`).
    truth_folder : path or None
        None means no image has ground truth.

    Returns
    -------
    truth : dict
        Image name -> sorted list of truth file paths (only images with truth).
    ignored : dict
        Truth files that cannot be used (a name with ``{`` or ``}``) -> why.
    """
    if truth_folder is None:
        return {}, {}
    folder = Path(truth_folder)
    if not folder.is_dir():
        return {}, {}
    if not snakemake_safe(folder):
        raise ConfigError(
            f"images.truth_folder: {folder.as_posix()!r} holds {{ or }}, which Snakemake reads "
            "as a wildcard in every file name; rename the folder"
        )
    found, ignored = {}, {}
    for name, image_path in images.items():
        stem = Path(image_path).stem
        files = [folder / f"{stem}{suffix}" for suffix in (*TRUTH_SUFFIXES, ".mat")]
        files = [path for path in files if path.is_file()]
        subfolder = folder / stem
        if subfolder.is_dir():
            files += sorted(p for p in subfolder.iterdir() if p.suffix.lower() in TRUTH_SUFFIXES)
        for path in [path for path in files if not snakemake_safe(path.name)]:
            files.remove(path)
            ignored[path.as_posix()] = (
                "ground truth whose name holds { or }, which Snakemake reads as a wildcard; "
                "rename the file"
            )
        if files:
            found[name] = [path.as_posix() for path in files]
    return found, ignored


def discover_bsds(root: str | Path, split: str, limit: int | None) -> tuple[dict, dict]:
    """Images and ground truth of one split of a local BSDS500 copy.

    Parameters
    ----------
    root : path
        Folder holding ``images/{train,val,test}/*.jpg`` and ``groundTruth/{split}/*.mat``.
    split : {"train", "val", "test"}
    limit : int or None
        Use at most this many images (the first by file name).

    Returns
    -------
    images : dict
        Image id -> JPEG path.
    truth : dict
        Image id -> [``.mat`` path].
    """
    root = Path(root)
    image_folder, truth_folder = root / "images" / split, root / "groundTruth" / split
    for folder in (image_folder, truth_folder):
        if not folder.is_dir():
            raise ConfigError(
                f"bsds.root: {folder.as_posix()!r} does not exist; bsds.root must hold "
                "images/{train,val,test}/ and groundTruth/{train,val,test}/"
            )
    files = sorted(
        p for p in image_folder.iterdir()
        if p.suffix.lower() in IMAGE_SUFFIXES and snakemake_safe(p.name)
    )  # fmt: skip
    if limit is not None:
        files = files[:limit]
    if not files:
        raise ConfigError(f"bsds.root: no image in {image_folder.as_posix()!r}")
    images, truth = {}, {}
    for path in files:
        mat = truth_folder / f"{path.stem}.mat"
        if not mat.is_file():
            raise ConfigError(f"bsds.root: {path.name} has no ground truth {mat.as_posix()!r}")
        images[path.stem] = path.as_posix()
        truth[path.stem] = [mat.as_posix()]
    return images, truth


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
