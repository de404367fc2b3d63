"""The precomputed entry reads each format another tool may write, cuts a UCM the way the
benchmark does, and rejects bad files."""

import numpy as np
import pytest
from PIL import Image
from scipy.io import savemat

from segsweep.errors import ConfigError, ExternalFileError
from segsweep.fit import methods
from segsweep.fit.methods.precomputed import PrecomputedMethod, _read, read_external
from segsweep.fit.ucm import ucm_boundaries, ucm_regions, ucm_thresholds

SHAPE = (6, 8)


@pytest.fixture(autouse=True)
def fresh_reads():
    _read.cache_clear()  # files of the same name in each test's folder
    yield
    _read.cache_clear()


def stack(n=3):
    """n label maps of SHAPE, finest first (4, 2, 1 vertical bands...)."""
    columns = np.arange(SHAPE[1])
    maps = [np.tile(columns // (2 ** (level + 1)), (SHAPE[0], 1)) for level in range(n)]
    return np.stack(maps).astype(np.int32)


def ucm2():
    """A double-size UCM: a vertical contour of strength 0.3 and a horizontal one of 0.7."""
    ucm = np.zeros((2 * SHAPE[0] + 1, 2 * SHAPE[1] + 1))
    ucm[:, 8] = 0.3
    ucm[6, :] = 0.7
    return ucm


def fit(folder, level, image="img"):
    model = methods.create("precomputed", level, 0, {"folder": str(folder)})
    model.image_name = image
    pixels = np.zeros((*SHAPE, 3))
    return model.segment(pixels, model.prepare(pixels))


def test_a_npy_stack_gives_its_maps_by_one_based_level(tmp_path):
    maps = stack()
    np.save(tmp_path / "img.npy", maps)
    for level in (1, 2, 3):
        np.testing.assert_array_equal(fit(tmp_path, level), maps[level - 1])
    assert read_external(tmp_path, "img", SHAPE)[1].dtype == np.int64


def test_a_single_map_is_a_stack_of_one(tmp_path):
    np.save(tmp_path / "img.npy", stack()[0])
    kind, data = read_external(tmp_path, "img", SHAPE)
    assert kind == "stack" and data.shape == (1, *SHAPE)


def test_a_level_outside_the_stack_or_not_an_index_is_refused(tmp_path):
    np.save(tmp_path / "img.npy", stack(2))
    # 1.5 and 2.4 round to a valid index from above and below; the message names the file
    for level in (3, 1.5, 2.4, 0, -1):
        with pytest.raises(ExternalFileError, match="is not an index of its 2") as raised:
            fit(tmp_path, level)
        assert str(raised.value).startswith(f"{tmp_path / 'img'}: level {level:g} ")


def test_segs_in_a_mat_file_are_read_in_order(tmp_path):
    maps = stack()
    segs = np.empty((1, 3), dtype=object)
    for index, labels in enumerate(maps):
        segs[0, index] = labels.astype(np.uint16)
    savemat(tmp_path / "img.mat", {"segs": segs})
    kind, data = read_external(tmp_path, "img", SHAPE)
    assert kind == "stack"
    np.testing.assert_array_equal(data, maps)


def test_a_ucm2_is_cut_at_each_level(tmp_path):
    savemat(tmp_path / "img.mat", {"ucm2": ucm2()})
    assert read_external(tmp_path, "img", SHAPE)[0] == "ucm"
    counts = {level: len(np.unique(fit(tmp_path, level))) for level in (0.1, 0.5, 0.9)}
    assert counts == {0.1: 4, 0.5: 2, 0.9: 1}
    model = methods.create("precomputed", 0.5, 0, {"folder": str(tmp_path)})
    edges = model.boundary_map("img", SHAPE)
    assert edges.shape == SHAPE and edges.any() and not edges.all()
    assert model.boundary_map("img", SHAPE).sum() == edges.sum()


def test_a_stack_has_no_boundary_map_of_its_own(tmp_path):
    np.save(tmp_path / "img.npy", stack())
    model = methods.create("precomputed", 1, 0, {"folder": str(tmp_path)})
    assert model.boundary_map("img", SHAPE) is None


def test_pngs_of_a_folder_are_read_in_name_order_grey_or_colour(tmp_path):
    maps = stack(2)
    (tmp_path / "img").mkdir()
    Image.fromarray(maps[0].astype(np.uint8)).save(tmp_path / "img/a.png")
    colour = np.stack([maps[1] * 100, np.zeros(SHAPE), maps[1] * 50], axis=-1).astype(np.uint8)
    Image.fromarray(colour).save(tmp_path / "img/b.png")
    kind, data = read_external(tmp_path, "img", SHAPE)
    assert kind == "stack" and data.shape == (2, *SHAPE)
    np.testing.assert_array_equal(data[0], maps[0])
    assert len(np.unique(data[1])) == 2  # each colour a segment
    np.testing.assert_array_equal(data[1] == data[1][0, 0], maps[1] == maps[1][0, 0])


def test_pngs_of_different_sizes_are_refused(tmp_path):
    (tmp_path / "img").mkdir()
    Image.fromarray(np.zeros(SHAPE, np.uint8)).save(tmp_path / "img/a.png")
    Image.fromarray(np.zeros((3, 3), np.uint8)).save(tmp_path / "img/b.png")
    with pytest.raises(ExternalFileError, match="differ in size"):
        read_external(tmp_path, "img", SHAPE)


def test_an_image_name_with_a_dot_keeps_it(tmp_path):
    np.save(tmp_path / "scan.v2.npy", stack())
    np.save(tmp_path / "scan.npy", stack()[:1])
    assert read_external(tmp_path, "scan.v2", SHAPE)[1].shape == (3, *SHAPE)


def test_a_mat_file_is_read_before_a_npy_file(tmp_path):
    savemat(tmp_path / "img.mat", {"ucm2": ucm2()})
    np.save(tmp_path / "img.npy", stack())
    assert read_external(tmp_path, "img", SHAPE)[0] == "ucm"


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (lambda folder: None, "no segmentation of image img; expected one of img.mat"),
        (lambda folder: np.save(folder / "img.npy", stack()[:, :5]), "of size 5 x 8, but image"),
        (
            lambda folder: np.save(folder / "img.npy", np.zeros((2, 7, 8), int)),
            "of size 7 x 8, but image",
        ),
        (lambda folder: (folder / "img").mkdir(), "no segmentation of image img"),  # no PNG
        (
            lambda folder: savemat(folder / "img.mat", {"ucm2": np.zeros((13, 15))}),
            "ucm of size 13 x 15, but image img is 6 x 8 \\(a ucm2 is 13 x 17\\)",
        ),
        (
            lambda folder: savemat(folder / "img.mat", {"other": np.zeros(2)}),
            "holds neither ucm2 nor segs",
        ),
        (
            lambda folder: np.save(folder / "img.npy", stack().astype(float)),
            "expected integer label maps",
        ),
        (
            lambda folder: np.save(folder / "img.npy", np.zeros((1, 1, *SHAPE), int)),
            "expected integer label maps",
        ),
        (
            lambda folder: np.save(folder / "img.npy", np.arange(8)),
            "expected integer label maps of shape \\(n, H, W\\), got int64 \\(8,\\)",
        ),
        (lambda folder: (folder / "img.npy").write_bytes(b"not an array"), "cannot be read"),
        (  # pickled objects are never loaded: they run code
            lambda folder: np.save(folder / "img.npy", np.array([None, 1], dtype=object)),
            "cannot be read \\(Object arrays cannot be loaded",
        ),
    ],
)
def test_a_bad_file_is_one_line_naming_it(tmp_path, write, message):
    write(tmp_path)
    with pytest.raises(ExternalFileError, match=message) as raised:
        read_external(tmp_path, "img", SHAPE)
    assert "\n" not in str(raised.value)
    assert str(tmp_path) in str(raised.value)


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="methods.x.folder: .* is not a folder"):
        PrecomputedMethod.check_files({"folder": str(tmp_path / "none")}, "methods.x")
    PrecomputedMethod.check_files({"folder": str(tmp_path)}, "methods.x")


def test_ucm_thresholds_regions_and_boundaries():
    np.testing.assert_allclose(ucm_thresholds(3), [0.25, 0.5, 0.75])
    np.testing.assert_allclose(ucm_thresholds(), np.arange(1, 100) / 100)  # the benchmark's
    # a 3 x 3 image: the right column apart at 0.6, the top-left pair apart at 0.3
    ucm2 = np.zeros((7, 7))
    ucm2[2, :5] = 0.3
    ucm2[:, 4] = 0.6
    np.testing.assert_array_equal(ucm_boundaries(ucm2, 0.3), [[1, 1, 0], [0, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(ucm_boundaries(ucm2, 0.31), [[0, 1, 0], [0, 1, 0], [0, 1, 0]])
    np.testing.assert_array_equal(ucm_regions(ucm2, 0.25), [[1, 1, 2], [3, 3, 2], [3, 3, 2]])
    np.testing.assert_array_equal(ucm_regions(ucm2, 0.3), [[1, 1, 2], [1, 1, 2], [1, 1, 2]])
    # a 2 x 3 image whose UCM separates the right column at strength 0.6
    ucm2 = np.zeros((5, 7))
    ucm2[:, 4] = 0.6
    np.testing.assert_array_equal(ucm_regions(ucm2, 0.5), [[1, 1, 2], [1, 1, 2]])
    np.testing.assert_array_equal(ucm_regions(ucm2, 0.7), np.ones((2, 3)))
    np.testing.assert_array_equal(ucm_boundaries(ucm2, 0.5), [[0, 1, 0], [0, 1, 0]])
    assert not ucm_boundaries(ucm2, 0.7).any()


def test_ucm_regions_join_pixels_through_a_corner_as_bwlabel_does():
    """The benchmark labels ``ucm2 <= t`` with MATLAB's bwlabel, 8-connected: four pixels
    walled off from each other but for the corner they share are one region."""
    from segsweep.fit.ucm import ucm_regions

    ucm2 = np.ones((5, 5))
    ucm2[1::2, 1::2] = 0.0  # the four pixel centres
    ucm2[2, 2] = 0.0  # the corner between them
    assert ucm_regions(ucm2, 0.5).tolist() == [[1, 1], [1, 1]]
    ucm2[2, 2] = 1.0
    assert len(np.unique(ucm_regions(ucm2, 0.5))) == 4
