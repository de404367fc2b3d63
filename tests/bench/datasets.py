"""BSDS500-shaped labelled datasets, generated from a seed (nothing large is committed).

:func:`write_bsds_like` writes ``ROOT/images/SPLIT/ID.jpg`` (481 x 321, or 321 x 481) and
``ROOT/groundTruth/SPLIT/ID.mat`` with several annotations each, the layout and file formats
of the Berkeley Segmentation Data Set, with digit-only names like BSDS500's. Each image is a
Voronoi partition into 8-24 regions, each region a colour with its own texture and shading,
plus JPEG compression; each annotation is that partition with some neighbouring regions
merged (annotators disagree on how fine to go), so scores are neither trivial nor random.
The scale benchmark (:mod:`scale`) and the workflow tests use it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage
from scipy.io import savemat

#: Height and width of a landscape BSDS500 image.
BSDS_SHAPE = (321, 481)


def voronoi_labels(shape: tuple[int, int], n_regions: int, rng) -> np.ndarray:
    """Labels 0..n-1 of the nearest of ``n_regions`` random seed points (slightly wavy)."""
    height, width = shape
    points = rng.uniform((0, 0), (height, width), size=(n_regions, 2))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    wobble = 6.0 * np.sin(xx / 23.0 + rng.uniform(0, 6)) * np.cos(yy / 31.0)
    distances = (yy[None] + wobble - points[:, 0, None, None]) ** 2 + (
        xx[None] - points[:, 1, None, None]
    ) ** 2
    return np.argmin(distances, axis=0)


def paint(labels: np.ndarray, rng) -> np.ndarray:
    """An 8-bit RGB photo-like image of ``labels``: colour, texture and shading per region."""
    height, width = labels.shape
    n = int(labels.max()) + 1
    colours = rng.uniform(20, 235, size=(n, 3))
    texture = ndimage.gaussian_filter(rng.normal(0, 1, (height, width, 3)), sigma=(2, 2, 0))
    strength = rng.uniform(4, 30, size=n)[labels][..., None]
    yy, xx = np.mgrid[0:height, 0:width]
    angle = rng.uniform(0, 2 * np.pi, size=n)[labels]
    ramp = (np.cos(angle) * xx / width + np.sin(angle) * yy / height)[..., None]
    shade = 1.0 + rng.uniform(0.0, 0.35, size=n)[labels][..., None] * (ramp - 0.5)
    photo = colours[labels] * shade + strength * texture * 3.0
    photo = ndimage.gaussian_filter(photo, sigma=(0.7, 0.7, 0))  # soft region edges
    return np.clip(np.rint(photo), 0, 255).astype(np.uint8)


def annotate(labels: np.ndarray, n_annotations: int, rng) -> list[np.ndarray]:
    """Several annotations: ``labels`` with a random share of neighbouring regions merged.

    Returns uint16 label images numbered from 1, as BSDS500's are.
    """
    n = int(labels.max()) + 1
    right = labels[:, :-1] != labels[:, 1:]
    below = labels[:-1, :] != labels[1:, :]
    pairs = np.unique(
        np.concatenate(
            [
                np.stack([labels[:, :-1][right], labels[:, 1:][right]], axis=1),
                np.stack([labels[:-1, :][below], labels[1:, :][below]], axis=1),
            ]
        ),
        axis=0,
    )
    annotations = []
    for _ in range(n_annotations):
        parent = np.arange(n)
        merge_share = rng.uniform(0.0, 0.4)
        for a, b in pairs[rng.random(len(pairs)) < merge_share]:
            root_a, root_b = parent[a], parent[b]
            parent[parent == root_b] = root_a
        _, relabelled = np.unique(parent, return_inverse=True)
        annotations.append((relabelled[labels] + 1).astype(np.uint16))
    return annotations


def labelled_image(seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """(rgb, annotations) of one generated image; portrait for one seed in five."""
    rng = np.random.default_rng(seed)
    shape = BSDS_SHAPE if seed % 5 else BSDS_SHAPE[::-1]
    labels = voronoi_labels(shape, int(rng.integers(8, 25)), rng)
    return paint(labels, rng), annotate(labels, int(rng.integers(5, 8)), rng)


def write_mat(path: Path, annotations: list[np.ndarray]) -> None:
    """A BSDS500 ground-truth file: ``groundTruth`` cells with ``Segmentation``."""
    cells = np.empty((1, len(annotations)), dtype=object)
    for i, segmentation in enumerate(annotations):
        cells[0, i] = {"Segmentation": segmentation, "Boundaries": np.zeros_like(segmentation)}
    savemat(path, {"groundTruth": cells})


def image_ids(count: int) -> list[str]:
    """Digit-only image names, as BSDS500's (``100007``, ...)."""
    return [str(100000 + 7 * i) for i in range(count)]


def write_bsds_like(root: Path, count: int, split: str = "test", seed: int = 0) -> list[str]:
    """Write ``count`` labelled images in the BSDS500 layout under ``root``; return the ids.

    The same ``count`` and ``seed`` always give the same files; a larger ``count`` adds
    images after the first ``count``.
    """
    images, truth = root / "images" / split, root / "groundTruth" / split
    images.mkdir(parents=True, exist_ok=True)
    truth.mkdir(parents=True, exist_ok=True)
    ids = image_ids(count)
    for index, image_id in enumerate(ids):
        jpeg, mat = images / f"{image_id}.jpg", truth / f"{image_id}.mat"
        if jpeg.exists() and mat.exists():
            continue
        rgb, annotations = labelled_image(seed * 100_003 + index)
        Image.fromarray(rgb).save(jpeg, quality=90)
        write_mat(mat, annotations)
    return ids
