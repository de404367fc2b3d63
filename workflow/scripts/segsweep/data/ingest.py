"""Ingest: read an image file and bring it to segsweep's standard form.

The standard form is an 8-bit RGB array of shape (height, width, 3). On the way:

- grey images (one channel, or grey + alpha) are replicated to three channels;
- an alpha channel is dropped (the colour values are kept as they are, not composited);
- 16-bit images are scaled to 8 bits (``round(value / 257)``, so 65535 becomes 255);
- float images in [0, 1] are scaled by 255, other float ranges are stretched min-max;
- JPEG orientation (EXIF) is honoured, palette and CMYK images are converted to RGB;
- images above ``max_pixels`` are downscaled (Lanczos) to at most that many pixels.

Every such step is recorded in the metadata that goes with the image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from segsweep.data import truth
from segsweep.data.discovery import ACCEPTED, REJECTED
from segsweep.errors import InputImageError
from segsweep.store.files import file_sha256, save_standard_form, write_json

#: File endings treated as images when scanning an input folder.

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_bit_depth(path: Path) -> int | None:
    """Return a PNG file's bit depth from its header, or None if it is no PNG."""
    with open(path, "rb") as handle:
        head = handle.read(33)
    if len(head) < 25 or not head.startswith(_PNG_SIGNATURE):
        return None
    return head[24]


def _read_16bit_png(path: Path) -> np.ndarray:
    """Read a 16-bit PNG with OpenCV (Pillow truncates 16-bit colour PNGs to 8 bits)."""
    import cv2

    data = np.fromfile(path, dtype=np.uint8)
    array = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if array is None:
        raise ValueError("OpenCV could not decode it")
    if array.ndim == 3 and array.shape[2] == 3:
        array = array[..., ::-1]
    elif array.ndim == 3 and array.shape[2] == 4:
        array = array[..., [2, 1, 0, 3]]
    return np.ascontiguousarray(array)


def _from_pillow(image: Image.Image) -> tuple[np.ndarray, str]:
    """Convert a Pillow image to an array, resolving palette, CMYK and YCbCr modes."""
    mode = image.mode
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif mode == "PA":
        image = image.convert("RGBA")
    elif mode in ("CMYK", "YCbCr", "LAB", "HSV"):
        image = image.convert("RGB")
    elif mode == "1":
        image = image.convert("L")
    return np.asarray(image), mode


#: Largest number of pixels a file's header may claim: Pillow's own decompression-bomb limit
#: (twice its ``MAX_IMAGE_PIXELS``, about 179 million). A larger image would need gigabytes to
#: decode even if it were then downscaled, and a small file claiming it is an attack.
MAX_DECODE_PIXELS = 2 * Image.MAX_IMAGE_PIXELS

#: What the EXIF orientation values (2-8) do to the stored pixels to show them upright.
_ORIENTATIONS = {
    2: "mirrored left-right",
    3: "rotated 180 degrees",
    4: "mirrored top-bottom",
    5: "mirrored and rotated 90 degrees",
    6: "rotated 90 degrees clockwise",
    7: "mirrored and rotated 90 degrees",
    8: "rotated 90 degrees counter-clockwise",
}


@dataclass(frozen=True)
class Decoded:
    """An image file as decoded, before conversion to the standard form.

    Attributes
    ----------
    array : ndarray
        (H, W) or (H, W, C) pixels in the file's own data type, upright (EXIF applied).
    mode : str
        The file's colour mode (Pillow's name, ``png16:<channels>`` or
        ``tiff:<dtype>x<channels>``).
    stored_shape : tuple of int
        The shape as stored in the file, before any EXIF rotation.
    steps : list of str
        What decoding did beyond reading: EXIF orientation, the page used of several.
    """

    array: np.ndarray
    mode: str
    stored_shape: tuple[int, ...]
    steps: list[str]


def check_header(path: Path) -> None:
    """Reject a file whose header claims more than :data:`MAX_DECODE_PIXELS` pixels, before
    anything is decoded.

    Raises
    ------
    InputImageError
    """
    width = height = 0
    if path.suffix.lower() in (".tif", ".tiff"):
        import tifffile

        with tifffile.TiffFile(path) as tif:
            shape = tif.pages[0].shape
            height, width = shape[0], shape[1] if len(shape) > 1 else 1
    else:
        # Pillow's own check would refuse the file without saying its size: lift it for
        # this header read (nothing is decoded), then apply the same limit here.
        limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
        try:
            with Image.open(path) as image:
                width, height = image.size
        finally:
            Image.MAX_IMAGE_PIXELS = limit
    if width * height > MAX_DECODE_PIXELS:
        raise InputImageError(
            f"{path}: its header claims {width}x{height} = {width * height} pixels, more than "
            f"the {MAX_DECODE_PIXELS} a file may decode to (a decompression bomb, or a scan "
            "too large to decode); shrink it with an image editor or remove it"
        )


def read_image(path: str | Path) -> Decoded:
    """Read an image file as an array, with the file's own colour mode.

    The header is checked first (:func:`check_header`); JPEG orientation (EXIF) is applied and
    a multipage TIFF gives its first page, both recorded in ``steps``.

    Parameters
    ----------
    path : str or Path
        A PNG, JPEG or TIFF file.

    Returns
    -------
    Decoded

    Raises
    ------
    InputImageError
        If the file is empty, truncated, not an image, of an unsupported format or claims
        more pixels than :data:`MAX_DECODE_PIXELS`.
    """
    path = Path(path)
    if path.stat().st_size == 0:
        raise InputImageError(f"{path}: the file is empty (0 bytes); replace or remove it")
    try:
        check_header(path)
        if path.suffix.lower() in (".tif", ".tiff"):
            return _read_tiff(path)
        if _png_bit_depth(path) == 16:
            array = _read_16bit_png(path)
            channels = 1 if array.ndim == 2 else array.shape[-1]
            return Decoded(array, f"png16:{channels}", array.shape, [])
        with Image.open(path) as image:
            image.load()
            stored = (image.height, image.width, len(image.getbands()))
            orientation = image.getexif().get(0x0112, 1)
            upright = ImageOps.exif_transpose(image)
            array, mode = _from_pillow(upright)
            steps = []
            frames = getattr(image, "n_frames", 1)
            if frames > 1:  # an animated PNG: the first frame is what Pillow decoded
                steps.append(f"{frames} frames (animated): the first is used")
            if orientation in _ORIENTATIONS:
                steps.append(
                    f"EXIF orientation {orientation} applied: {_ORIENTATIONS[orientation]}"
                )
            return Decoded(array, mode, stored, steps)
    except InputImageError:
        raise
    except UnidentifiedImageError:
        raise InputImageError(
            f"{path}: not a readable PNG, JPEG or TIFF image; replace or remove the file"
        ) from None
    except Image.DecompressionBombError as error:
        raise InputImageError(f"{path}: refused as a decompression bomb ({error})") from None
    except (OSError, ValueError, SyntaxError, MemoryError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise InputImageError(
            f"{path}: cannot be decoded ({reason}); the file may be truncated or corrupt"
        ) from None


def _read_tiff(path: Path) -> Decoded:
    """The first page of a TIFF file; how many pages there were is recorded."""
    import tifffile

    with tifffile.TiffFile(path) as tif:
        pages = len(tif.pages)
        array = tif.pages[0].asarray()
    channels = 1 if array.ndim == 2 else array.shape[-1]
    steps = [f"TIFF holds {pages} pages: the first is used"] if pages > 1 else []
    return Decoded(array, f"tiff:{array.dtype}x{channels}", array.shape, steps)


def to_rgb8(array: np.ndarray, source: str = "image") -> tuple[np.ndarray, list[str]]:
    """Convert any supported image array to 8-bit RGB.

    Parameters
    ----------
    array : ndarray
        (H, W), (H, W, 1), (H, W, 2) grey + alpha, (H, W, 3) RGB or (H, W, 4) RGBA, of type
        bool, uint8, uint16, a wider integer holding 16-bit values, or float.
    source : str
        Name used in error messages.

    Returns
    -------
    rgb : ndarray of uint8, shape (H, W, 3)
    notes : list of str
        What was done, in order.

    Raises
    ------
    InputImageError
        For shapes, types or values that have no sensible RGB reading (NaN, negative
        integers, more than 4 channels, an empty image).
    """
    notes: list[str] = []
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise InputImageError(
            f"{source}: unsupported image shape {array.shape}; expected grey, grey+alpha, "
            "RGB or RGBA"
        )
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise InputImageError(f"{source}: the image has no pixels (shape {array.shape})")

    if array.ndim == 3 and array.shape[2] in (2, 4):
        array = array[..., :-1]
        notes.append("alpha channel dropped (colour values kept, not composited)")
        if array.shape[2] == 1:
            array = array[..., 0]

    array = _to_uint8(array, source, notes)

    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
        notes.append("grey replicated to R, G and B")
    return np.ascontiguousarray(array), notes


def _to_uint8(array: np.ndarray, source: str, notes: list[str]) -> np.ndarray:
    """Scale an array of any supported type to uint8, noting what was done."""
    if array.dtype == np.uint8:
        return array
    if array.dtype == bool:
        notes.append("binary image mapped to 0 and 255")
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.integer):
        low, high = int(array.min()), int(array.max())
        if low < 0 or high > 65535:
            raise InputImageError(
                f"{source}: integer values from {low} to {high} do not fit 8 or 16 bits"
            )
        if array.dtype.itemsize == 1 or (array.dtype != np.uint16 and high <= 255):
            return array.astype(np.uint8)
        notes.append(f"16-bit values scaled to 8 bits (divided by 257; range was {low}-{high})")
        return np.rint(array.astype(np.float64) / 257.0).astype(np.uint8)
    if np.issubdtype(array.dtype, np.floating):
        if not np.all(np.isfinite(array)):
            raise InputImageError(
                f"{source}: the float image contains NaN or infinite values; fix or remove it"
            )
        low, high = float(array.min()), float(array.max())
        if low >= 0.0 and high <= 1.0:
            notes.append("float values in [0, 1] scaled by 255")
            scaled = array.astype(np.float64) * 255.0
        else:
            notes.append(f"float values stretched from [{low:g}, {high:g}] to [0, 255]")
            values = array.astype(np.float64)
            if not np.isfinite(high - low):  # a range wider than float64: halve first
                values, low, high = values / 2, low / 2, high / 2
            span = high - low if high > low else 1.0
            scaled = (values - low) * (255.0 / span)
        return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    raise InputImageError(f"{source}: unsupported pixel type {array.dtype}")


def check_size(shape: tuple[int, ...], max_pixels: int | None, oversize: str, source: str) -> None:
    """Reject an image above ``max_pixels`` when ``oversize`` is "reject".

    Raises
    ------
    InputImageError
        Naming the file, its size and the two ways out.
    """
    height, width = shape[:2]
    if oversize == "reject" and max_pixels is not None and height * width > max_pixels:
        raise InputImageError(
            f"{source}: {width}x{height} = {height * width} pixels is above images.max_pixels="
            f"{max_pixels}; raise the limit or set images.oversize: downscale"
        )


def downscale(rgb: np.ndarray, max_pixels: int | None) -> tuple[np.ndarray, list[str]]:
    """Shrink an RGB image to at most ``max_pixels`` pixels, keeping its aspect ratio.

    Parameters
    ----------
    rgb : ndarray of uint8, shape (H, W, 3)
    max_pixels : int or None
        Largest allowed ``H * W``; None keeps every image at full size.

    Returns
    -------
    rgb : ndarray of uint8
        The same array if it is small enough, else a Lanczos-resampled copy.
    notes : list of str
    """
    height, width = rgb.shape[:2]
    if max_pixels is None or height * width <= max_pixels:
        return rgb, []
    scale = math.sqrt(max_pixels / (height * width))
    new_width = max(1, math.floor(width * scale))
    new_height = max(1, math.floor(height * scale))
    resized = Image.fromarray(rgb).resize((new_width, new_height), Image.Resampling.LANCZOS)
    note = f"downscaled from {width}x{height} to {new_width}x{new_height} (max_pixels={max_pixels})"
    return np.asarray(resized), [note]


def ingest(
    path: str | Path, max_pixels: int | None = None, oversize: str = "downscale"
) -> tuple[np.ndarray, dict]:
    """Read ``path`` and return its standard 8-bit RGB form and a metadata record.

    Parameters
    ----------
    path : str or Path
        Image file.
    max_pixels : int or None
        See :func:`downscale`.
    oversize : {"downscale", "reject"}
        What to do with an image above ``max_pixels``.

    Returns
    -------
    rgb : ndarray of uint8, shape (H, W, 3)
    metadata : dict
        ``source``, ``source_sha256``, ``original_shape`` (as stored in the file),
        ``original_dtype``, ``original_mode``, ``height``, ``width``, ``steps`` (what was
        done) and, for an image EXIF turned on its side, ``upright_shape`` (height, width
        as shown).
    """
    path = Path(path)
    decoded = read_image(path)
    check_size(decoded.array.shape, max_pixels, oversize, str(path))
    rgb, steps = to_rgb8(decoded.array, source=str(path))
    rgb, resize_steps = downscale(rgb, max_pixels)
    metadata = {
        "source": path.as_posix(),
        "source_sha256": file_sha256(path),
        "original_shape": list(decoded.stored_shape),
        "original_dtype": str(decoded.array.dtype),
        "original_mode": decoded.mode,
        "height": int(rgb.shape[0]),
        "width": int(rgb.shape[1]),
        "steps": decoded.steps + steps + resize_steps,
    }
    if tuple(decoded.array.shape[:2]) != tuple(decoded.stored_shape[:2]):  # EXIF-rotated
        metadata["upright_shape"] = list(decoded.array.shape[:2])
    return rgb, metadata


def screen(
    name: str,
    path: str | Path,
    truth_paths: list[str],
    max_pixels: int | None,
    oversize: str = "downscale",
) -> tuple[dict, np.ndarray | None, list[np.ndarray]]:
    """Decide whether an image (and its ground truth, if any) can be used; decode both once.

    Returns
    -------
    record : dict
        The ingest metadata with ``status`` "accepted", or ``{"image", "source", "status":
        "rejected", "reason"}`` where ``reason`` is one line naming the file and the problem.
    rgb : ndarray of uint8, shape (H, W, 3), or None
        The standard form of an accepted image.
    annotations : list of ndarray
        Its ground-truth annotations aligned to ``rgb`` (empty without truth).
    """
    try:
        rgb, metadata = ingest(path, max_pixels, oversize)
        annotations = []
        if truth_paths:
            source = ", ".join(truth_paths)
            annotations = truth.align(truth.read_annotations(truth_paths), metadata, source)
            metadata["truth"] = list(truth_paths)
            metadata["annotations"] = len(annotations)
    except InputImageError as error:
        record = {
            "image": name,
            "source": Path(path).as_posix(),
            "status": REJECTED,
            "reason": str(error),
        }
        return record, None, []
    return {"image": name, "status": ACCEPTED, **metadata}, rgb, annotations


def screen_main(snakemake) -> None:
    """Snakemake entry (checkpoint): screen one image; write ``output.meta`` and, decoded
    once, its standard form ``output.standard``.

    A rejected image stops the run when ``params.on_error`` is "fail"; otherwise it is
    recorded, logged, and left out of everything downstream.
    """
    import logging

    record, rgb, annotations = screen(
        snakemake.wildcards.image,
        snakemake.input.image,
        list(snakemake.input.truth),
        snakemake.params.max_pixels,
        snakemake.params.oversize,
    )
    if record["status"] == REJECTED:
        if snakemake.params.on_error == "fail":
            raise InputImageError(record["reason"] + " (images.on_error: fail)")
        logging.warning("rejected: %s", record["reason"])
    save_standard_form(snakemake.output.standard, rgb, annotations)
    write_json(snakemake.output.meta, record)
