import numpy as np
import pytest

from segsweep.errors import ConfigError
from segsweep.features import CHANNELS, to_features


@pytest.mark.parametrize("space", ["rgb", "hsv", "lab", "grey"])
def test_shape_and_type(space, noisy_photo):
    features = to_features(noisy_photo, space)
    assert features.dtype == np.float32
    assert features.shape == (*noisy_photo.shape[:2], len(CHANNELS[space]))


def test_known_values_of_pure_red():
    red = np.array([[[255, 0, 0]]], dtype=np.uint8)
    np.testing.assert_allclose(to_features(red, "rgb")[0, 0], [1, 0, 0])
    np.testing.assert_allclose(to_features(red, "hsv")[0, 0], [0, 1, 1], atol=1e-6)
    # CIE Lab of sRGB red (D65) is about (53.24, 80.09, 67.20); scaled by 1/100
    np.testing.assert_allclose(to_features(red, "lab")[0, 0], [0.5324, 0.8009, 0.6720], atol=2e-3)
    # Rec. 709 luma weight of red
    np.testing.assert_allclose(to_features(red, "grey")[0, 0], [0.2125], atol=1e-4)


def test_scaled_ranges(noisy_photo):
    for space in ("rgb", "hsv", "grey"):
        features = to_features(noisy_photo, space)
        assert features.min() >= 0.0 and features.max() <= 1.0
    lab = to_features(noisy_photo, "lab")
    assert lab[..., 0].min() >= 0.0 and lab[..., 0].max() <= 1.0
    assert np.abs(lab[..., 1:]).max() <= 1.3


def test_unknown_space_names_the_key():
    with pytest.raises(ConfigError, match="spaces: unknown colour space 'xyz'"):
        to_features(np.zeros((2, 2, 3), np.uint8), "xyz")


def test_opencv_conversions_agree_with_scikit_image(noisy_photo):
    from skimage import color

    unit = noisy_photo / 255.0
    lab = to_features(noisy_photo, "lab") * 100
    assert np.abs(lab - color.rgb2lab(unit)).max() < 0.5
    hsv = to_features(noisy_photo, "hsv")
    difference = np.abs(hsv - color.rgb2hsv(unit))
    difference[..., 0] = np.minimum(difference[..., 0], 1 - difference[..., 0])  # circular hue
    assert difference.max() < 1e-4
    assert hsv[..., 0].max() < 1.0
