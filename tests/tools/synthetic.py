"""Labelled test images, generated deterministically from a seed.

Each generator returns ``(rgb, truth)``: an 8-bit RGB image and an integer label image of
the same height and width. ``python -m tools.synthetic DATA_DIR`` (with ``tests`` and
``workflow/scripts`` on the path; ``make data``) writes them as ``DATA_DIR/images/NAME.png``
and ``DATA_DIR/truth/NAME.png``; the bundled copies in ``data/`` were made this way (a test
checks that they still match this code).

The images cover the cases the classic colour-clustering tutorials discuss:

- ``shaded_ball``: an orange ball lit from one side, so its brightness runs from dark to
  bright and its pixels form a long, narrow cloud in RGB, on a textured blue-grey ground.
  KMeans with k = 2 in RGB tends to split light from dark; a full-covariance mixture can
  follow the cloud.
- ``mri_phantom``: scikit-image's Shepp-Logan phantom (exact piecewise-constant regions) as a
  grey MRI-like slice with a smooth intensity bias and noise.
- ``horse_cutout``: scikit-image's horse silhouette filled with a real texture (the fur on
  ``chelsea``'s forehead) on a plain, slightly graded background: a background-removal case.
- ``colour_regions``: seven Voronoi regions of distinct colours with mild shading and noise.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage
from skimage import data, transform

Generator = Callable[[int], tuple[np.ndarray, np.ndarray]]


def _to_uint8(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)


def shaded_ball(
    seed: int = 0, height: int = 180, width: int = 240
) -> tuple[np.ndarray, np.ndarray]:
    """An orange ball with Lambertian shading on a textured blue-grey background."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    cy, cx, radius = height * 0.5, width * 0.5, min(height, width) * 0.45
    dy, dx = (yy - cy) / radius, (xx - cx) / radius
    inside = dx**2 + dy**2 < 1.0
    dz = np.sqrt(np.clip(1.0 - dx**2 - dy**2, 0.0, 1.0))
    light = np.array([-0.75, -0.45, 0.5])  # from the upper left, in (x, y, z)
    light /= np.linalg.norm(light)
    shade = np.clip(dx * light[0] + dy * light[1] + dz * light[2], 0.0, 1.0)
    brightness = 0.05 + 0.95 * shade
    ball = brightness[..., None] * np.array([1.0, 0.55, 0.12])

    texture = ndimage.gaussian_filter(rng.normal(0, 1, (height, width)), 2.0)
    texture = 1.0 + 0.15 * texture / texture.std()
    ground = texture[..., None] * np.array([0.3, 0.34, 0.42])

    rgb = np.where(inside[..., None], ball, ground)
    rgb = rgb + rng.normal(0, 0.015, rgb.shape)
    return _to_uint8(rgb), inside.astype(np.uint8)


def mri_phantom(seed: int = 0, size: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Shepp-Logan phantom as a noisy grey slice with a smooth multiplicative bias."""
    rng = np.random.default_rng(seed)
    phantom = transform.resize(data.shepp_logan_phantom(), (size, size), order=0,
                               anti_aliasing=False, preserve_range=True)  # fmt: skip
    levels, truth = np.unique(np.round(phantom, 3), return_inverse=True)
    truth = truth.reshape(phantom.shape)
    yy, xx = np.mgrid[0:size, 0:size] / size
    bias = 0.85 + 0.3 * xx + 0.1 * np.sin(np.pi * yy)
    grey = 0.1 + 0.8 * levels[truth] * bias + rng.normal(0, 0.025, truth.shape)
    return np.repeat(_to_uint8(grey)[..., None], 3, axis=2), truth.astype(np.uint8)


def horse_cutout(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The horse silhouette filled with cat fur on a plain, graded background."""
    rng = np.random.default_rng(seed)
    horse = ~data.horse()  # True on the horse
    small = transform.rescale(horse.astype(float), 0.5, order=0, anti_aliasing=False) > 0.5
    height, width = small.shape
    forehead = data.chelsea()[0:82, 175:275].astype(float) / 255.0  # striped fur, no eyes
    fur = transform.resize(forehead, (height, width, 3), order=1, anti_aliasing=False)
    yy, xx = np.mgrid[0:height, 0:width] / max(height, width)
    ground = np.stack([0.78 + 0.06 * yy, 0.84 + 0.04 * xx, 0.9 + 0.0 * xx], axis=-1)
    rgb = np.where(small[..., None], fur, ground) + rng.normal(0, 0.01, (height, width, 3))
    return _to_uint8(rgb), small.astype(np.uint8)


def colour_regions(
    seed: int = 0, height: int = 160, width: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """Seven Voronoi regions of distinct colours, with a brightness ramp and noise."""
    rng = np.random.default_rng(seed)
    colours = np.array(
        [[0.85, 0.2, 0.2], [0.2, 0.7, 0.3], [0.2, 0.35, 0.85], [0.9, 0.8, 0.2],
         [0.6, 0.3, 0.7], [0.2, 0.75, 0.8], [0.95, 0.55, 0.15]]
    )  # fmt: skip
    centres = rng.uniform([0, 0], [height, width], size=(len(colours), 2))
    yy, xx = np.mgrid[0:height, 0:width]
    distances = (yy[..., None] - centres[:, 0]) ** 2 + (xx[..., None] - centres[:, 1]) ** 2
    truth = np.argmin(distances, axis=-1)
    ramp = 0.85 + 0.15 * (xx / width)
    rgb = colours[truth] * ramp[..., None] + rng.normal(0, 0.03, (height, width, 3))
    return _to_uint8(rgb), truth.astype(np.uint8)


GENERATORS: dict[str, Generator] = {
    "shaded_ball": shaded_ball,
    "mri_phantom": mri_phantom,
    "horse_cutout": horse_cutout,
    "colour_regions": colour_regions,
}


def write_all(folder: str | Path, seed: int = 0) -> list[Path]:
    """Write every generated image and its truth under ``folder``; return the paths."""
    folder = Path(folder)
    written = []
    for name, generate in GENERATORS.items():
        rgb, truth = generate(seed)
        for sub, array in (("images", rgb), ("truth", truth)):
            path = folder / sub / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(array).save(path, format="PNG")
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: write the labelled images into a data folder."""
    parser = argparse.ArgumentParser(description="Write segsweep's labelled test images.")
    parser.add_argument("folder", help="data folder (images/ and truth/ are created in it)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for path in write_all(args.folder, args.seed):
        print(path)


if __name__ == "__main__":
    main()
