from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from tools import synthetic

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize("name", sorted(synthetic.GENERATORS))
def test_bundled_labelled_images_match_their_generator(name):
    rgb, truth = synthetic.GENERATORS[name](0)
    assert rgb.dtype == np.uint8 and rgb.shape == (*truth.shape, 3)
    with Image.open(DATA / "images" / f"{name}.png") as image:
        np.testing.assert_array_equal(np.asarray(image), rgb)
    with Image.open(DATA / "truth" / f"{name}.png") as image:
        np.testing.assert_array_equal(np.asarray(image), truth)


@pytest.mark.parametrize("name", sorted(synthetic.GENERATORS))
def test_generators_are_seeded(name):
    first, truth = synthetic.GENERATORS[name](3)
    again, _ = synthetic.GENERATORS[name](3)
    other, _ = synthetic.GENERATORS[name](4)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert len(np.unique(truth)) >= 2


def test_write_all(tmp_path):
    paths = synthetic.write_all(tmp_path)
    assert len(paths) == 2 * len(synthetic.GENERATORS)
    assert all(path.is_file() for path in paths)
