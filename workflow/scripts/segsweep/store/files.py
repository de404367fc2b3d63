"""File I/O of every step: atomic, byte-reproducible writers and their readers (tables,
JSON, arrays, PNG, an image's standard form) and file hashes.

Every output of the workflow is written to a temporary name in the destination folder and
renamed into place only when complete, so an interrupted job never leaves a half-written file.
Writers avoid time stamps so that the same data gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas is imported where tables are read: the screening step, which
    import pandas as pd  # writes none, starts 0.2 s sooner without it (once per image)

#: Significant digits kept for floats in CSV tables: enough for every reported figure, few
#: enough that last-bit noise between runs with different thread counts does not show.
CSV_FLOAT_FORMAT = "%.10g"

# Earliest date a ZIP entry can hold; a fixed date keeps .npz files byte-identical.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _current_umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds.

    Parameters
    ----------
    path : path-like
        Final destination. Parent folders are created.

    Yields
    ------
    pathlib.Path
        Where to write. It is removed if the block raises.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp creates the file private (0600); give it the permissions of a normal file.
        os.chmod(tmp_path, 0o666 & ~_current_umask())
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, obj: object) -> None:
    """Write ``obj`` as indented JSON with sorted keys, atomically."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def read_json(path: str | os.PathLike) -> object:
    """Read a JSON file written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_csv(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Write ``table`` as CSV without its index, floats at :data:`CSV_FLOAT_FORMAT`."""
    write_text(path, table.to_csv(index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n"))


#: Columns that hold names: read back as text whatever they look like, so that the images
#: ``0001`` and ``1`` stay two strings and an image named ``NA`` or ``True`` keeps its name.
TEXT_COLUMNS = ("image", "space", "method", "criterion", "algorithm", "source", "reason")


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a CSV table written by :func:`write_csv`.

    Name columns (:data:`TEXT_COLUMNS`) stay text; only empty cells, which is how
    :func:`write_csv` writes a missing value, are read as missing.
    """
    import pandas as pd

    return pd.read_csv(
        path,
        dtype={column: str for column in TEXT_COLUMNS},
        keep_default_na=False,
        na_values=[""],
    )


def save_arrays(path: str | os.PathLike, arrays: Mapping[str, np.ndarray]) -> None:
    """Save named arrays as a compressed ``.npz`` file with reproducible bytes.

    :func:`numpy.savez_compressed` stamps each entry with the current time; this writes the
    same format (readable by :func:`numpy.load`) with a fixed date, entries in sorted order.
    """
    with ArrayWriter(path) as writer:
        for name in sorted(arrays):
            writer.add(name, arrays[name])


class ArrayWriter:
    """Write named arrays one at a time into a compressed ``.npz`` file, atomically and
    with reproducible bytes (:func:`save_arrays`, which holds them all at once, writes the
    same format): only the array being added is in memory.

    Use as a context manager; the file appears under its name when the block ends without
    an error.
    """

    def __init__(self, path: str | os.PathLike):
        self._atomic = atomic_path(path)

    def __enter__(self) -> ArrayWriter:
        self._tmp = self._atomic.__enter__()
        self._archive = zipfile.ZipFile(self._tmp, "w", compression=zipfile.ZIP_DEFLATED)
        return self

    def add(self, name: str, array: np.ndarray) -> None:
        """Add ``array`` as the member ``name`` (``numpy.load(path)[name]``)."""
        info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        member = io.BytesIO()
        np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
        self._archive.writestr(info, member.getvalue(), compresslevel=6)

    def __exit__(self, *error) -> bool | None:
        self._archive.close()
        return self._atomic.__exit__(*error)


def load_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Load every array of an ``.npz`` file written by :func:`save_arrays`."""
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_png(path: str | Path, rgb: np.ndarray) -> None:
    """Write an 8-bit RGB or RGBA array as PNG, atomically."""
    from PIL import Image

    with atomic_path(path) as tmp:
        Image.fromarray(rgb).save(tmp, format="PNG")


def read_rgb(path: str | Path) -> np.ndarray:
    """Read a standard-form PNG written by :func:`write_png`."""
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def save_standard_form(path, rgb: np.ndarray | None, annotations: list[np.ndarray]) -> None:
    """Write an image's standard form: ``rgb`` (H, W, 3) and, with truth, ``truth`` (n, H, W).

    A rejected image (``rgb`` None) gets a file holding no arrays, so that the screening
    step always leaves the same files behind; its JSON record says why.
    """
    arrays = {} if rgb is None else {"rgb": rgb}
    if annotations:
        arrays["truth"] = np.stack(annotations)
    save_arrays(path, arrays)


def load_standard_form(path) -> tuple[np.ndarray, list[np.ndarray]]:
    """(rgb, annotations) written by :func:`save_standard_form` for an accepted image."""
    arrays = load_arrays(path)
    return arrays["rgb"], list(arrays.get("truth", []))
