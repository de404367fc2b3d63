"""A corpus of awkward input files, generated on the fly (nothing large is committed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tifffile
from PIL import Image


def _photo(height=24, width=32, seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([xx * 7, yy * 9, (xx + yy) * 3], axis=-1) % 256
    return np.clip(base + rng.normal(0, 8, base.shape), 0, 255).astype(np.uint8)


#: file name -> expected outcome ("accepted" or a phrase of the rejection reason)
EXPECTED = {
    "zero byte.png": "the file is empty",
    "truncated.png": "cannot be decoded",
    "truncated.jpg": "cannot be decoded",
    "text.png": "not a readable PNG, JPEG or TIFF",
    "not a tiff.tif": "cannot be decoded",
    "float nan.tif": "NaN",
    "huge.png": "accepted",  # downscaled (or rejected with oversize: reject)
    "grey.png": "accepted",
    "grey alpha.png": "accepted",
    "rgba.png": "accepted",
    "palette.png": "accepted",
    "cmyk.jpg": "accepted",
    "deep16.png": "accepted",
    "deep16.tif": "accepted",
    "float.tif": "accepted",
    "rotated.jpg": "accepted",
    "one pixel.png": "accepted",
    "flat colour.png": "accepted",
    "café crème.png": "accepted",
    "twin.png": "accepted",
    "twin.jpg": "accepted",
}


def make_corpus(folder: Path) -> dict[str, str]:
    """Write every file of :data:`EXPECTED` into ``folder``; return EXPECTED."""
    folder.mkdir(parents=True, exist_ok=True)
    photo = _photo()
    (folder / "zero byte.png").write_bytes(b"")
    Image.fromarray(photo).save(folder / "whole.png")
    whole = (folder / "whole.png").read_bytes()
    (folder / "whole.png").unlink()
    (folder / "truncated.png").write_bytes(whole[: len(whole) // 2])
    Image.fromarray(_photo(64, 64)).save(folder / "big.jpg", quality=90)
    big = (folder / "big.jpg").read_bytes()
    (folder / "big.jpg").unlink()
    (folder / "truncated.jpg").write_bytes(big[: len(big) // 2])
    (folder / "text.png").write_text("this is not an image\n")
    (folder / "not a tiff.tif").write_bytes(whole)
    nan = photo.astype(np.float32) / 255
    nan[3, 4, 1] = np.nan
    tifffile.imwrite(folder / "float nan.tif", nan, photometric="rgb")
    Image.fromarray(_photo(120, 150, seed=1)).save(folder / "huge.png")
    Image.fromarray(photo[..., 0]).save(folder / "grey.png")
    Image.fromarray(np.dstack([photo[..., 0], photo[..., 1]])).save(folder / "grey alpha.png")
    Image.fromarray(np.dstack([photo, photo[..., :1]])).save(folder / "rgba.png")
    Image.fromarray(photo).convert("P").save(folder / "palette.png")
    Image.fromarray(photo).convert("CMYK").save(folder / "cmyk.jpg", quality=95)
    import cv2

    cv2.imwrite(str(folder / "deep16.png"), (photo.astype(np.uint16) * 257)[..., ::-1])
    tifffile.imwrite(folder / "deep16.tif", photo.astype(np.uint16) * 257, photometric="rgb")
    tifffile.imwrite(folder / "float.tif", photo.astype(np.float32) / 255, photometric="rgb")
    rotated = Image.fromarray(photo)
    exif = rotated.getexif()
    exif[0x0112] = 6
    rotated.save(folder / "rotated.jpg", exif=exif, quality=95)
    Image.fromarray(photo[:1, :1]).save(folder / "one pixel.png")
    Image.fromarray(np.full((16, 16, 3), 90, np.uint8)).save(folder / "flat colour.png")
    Image.fromarray(_photo(seed=2)).save(folder / "café crème.png")
    Image.fromarray(_photo(seed=3)).save(folder / "twin.png")
    Image.fromarray(_photo(seed=4)).save(folder / "twin.jpg", quality=95)
    (folder / "notes.txt").write_text("not an image either, and not pretending")
    return EXPECTED
