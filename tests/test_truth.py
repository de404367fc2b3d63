import shutil
from pathlib import Path

import numpy as np
import pytest
from bsds_fixture import BSDS_BENCH
from PIL import Image

from segsweep.data.discovery import discover_bsds, discover_truth
from segsweep.data.truth import align, read_annotations
from segsweep.errors import ConfigError, InputImageError

FIXTURE = BSDS_BENCH


def test_discover_truth_follows_the_naming_rule(tmp_path):
    images = {"a": "imgs/a.png", "b_c": "imgs/b c.jpg", "d": "imgs/d.png", "e": "imgs/e.png"}
    truth = tmp_path / "truth"
    (truth / "b c").mkdir(parents=True)
    Image.fromarray(np.zeros((2, 2), np.uint8)).save(truth / "a.png")
    for name in ("one.png", "two.png"):
        Image.fromarray(np.zeros((2, 2), np.uint8)).save(truth / "b c" / name)
    (truth / "e.mat").write_bytes(b"")
    found, ignored = discover_truth(images, truth)
    assert ignored == {}
    assert found["a"] == [(truth / "a.png").as_posix()]
    assert [Path(p).name for p in found["b_c"]] == ["one.png", "two.png"]
    assert found["e"] == [(truth / "e.mat").as_posix()]
    assert "d" not in found
    assert discover_truth(images, None) == ({}, {})
    assert discover_truth(images, tmp_path / "missing") == ({}, {})
    # truth of no image is said, not silently passed over; other files are not truth
    Image.fromarray(np.zeros((2, 2), np.uint8)).save(truth / "lost.png")
    (truth / "notes.txt").write_text("not truth")
    found_again, ignored = discover_truth(images, truth)
    assert found_again == found
    assert list(ignored) == [(truth / "lost.png").as_posix()]
    assert "ground truth of no image" in ignored[(truth / "lost.png").as_posix()]


def test_each_registered_truth_format_is_found_and_read(tmp_path):
    """Every ending of the truth registry is found by the naming rule and read."""
    import tifffile
    from scipy.io import savemat

    from segsweep.data.truth import TRUTH_READERS

    labels = np.array([[1, 1, 2], [3, 3, 2]], dtype=np.uint16)
    truth = tmp_path / "truth"
    truth.mkdir()
    writers = {
        ".png": lambda path: Image.fromarray(labels).save(path),
        ".tif": lambda path: tifffile.imwrite(path, labels),
        ".tiff": lambda path: tifffile.imwrite(path, labels),
        ".mat": lambda path: savemat(path, {"groundTruth": np.array(
            [[{"Segmentation": labels}]], dtype=object)}),
    }  # fmt: skip
    assert set(writers) == set(TRUTH_READERS)  # a new format needs a writer here
    images = {}
    for number, (suffix, write) in enumerate(writers.items()):
        write(truth / f"i{number}{suffix}")
        images[f"i{number}"] = f"imgs/i{number}.png"
    found, ignored = discover_truth(images, truth)
    assert ignored == {} and len(found) == len(writers)
    for name, paths in found.items():
        np.testing.assert_array_equal(read_annotations(paths)[0], labels, err_msg=name)


def test_the_first_data_source_the_config_turns_on_is_used(tmp_path):
    from segsweep.data.discovery import SOURCES, discover

    folder = tmp_path / "images"
    folder.mkdir()
    Image.fromarray(np.zeros((2, 2, 3), np.uint8)).save(folder / "x.png")
    config = {"bsds": {"root": None, "split": "test", "limit": None},
              "images": {"folder": str(folder), "truth_folder": None}}  # fmt: skip
    names = [source.name for source in SOURCES]  # other sources may come between
    assert names[-1] == "folder" and names.index("bsds") < names.index("folder")
    images, truth, ignored = discover(config)
    assert list(images) == ["x"] and truth == {} and ignored == {}
    config["bsds"]["root"] = str(tmp_path / "nothing")
    with pytest.raises(ConfigError, match="bsds.root"):
        discover(config)  # the BSDS source is on, and says what is missing


def test_read_annotations_png_and_16_bit(tmp_path):
    labels = np.arange(12, dtype=np.uint16).reshape(3, 4) * 1000
    Image.fromarray(labels).save(tmp_path / "deep.png")
    Image.fromarray(labels.astype(np.uint8)).save(tmp_path / "flat.png")
    deep, flat = read_annotations([tmp_path / "deep.png", tmp_path / "flat.png"])
    np.testing.assert_array_equal(deep, labels)
    assert flat.shape == (3, 4)


def test_colour_truth_is_rejected(tmp_path):
    Image.fromarray(np.zeros((3, 4, 3), np.uint8)).save(tmp_path / "rgb.png")
    with pytest.raises(InputImageError, match="rgb.png: ground truth must be a single-channel"):
        read_annotations([tmp_path / "rgb.png"])


def test_align_resizes_with_nearest_labels_and_checks_size():
    truth = np.repeat(np.repeat(np.array([[1, 2], [3, 4]]), 10, axis=0), 20, axis=1)  # 20x40
    meta = {"original_shape": [20, 40, 3], "height": 10, "width": 20, "source": "x.png"}
    (small,) = align([truth], meta)
    assert small.shape == (10, 20)
    assert set(np.unique(small)) == {1, 2, 3, 4}
    assert small[0, 0] == 1 and small[-1, -1] == 4
    (same,) = align([small], meta)
    assert same is small
    with pytest.raises(InputImageError, match="ground truth is 7x5 but its photo x.png is 40x20"):
        align([np.zeros((5, 7), int)], meta)


def make_bsds_root(tmp_path, ids):
    root = tmp_path / "BSDS500"
    for sub in ("images/test", "groundTruth/test"):
        (root / sub).mkdir(parents=True)
    for image_id in ids:
        shutil.copy(FIXTURE / "images" / f"{image_id}.jpg", root / "images/test")
        shutil.copy(FIXTURE / "groundTruth" / f"{image_id}.mat", root / "groundTruth/test")
    return root


def test_discover_bsds_and_read_all_annotations(tmp_path):
    root = make_bsds_root(tmp_path, ["2018", "3063", "5096"])
    images, truth = discover_bsds(root, "test", limit=2)
    assert list(images) == ["2018", "3063"]
    annotations = read_annotations(truth["2018"])
    assert len(annotations) == 5 and annotations[0].dtype == np.uint16
    with pytest.raises(ConfigError, match="bsds.root: .*images/val.* does not exist"):
        discover_bsds(root, "val", None)


@pytest.mark.parametrize("layout", ["BSDS500/data", "BSR/BSDS500/data"])
def test_bsds_root_may_be_a_git_clone_or_the_unpacked_tarball(tmp_path, layout):
    data = make_bsds_root(tmp_path, ["2018"])
    top = tmp_path / "copy"
    (top / layout).parent.mkdir(parents=True)
    data.rename(top / layout)
    images, truth = discover_bsds(top, "test", None)
    assert images == {"2018": (top / layout / "images/test/2018.jpg").as_posix()}
    assert truth["2018"] == [(top / layout / "groundTruth/test/2018.mat").as_posix()]
    with pytest.raises(ConfigError, match="directly or under BSDS500/data or BSR/BSDS500/data"):
        discover_bsds(tmp_path / "nothing", "test", None)


def _write_mat(path, **variables):
    from scipy.io import savemat

    savemat(path, variables)
    return path


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("not-an-image.png", lambda path: path.write_bytes(b"not a png")),  # OSError
        ("zeros.mat", lambda path: path.write_bytes(b"\0" * 200)),  # scipy's MatReadError
        ("not-a-mat.mat", lambda path: path.write_bytes(b"MATLAB 5.0" + b"x" * 200)),  # ValueError
        ("no-truth.mat", lambda path: _write_mat(path, other=np.zeros(2))),  # KeyError
        ("no-cell.mat", lambda path: _write_mat(path, groundTruth=np.zeros((0, 0)))),  # IndexError
    ],
)
def test_each_kind_of_unreadable_truth_is_one_clear_error(tmp_path, name, write):
    write(tmp_path / name)
    with pytest.raises(InputImageError, match=f"{name}: cannot be read as ground truth"):
        read_annotations([tmp_path / name])


def test_truth_with_no_annotation_is_an_error_not_an_unscored_image(tmp_path):
    path = _write_mat(tmp_path / "empty.mat", groundTruth=np.zeros((1, 0)))
    with pytest.raises(InputImageError, match="empty.mat: holds no annotation"):
        read_annotations([path])


def test_align_goes_on_after_an_annotation_already_at_the_ingested_size():
    meta = {"original_shape": [4, 6, 3], "height": 2, "width": 3, "source": "x.png"}
    ready, full = np.ones((2, 3), int), np.full((4, 6), 7)
    first, second = align([ready, full], meta)
    assert first is ready
    np.testing.assert_array_equal(second, np.full((2, 3), 7))
    with pytest.raises(InputImageError, match="ground truth is 5x5"):
        align([ready, np.zeros((5, 5), int)], meta)
