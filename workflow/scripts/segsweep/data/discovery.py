"""Discovery: which files are images and ground truth, and the name each image gets.

Reads file names only (no pixels), so the workflow can plan jobs without decoding
anything; this module imports nothing heavier than numpy.

:data:`SOURCES` is the registry of data sources: each names the config block that turns it
on and how it finds images and ground truth; :func:`discover` asks the first that is on.
Adding a source (another dataset's layout, say) is one entry there.

- :func:`discover_images` lists the PNG, JPEG and TIFF files of a folder and names each
  (:func:`image_ids`); every other entry is listed as ignored with the reason
  (:func:`scan_folder`).
- :func:`discover_truth` finds the ground truth of each image by the naming rule of
  :mod:`segsweep.data.truth`; :func:`discover_bsds` reads a BSDS500 layout.
- :func:`input_report` words the console lines on rejected and ignored files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from segsweep.data.truth import LABEL_IMAGE_SUFFIXES, TRUTH_READERS
from segsweep.errors import ConfigError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
#: The screening step's verdicts on an image (its record's ``status``).
ACCEPTED, REJECTED = "accepted", "rejected"
BSDS_SPLITS = ("train", "val", "test")


def image_id(path: Path) -> str:
    """Wildcard-safe name of an image file: its stem with characters outside letters, digits,
    ``.``, ``_`` and ``-`` replaced by ``_``."""
    return re.sub(r"[^\w.-]", "_", path.stem)


def image_ids(paths: list[Path]) -> dict[str, Path]:
    """A distinct name for every image file: :func:`image_id`, made unique.

    Files whose names collide get their ending appended (``a.png`` and ``a.jpg`` become
    ``a_png`` and ``a_jpg``); files the ending does not tell apart (``a b.png`` and
    ``a_b.png``) are numbered in file-name order (``a_b_1``, ``a_b_2``).

    Returns
    -------
    dict
        Name -> path, sorted by name.
    """
    stems = {path: image_id(path) for path in paths}
    stem_counts = Counter(stems.values())
    names = {
        path: f"{stem}_{path.suffix.lstrip('.').lower()}" if stem_counts[stem] > 1 else stem
        for path, stem in stems.items()
    }
    name_counts = Counter(names.values())
    taken = {name for name, count in name_counts.items() if count == 1}
    numbered: Counter = Counter()
    for path in sorted(paths, key=lambda p: p.name):
        if name_counts[names[path]] > 1:
            stem = stems[path]
            while True:
                numbered[stem] += 1
                candidate = f"{stem}_{numbered[stem]}"
                if candidate not in taken and candidate not in name_counts:
                    break
            taken.add(candidate)
            names[path] = candidate
    return dict(sorted((name, path) for path, name in names.items()))


def snakemake_safe(path: str | Path) -> bool:
    """Whether Snakemake can take ``path`` as an input file: no ``{`` or ``}``, which it
    reads as wildcards even in the file names an input function returns. Every other
    character a file system allows works (brackets, %, quotes, a leading dash, newlines)."""
    return not {"{", "}"} & set(str(path))


def check_folder_name(folder: Path, key: str) -> None:
    """Raise a :class:`ConfigError` naming ``key`` if Snakemake cannot take files in ``folder``
    (:func:`snakemake_safe`)."""
    if not snakemake_safe(folder):
        raise ConfigError(
            f"{key}: {folder.as_posix()!r} holds {{ or }}, which Snakemake reads as a wildcard "
            "in every file name; rename the folder"
        )


def scan_folder(folder: str | Path) -> tuple[list[Path], dict[str, str]]:
    """The image files directly in ``folder``, and every other entry with why it is not used.

    Hidden entries (names starting with ``.``, such as ``.DS_Store``) are passed over; a
    broken symbolic link, a folder, and a file without a PNG, JPEG or TIFF ending are listed
    as ignored, so nothing in the folder goes unmentioned.

    Returns
    -------
    images : list of Path
    ignored : dict
        Entry name -> reason, sorted by name.
    """
    images, ignored = [], {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_symlink() and not entry.exists():
            ignored[entry.name] = "broken symbolic link: its target does not exist"
        elif not snakemake_safe(entry.name):
            ignored[entry.name] = (
                "its name holds { or }, which Snakemake reads as a wildcard in any file name; "
                f"rename the file (for example to {image_id(entry)}{entry.suffix})"
            )
        elif entry.is_dir():
            ignored[entry.name] = "a folder: only files directly in images.folder are used"
        elif not entry.is_file():
            ignored[entry.name] = "not a regular file"
        elif entry.suffix.lower() not in IMAGE_SUFFIXES:
            ignored[entry.name] = (
                f"not PNG, JPEG or TIFF by its ending ({', '.join(IMAGE_SUFFIXES)})"
            )
        else:
            images.append(entry)
    return images, ignored


def discover_images(
    folder: str | Path, key: str = "images.folder"
) -> tuple[dict[str, str], dict[str, str]]:
    """Find every PNG, JPEG and TIFF file directly inside ``folder``.

    Parameters
    ----------
    folder : str or Path
    key : str
        Configuration key named in error messages.

    Returns
    -------
    images : dict
        Image name -> file path, sorted by name (names from :func:`image_ids`).
    ignored : dict
        Every other entry of the folder -> why it is not used (:func:`scan_folder`).

    Raises
    ------
    ConfigError
        If the folder does not exist or holds no image.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(
            f"{key}: folder {str(folder)!r} does not exist; create it or fix the path"
        )
    check_folder_name(folder, key)
    files, ignored = scan_folder(folder)
    if not files:
        raise ConfigError(
            f"{key}: no image in {str(folder)!r}; add PNG, JPEG or TIFF files "
            f"(endings {', '.join(IMAGE_SUFFIXES)})"
        )
    return {name: path.as_posix() for name, path in image_ids(files).items()}, ignored


def accepted(records: list[dict]) -> list[dict]:
    """The screening records of the images the screening accepted, in order: the one place
    that decides which images the run uses."""
    return [record for record in records if record.get("status") == ACCEPTED]


def input_report(records: list[dict], ignored: dict[str, str]) -> list[str]:
    """Lines for the console at the end of a run: how many images were rejected and files
    ignored, then one line each (the file, then the reason). Empty when there are none."""
    rejected = [record for record in records if record.get("status") == REJECTED]
    if not rejected and not ignored:
        return []
    lines = [
        f"segsweep: {len(rejected)} image(s) rejected, {len(ignored)} file(s) ignored "
        "(listed in the report too):"
    ]
    lines += [f"  rejected: {record['reason']}" for record in rejected]
    lines += [f"  ignored: {name}: {reason}" for name, reason in ignored.items()]
    return lines


def discover_truth(
    images: dict[str, str], truth_folder: str | Path | None
) -> tuple[dict[str, list], dict[str, str]]:
    """Truth files of each image that has any, following the naming rule above.

    Parameters
    ----------
    images : dict
        Image name -> image file path (from :func:`discover_images`).
    truth_folder : path or None
        None means no image has ground truth.

    Returns
    -------
    truth : dict
        Image name -> sorted list of truth file paths (only images with truth).
    ignored : dict
        Truth files that cannot be used -> why: a name with ``{`` or ``}``, or no image of
        that name.
    """
    if truth_folder is None:
        return {}, {}
    folder = Path(truth_folder)
    if not folder.is_dir():
        return {}, {}
    check_folder_name(folder, "images.truth_folder")
    found, ignored = {}, {}
    for name, image_path in images.items():
        stem = Path(image_path).stem
        files = [folder / f"{stem}{suffix}" for suffix in TRUTH_READERS]
        files = [path for path in files if path.is_file()]
        subfolder = folder / stem
        if subfolder.is_dir():
            files += sorted(
                p for p in subfolder.iterdir() if p.suffix.lower() in LABEL_IMAGE_SUFFIXES
            )
        for path in [path for path in files if not snakemake_safe(path.name)]:
            files.remove(path)
            ignored[path.as_posix()] = (
                "ground truth whose name holds { or }, which Snakemake reads as a wildcard; "
                "rename the file"
            )
        if files:
            found[name] = [path.as_posix() for path in files]
    stems = {Path(path).stem for path in images.values()}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.stem in stems or entry.name in stems:
            continue
        if entry.is_dir() or entry.suffix.lower() in TRUTH_READERS:
            ignored[entry.as_posix()] = (
                "ground truth of no image: images.folder holds no image named "
                f"{entry.stem if entry.is_file() else entry.name}.*"
            )
    return found, ignored


#: Where a BSDS500 copy keeps its data, relative to ``bsds.root``: the data folder itself, a
#: clone of github.com/BIDS/BSDS500, and the official BSR_bsds500.tgz unpacked.
BSDS_LAYOUTS = (".", "BSDS500/data", "BSR/BSDS500/data")


def bsds_data_folder(root: str | Path) -> Path:
    """The folder under ``root`` that holds ``images/`` and ``groundTruth/`` (the first of
    :data:`BSDS_LAYOUTS` that does), else ``root``: :func:`discover_bsds` then names what is
    missing."""
    root = Path(root)
    for layout in BSDS_LAYOUTS:
        folder = root / layout
        if (folder / "images").is_dir() and (folder / "groundTruth").is_dir():
            return folder
    return root


def discover_bsds(root: str | Path, split: str, limit: int | None) -> tuple[dict, dict]:
    """Images and ground truth of one split of a local BSDS500 copy.

    Parameters
    ----------
    root : path
        Folder holding ``images/{train,val,test}/*.jpg`` and ``groundTruth/{split}/*.mat``,
        directly or in one of the :data:`BSDS_LAYOUTS` (a git clone, the unpacked tarball).
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
    root = bsds_data_folder(root)
    image_folder, truth_folder = root / "images" / split, root / "groundTruth" / split
    for folder in (image_folder, truth_folder):
        if not folder.is_dir():
            raise ConfigError(
                f"bsds.root: {folder.as_posix()!r} does not exist; bsds.root must hold "
                "images/{train,val,test}/ and groundTruth/{train,val,test}/, directly or "
                f"under {' or '.join(BSDS_LAYOUTS[1:])}"
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


@dataclass(frozen=True)
class DataSource:
    """One way of finding a run's images and ground truth.

    Attributes
    ----------
    name : str
        How docs and messages call it.
    key : str
        The config block that configures it.
    used : callable
        ``used(config)``: whether the config turns it on.
    find : callable
        ``find(config)``: (images, truth, ignored): image name -> file, image name ->
        truth files, file -> why it is not used.
    human_boundary_f : float, optional
        The dataset's published human agreement in boundary F (BSDS500: 0.80, Arbelaez et
        al., TPAMI 2011), marked on the precision-recall figure; None for a folder of
        images.
    """

    name: str
    key: str
    used: Callable[[dict], bool]
    find: Callable[[dict], tuple[dict, dict, dict]]
    human_boundary_f: float | None = None


def _find_bsds(config: dict) -> tuple[dict, dict, dict]:
    images, truth = discover_bsds(**config["bsds"])
    return images, truth, {}


def _find_in_folders(config: dict) -> tuple[dict, dict, dict]:
    images, ignored = discover_images(config["images"]["folder"])
    truth, ignored_truth = discover_truth(images, config["images"]["truth_folder"])
    return images, truth, ignored | ignored_truth


#: The registry of data sources, in the order they are asked: the first one the config
#: turns on is the run's.
SOURCES = (
    DataSource(
        "bsds",
        "bsds",
        lambda config: bool(config["bsds"]["root"]),
        _find_bsds,
        human_boundary_f=0.80,
    ),  # fmt: skip
    DataSource("folder", "images", lambda config: True, _find_in_folders),
)


def source_of(config: dict) -> DataSource:
    """The first source of :data:`SOURCES` the config turns on."""
    return next(source for source in SOURCES if source.used(config))


def discover(config: dict) -> tuple[dict, dict, dict]:
    """The run's images, ground truth and ignored files, from the source the config turns
    on (:func:`source_of`)."""
    return source_of(config).find(config)
