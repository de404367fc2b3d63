"""Segmentations made by another tool, read from files: one entry of the comparison."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from segsweep.errors import ConfigError, ExternalFileError
from segsweep.fit.methods import OTHER_FILES, CheckCase, RegionMethod, param
from segsweep.fit.ucm import ucm_boundaries, ucm_regions, ucm_thresholds

#: What a folder may hold for image IMAGE, in the order they are looked for.
FORMS = ("IMAGE.mat (ucm2 or segs)", "IMAGE.npy (n, H, W)", "IMAGE/ of PNG label maps")


class PrecomputedMethod(RegionMethod):
    """Another tool's output for each image, from ``folder``: either an ultrametric contour
    map (``ucm2`` in ``IMAGE.mat``, double size, as BSDS500 ships gPb-owt-ucm's), read at
    each ``level`` as a threshold the way the Berkeley benchmark does (regions: ``bwlabel``
    of ``ucm2 <= level``; boundaries: the UCM's own, ``>= level``, thinned); or a stack of
    label maps (``segs`` in ``IMAGE.mat``, ``IMAGE.npy`` of shape (n, H, W), or the PNGs of
    a folder ``IMAGE/`` in name order), where ``level`` is the 1-based index in the stack.

    ``level``'s default grid is the benchmark's 99 UCM thresholds (0.01 ... 0.99); for a
    stack give ``grid: [1, 2, ..., n]``. Stacks are read finest first, so a larger level
    gives fewer regions, as a larger UCM threshold does. An image whose file is missing,
    unreadable or of another size than the image is left out of this entry, with one line
    in the segment job's log and on the terminal naming the file.
    """

    name = "precomputed"
    summary = "another tool's segmentations or UCM read from files, one per image"
    needs_image_name = True
    fit_seconds = 0.02  # reading one file

    #: Inputs and values of the common method checks (tests/test_method_checks.py).
    checks = CheckCase(sensitive=(0.08, 0.1, 0.15), alternatives={0.1: {"folder": OTHER_FILES}})

    level: float = param(0.5, "UCM threshold (0-1), or a stack's 1-based index",
                         minimum=0.0, effect="fewer regions",
                         grid=tuple(np.round(ucm_thresholds(), 2).tolist()))  # fmt: skip
    folder: str = param("data/external", "folder holding IMAGE.mat, IMAGE.npy or IMAGE/ per image")

    @classmethod
    def check_files(cls, params, where):
        """``folder`` must name an existing folder."""
        if not Path(params["folder"]).is_dir():
            raise ConfigError(
                f"{where}.folder: {params['folder']!r} is not a folder; name the folder "
                f"holding each image's segmentation ({', '.join(FORMS)})"
            )

    def prepare(self, image):
        """The image's file, read once per sweep: ``("ucm", ucm2)`` or ``("stack", maps)``."""
        return read_external(self.folder, self.image_name, np.shape(image)[:2])

    def segment(self, image, prepared):
        """The regions at ``level``: the UCM cut at it, or that label map of the stack."""
        kind, data = prepared
        if kind == "ucm":
            return ucm_regions(data, self.level)
        index = int(round(self.level)) - 1
        if not 0 <= index < len(data) or index + 1 != self.level:
            raise ExternalFileError(
                f"{self.source_path}: level {self.level:g} is not an index of its "
                f"{len(data)} segmentations (1 ... {len(data)}); set the grid to those"
            )
        return data[index]

    def boundary_map(self, image_name: str, shape: tuple[int, int]):
        """The UCM's boundaries at ``level`` (what the benchmark scores for a UCM, once the
        scores have thinned them), or None for a stack (its regions' boundaries are scored)."""
        kind, data = read_external(self.folder, image_name, shape)
        return ucm_boundaries(data, self.level) if kind == "ucm" else None

    @property
    def source_path(self) -> str:
        return str(Path(self.folder) / self.image_name)


def read_external(folder: str, image: str, shape: tuple[int, int]):
    """``("ucm", ucm2)`` or ``("stack", maps)`` of ``image`` in ``folder`` (:data:`FORMS`).

    Raises
    ------
    ExternalFileError
        No file, an unreadable one, or one whose size is not ``shape``'s.
    """
    kind, data, path = _read(str(folder), image)
    height, width = shape
    expected = (2 * height + 1, 2 * width + 1) if kind == "ucm" else (height, width)
    found = data.shape if kind == "ucm" else data.shape[1:]
    if tuple(found) != expected:
        raise ExternalFileError(
            f"{path}: {kind} of size {found[0]} x {found[1]}, but image {image} is "
            f"{height} x {width} (a ucm2 is {expected[0]} x {expected[1]}); was it made "
            "from another copy of the image, or was the image downscaled (images.max_pixels)?"
        )
    return kind, data


@lru_cache(maxsize=4)
def _read(folder: str, image: str):
    base = Path(folder) / image
    # the name plus a suffix: with_suffix would cut an image name at its own dot ("a.b")
    mat, npy = Path(f"{base}.mat"), Path(f"{base}.npy")
    try:
        if mat.is_file():
            return (*_read_mat(mat), mat)
        if npy.is_file():
            return "stack", _as_stack(np.load(npy, allow_pickle=False), npy), npy
        if base.is_dir() and sorted(base.glob("*.png")):
            return "stack", _read_pngs(base), base
    except ExternalFileError:
        raise
    except Exception as error:  # any reader's failure is this file's problem
        raise ExternalFileError(f"{base}.*: cannot be read ({error})") from None
    raise ExternalFileError(
        f"{folder}: no segmentation of image {image}; expected one of "
        f"{', '.join(form.replace('IMAGE', image) for form in FORMS)}"
    )


def _read_mat(path: Path):
    from scipy.io import loadmat

    contents = loadmat(path)
    if "ucm2" in contents:
        return "ucm", np.asarray(contents["ucm2"], dtype=np.float64)
    if "segs" in contents:
        return "stack", _as_stack(np.stack(list(contents["segs"].ravel())), path)
    raise ExternalFileError(f"{path}: holds neither ucm2 nor segs (found {sorted(contents)})")


def _read_pngs(folder: Path) -> np.ndarray:
    from PIL import Image

    maps = []
    for png in sorted(folder.glob("*.png")):
        array = np.asarray(Image.open(png))
        if array.ndim == 3:  # colour-coded labels: each colour a segment
            flat = array.reshape(-1, array.shape[-1])
            array = np.unique(flat, axis=0, return_inverse=True)[1].reshape(array.shape[:2])
        maps.append(array)
    if len({m.shape for m in maps}) > 1:
        raise ExternalFileError(f"{folder}: its PNGs differ in size")
    return _as_stack(np.stack(maps), folder)


def _as_stack(maps: np.ndarray, path) -> np.ndarray:
    maps = np.asarray(maps)
    if maps.ndim == 2:
        maps = maps[None]
    if maps.ndim != 3 or not np.issubdtype(maps.dtype, np.integer):
        raise ExternalFileError(
            f"{path}: expected integer label maps of shape (n, H, W), got {maps.dtype} {maps.shape}"
        )
    return maps.astype(np.int64)
