from pathlib import Path

import numpy as np
import pytest
import yaml

from segsweep.errors import ConfigError
from segsweep.fit.spaces import CHANNELS, SPACES, to_features

ROOT = Path(__file__).resolve().parents[1]


def rgb_cube(step=5):
    """Every colour of the 8-bit RGB cube on a grid of ``step``, as a column image."""
    levels = np.arange(0, 256, step)
    return np.stack(np.meshgrid(levels, levels, levels), -1).reshape(-1, 1, 3).astype(np.uint8)


@pytest.mark.parametrize("space", sorted(SPACES))
def test_every_space_gives_its_channels_within_their_ranges(space, noisy_photo):
    features = to_features(noisy_photo, space)
    assert features.dtype == np.float32
    assert features.shape == (*noisy_photo.shape[:2], len(CHANNELS[space]))
    cube = to_features(rgb_cube(), space).reshape(-1, len(CHANNELS[space]))
    low, high = np.array(SPACES[space].ranges).T
    assert (cube.min(axis=0) >= low - 1e-3).all() and (cube.max(axis=0) <= high + 1e-3).all()
    # the ranges are reached: a range wider than the space's would mislead the figures
    assert (cube.min(axis=0) <= low + 0.02).all() and (cube.max(axis=0) >= high - 0.05).all()


def test_a_space_not_in_the_registry_is_refused_before_any_job():
    """The registry is the one list of spaces (the schema has none): an unknown name stops
    the configuration check with one line, and a new entry is accepted with no other edit."""
    from segsweep import configuration

    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["spaces"] = ["rgb", "cmyk"]
    with pytest.raises(ConfigError, match=r"^spaces\[1\] = 'cmyk': must be one of \['rgb'"):
        configuration.check(config)
    config["spaces"] = list(SPACES)
    configuration.check(config)


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


def assert_ranges_are_the_features_own(name, space):
    """Every 8-bit colour (a 32-step grid of the cube with its corners) converts inside
    the declared range of each channel, and reaches within 0.02 of both ends: the ranges
    are the features' own (the figures' axes read them)."""
    steps = np.unique(np.r_[np.arange(0, 256, 8), 255]).astype(np.uint8)
    cube = np.stack(np.meshgrid(steps, steps, steps, indexing="ij"), axis=-1).reshape(1, -1, 3)
    features = to_features(cube, name).reshape(-1, len(space.channels))
    assert len(space.ranges) == len(space.channels) == features.shape[1], name
    for channel, (low, high) in enumerate(space.ranges):
        values = features[:, channel]
        assert low - 1e-6 <= values.min() <= low + 0.02, (name, channel, values.min())
        assert high - 0.02 <= values.max() <= high + 1e-6, (name, channel, values.max())


@pytest.mark.parametrize("name", list(SPACES))
def test_each_colour_spaces_declared_ranges_are_its_features_ranges_over_the_rgb_cube(name):
    assert_ranges_are_the_features_own(name, SPACES[name])


def test_the_docs_colour_space_example_joins_the_registry_and_passes_its_checks(monkeypatch):
    """docs/extending.md's YCbCr example, its two code blocks as written there, added to
    the registry: it converts, and its declared ranges hold."""
    import re

    from segsweep import configuration
    from segsweep.fit import spaces

    text = (ROOT / "docs/extending.md").read_text()
    section = text[text.index("## Adding a colour space") :]
    function, entry = re.findall(r"```python\n(.*?)```", section, re.S)[:2]
    namespace = dict(vars(spaces))
    exec(function, namespace)
    (space,) = eval(entry, namespace)  # the entry, as ruff formats it: a one-entry tuple
    monkeypatch.setitem(spaces.SPACES, space.name, space)
    assert_ranges_are_the_features_own(space.name, space)
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    configuration.check({**config, "spaces": ["rgb", space.name]})


def test_a_colour_space_of_the_registry_is_fixed_once_made():
    import dataclasses

    space = SPACES["lab"]
    assert to_features(np.zeros((1, 1, 3), np.uint8), "lab").shape == (1, 1, 3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        space.ranges = ((0.0, 1.0),) * 3
