import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image

from segsweep.data.discovery import discover_images, image_ids
from segsweep.data.ingest import downscale, ingest, read_image, to_rgb8
from segsweep.errors import ConfigError, InputImageError
from segsweep.store.files import read_rgb, write_png


def test_rgb8_is_kept_as_is(noisy_photo):
    rgb, notes = to_rgb8(noisy_photo)
    np.testing.assert_array_equal(rgb, noisy_photo)
    assert notes == []


@pytest.mark.parametrize("shape", [(5, 7), (5, 7, 1)])
def test_grey_is_replicated(shape):
    grey = np.arange(35, dtype=np.uint8).reshape(shape)
    rgb, notes = to_rgb8(grey)
    assert rgb.shape == (5, 7, 3)
    for channel in range(3):
        np.testing.assert_array_equal(rgb[..., channel], grey.reshape(5, 7))
    assert any("grey replicated" in note for note in notes)


def test_alpha_is_dropped_with_a_note(noisy_photo):
    rgba = np.dstack([noisy_photo, np.full(noisy_photo.shape[:2], 7, np.uint8)])
    rgb, notes = to_rgb8(rgba)
    np.testing.assert_array_equal(rgb, noisy_photo)
    assert any("alpha channel dropped" in note for note in notes)
    grey_alpha = np.dstack([noisy_photo[..., 0], noisy_photo[..., 1]])
    rgb, notes = to_rgb8(grey_alpha)
    np.testing.assert_array_equal(rgb[..., 2], noisy_photo[..., 0])
    assert len(notes) == 2


def test_16_bit_is_scaled():
    values = np.array([[0, 257, 65535, 32896]], dtype=np.uint16)
    rgb, notes = to_rgb8(values)
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 1, 255, 128])
    assert any("16-bit" in note for note in notes)


def test_float_images():
    rgb, _ = to_rgb8(np.array([[0.0, 0.5, 1.0]]))
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 128, 255])
    rgb, notes = to_rgb8(np.array([[-1.0, 1.0, 3.0]]))
    np.testing.assert_array_equal(rgb[0, :, 0], [0, 128, 255])
    assert "stretched" in notes[0]
    with pytest.raises(InputImageError, match="NaN"):
        to_rgb8(np.array([[0.1, np.nan]]), source="x.tif")


@pytest.mark.parametrize("shape", [(4,), (4, 4, 5), (0, 4, 3)])
def test_unsupported_shapes_are_rejected(shape):
    with pytest.raises(InputImageError, match="img.png"):
        to_rgb8(np.zeros(shape, np.uint8), source="img.png")


def test_downscale_keeps_aspect_and_limit(noisy_photo):
    small, notes = downscale(noisy_photo, 600)
    assert small.shape[0] * small.shape[1] <= 600
    assert small.shape == (20, 30, 3)
    assert "downscaled from 60x40 to 30x20" in notes[0]
    same, notes = downscale(noisy_photo, None)
    assert same is noisy_photo and notes == []


def test_png_round_trip_and_metadata(tmp_path, noisy_photo):
    path = tmp_path / "photo.png"
    write_png(path, noisy_photo)
    rgb, meta = ingest(path, max_pixels=None)
    np.testing.assert_array_equal(rgb, noisy_photo)
    assert meta["original_mode"] == "RGB"
    assert (meta["height"], meta["width"]) == (40, 60)
    assert len(meta["source_sha256"]) == 64
    json.dumps(meta)
    np.testing.assert_array_equal(read_rgb(path), noisy_photo)


def test_16_bit_colour_png_keeps_its_precision(tmp_path):
    import cv2

    values = np.zeros((2, 3, 3), np.uint16)
    values[0, 0] = [65535, 257, 0]  # red channel full, green 1/255
    cv2.imwrite(str(tmp_path / "deep.png"), values[..., ::-1])
    decoded = read_image(tmp_path / "deep.png")
    raw, mode = decoded.array, decoded.mode
    assert raw.dtype == np.uint16 and mode == "png16:3"
    rgb, _ = ingest(tmp_path / "deep.png")
    np.testing.assert_array_equal(rgb[0, 0], [255, 1, 0])


def test_16_bit_tiff(tmp_path):
    values = np.full((3, 4, 3), 65535, np.uint16)
    tifffile.imwrite(tmp_path / "deep.tif", values)
    rgb, meta = ingest(tmp_path / "deep.tif")
    assert (rgb == 255).all()
    assert meta["original_dtype"] == "uint16"


def test_exif_orientation_is_honoured(tmp_path):
    pixels = np.zeros((10, 20, 3), np.uint8)
    pixels[:, :10] = 255  # white left half
    image = Image.fromarray(pixels)
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise for display
    image.save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    rgb, _ = ingest(tmp_path / "rotated.jpg")
    assert rgb.shape == (20, 10, 3)
    assert rgb[:8].mean() > 200 and rgb[12:].mean() < 50  # white half now on top


def test_palette_image(tmp_path, noisy_photo):
    Image.fromarray(noisy_photo).convert("P").save(tmp_path / "pal.png")
    rgb, meta = ingest(tmp_path / "pal.png")
    assert rgb.shape == noisy_photo.shape and meta["original_mode"] == "P"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"this is not an image", "not a readable"),
    ],
)
def test_unreadable_files_are_named(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(InputImageError, match=f"bad.png.*{message}|{message}.*bad.png"):
        ingest(path)


def test_truncated_png_is_named(tmp_path, noisy_photo):
    write_png(tmp_path / "whole.png", noisy_photo)
    data = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(InputImageError, match="cut.png.*cannot be decoded"):
        ingest(tmp_path / "cut.png")


def test_discover_images(tmp_path, noisy_photo):
    for name in ("b photo.png", "a.png", "a.JPG", "c.tiff", "0001.png", "1.png", ".hidden.png"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("not an image")
    images, ignored = discover_images(tmp_path)
    assert list(images) == ["0001", "1", "a_jpg", "a_png", "b_photo", "c"]
    assert images["b_photo"].endswith("b photo.png")
    assert list(ignored) == ["notes.txt"]  # hidden files are passed over


def test_names_the_ending_cannot_tell_apart_are_numbered():
    paths = [Path(name) for name in ("a_b.png", "a b.png", "a_b_1.png", "x.png", "x.jpg")]
    names = image_ids(paths)
    assert names == {
        "a_b_1": Path("a_b_1.png"),  # a real file keeps its name
        "a_b_2": Path("a b.png"),
        "a_b_3": Path("a_b.png"),
        "x_jpg": Path("x.jpg"),
        "x_png": Path("x.png"),
    }


def test_nothing_in_the_folder_goes_unmentioned(tmp_path, noisy_photo):
    write_png(tmp_path / "good.png", noisy_photo)
    (tmp_path / "broken.png").symlink_to(tmp_path / "gone.png")
    (tmp_path / "link.png").symlink_to(tmp_path / "good.png")
    (tmp_path / "sub.png").mkdir()
    write_png(tmp_path / "brace{x}.png", noisy_photo)
    images, ignored = discover_images(tmp_path)
    assert set(images) == {"good", "link"}
    assert ignored["broken.png"].startswith("broken symbolic link")
    assert ignored["sub.png"].startswith("a folder")
    assert "{ or }" in ignored["brace{x}.png"] and "brace_x_.png" in ignored["brace{x}.png"]


def test_a_decompression_bomb_is_refused_from_its_header(tmp_path):
    from corpus import write_bomb

    write_bomb(tmp_path / "bomb.png", 60000, 60000)
    with pytest.raises(InputImageError, match=r"bomb.png: its header claims 60000x60000"):
        ingest(tmp_path / "bomb.png")


def test_the_first_of_several_tiff_pages_is_used_and_recorded(tmp_path, noisy_photo):
    import tifffile

    tifffile.imwrite(tmp_path / "p.tif", np.stack([noisy_photo, noisy_photo[::-1]]),
                     photometric="rgb")  # fmt: skip
    rgb, meta = ingest(tmp_path / "p.tif")
    np.testing.assert_array_equal(rgb, noisy_photo)
    assert "TIFF holds 2 pages: the first is used" in meta["steps"]


def test_discover_images_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match="images.folder: no image in"):
        discover_images(tmp_path)
    with pytest.raises(ConfigError, match="images.folder: folder .* does not exist"):
        discover_images(tmp_path / "missing")


def test_floats_spanning_the_whole_float64_range_are_stretched_not_wrapped():
    extreme = np.finfo(np.float64).max
    array = np.array([[-extreme, 0.0, extreme]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow on the way
        rgb, _ = to_rgb8(array)
    assert rgb[0, :, 0].tolist() == [0, 128, 255]
