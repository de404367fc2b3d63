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
    "bomb.png": "decompression bomb",  # a small file whose header claims 60000 x 60000
    "multipage.tif": "accepted",  # three pages: the first is used, and that is recorded
}

#: Entries of the folder the screening never sees, -> a phrase of the reason reported.
IGNORED = {
    "notes.txt": "not PNG, JPEG or TIFF",
    "folder.png": "a folder",
    "broken link.png": "broken symbolic link",
    "brace{x}.png": "holds { or }",
}

#: File names a filesystem allows and a run must handle, -> the image name they get. Each is a
#: small valid photo; every one must be segmented as its own image.
NAME_CASES = {
    "0001.png": "0001",
    "1.png": "1",
    "100007.jpg": "100007",
    "NA.png": "NA",
    "nan.png": "nan",
    "True.png": "True",
    "1e3.png": "1e3",
    "[bracket].png": "_bracket_",
    "50%.png": "50_",
    'it\'s "quoted".png': "it_s__quoted_",
    "-dash.png": "-dash",
    "new\nline.png": "new_line",
    "画像.png": "画像",
    "a b.png": "a_b_1",
    "a_b.png": "a_b_2",
    "UPPER.PNG": "UPPER",
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
    write_bomb(folder / "bomb.png", 60000, 60000)
    pages = [_photo(seed=5 + page) for page in range(3)]
    tifffile.imwrite(folder / "multipage.tif", np.stack(pages), photometric="rgb")
    (folder / "folder.png").mkdir()
    (folder / "broken link.png").symlink_to(folder / "no such file.png")
    Image.fromarray(photo).save(folder / "brace{x}.png")
    return EXPECTED


def write_bomb(path: Path, width: int, height: int) -> None:
    """A valid PNG header claiming ``width`` x ``height`` pixels, with a tiny compressed body:
    a decompression bomb (decoding it would take width * height * 3 bytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (1 + 3 * 64), 9)  # the first rows only; the rest is missing
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows)
                     + chunk(b"IEND", b""))  # fmt: skip


def make_name_corpus(folder: Path) -> dict[str, str]:
    """Write one small photo per file name of :data:`NAME_CASES`; return NAME_CASES."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed, name in enumerate(NAME_CASES):
        photo = _photo(seed=10 + seed)
        path = folder / name
        if name.lower().endswith(".jpg"):
            Image.fromarray(photo).save(path, format="JPEG", quality=95)
        else:
            Image.fromarray(photo).save(path, format="PNG")
    return NAME_CASES
