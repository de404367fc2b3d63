import numpy as np
import pandas as pd
from PIL import Image

from segsweep.figures import (
    PALETTE,
    downsample_step,
    elbow_figure,
    label_colormap,
    recolour,
    save_figure,
    segmentation_grid,
)


def test_recolour_paints_cluster_means():
    rgb = np.array([[[0, 0, 0], [10, 20, 30]], [[100, 100, 100], [200, 0, 0]]], np.uint8)
    labels = np.array([[0, 0], [1, 1]])
    out = recolour(rgb, labels)
    np.testing.assert_array_equal(out[0, 0], [5, 10, 15])
    np.testing.assert_array_equal(out[1, 1], [150, 50, 50])
    assert out.dtype == np.uint8


def test_label_colormap_is_fixed_and_extends():
    assert label_colormap(3).N == 3
    assert label_colormap(25).N == 25
    assert tuple(np.round(np.array(label_colormap(2)(0)[:3]) * 255)) == (0xE6, 0x9F, 0x00)
    assert len(set(PALETTE)) == len(PALETTE)


def test_downsample_step():
    assert downsample_step((300, 400)) == 1
    assert downsample_step((4096, 1000), max_side=400) == 11


def read_png(path):
    with Image.open(path) as image:
        image.load()
        return image.format, image.size


def test_segmentation_grid_writes_a_png(tmp_path, stripes):
    rgb, truth = stripes
    maps = {("kmeans", 2): (truth > 0).astype(np.uint8), ("kmeans", 3): truth}
    for kind in ("recolour", "labels"):
        fig = segmentation_grid(rgb, maps, ["kmeans", "gmm"], [2, 3], kind=kind, title="t")
        save_figure(fig, tmp_path / f"{kind}.png", dpi=50)
        fmt, (width, height) = read_png(tmp_path / f"{kind}.png")
        assert fmt == "PNG"
        # 3 columns of 2 inches at 50 dpi with narrow margins; 2 rows
        assert 300 <= width <= 340
        assert 100 < height < 300


def test_elbow_figure_writes_a_png(tmp_path):
    fits = pd.DataFrame(
        [
            dict(space=s, method=m, k=k, seed=0, inertia=10 / k, eta=1 / k)
            for s in ("rgb", "lab")
            for m in ("kmeans", "gmm")
            for k in (2, 3, 4)
        ]
    )
    picks = pd.DataFrame(
        [
            dict(space=s, method=m, criterion="elbow", k=3)
            for s in ("rgb", "lab")
            for m in ("kmeans", "gmm")
        ]
    )
    fig = elbow_figure(fits, picks, title="elbow")
    assert [ax.get_title() for ax in fig.axes[:2]] == ["lab", "rgb"]
    assert fig.axes[0].get_legend() is not None
    save_figure(fig, tmp_path / "elbow.png", dpi=50)
    assert read_png(tmp_path / "elbow.png") == ("PNG", (360, 300))


def test_grid_maps_put_a_method_without_k_in_the_first_column():
    from segsweep.image_figures import grid_maps

    maps = {
        ("rgb", "kmeans"): {2: "k2", 3: "k3", 4: "k4"},
        ("rgb", "meanshift"): {7: "found 7"},  # found its own number of clusters
        ("rgb", "otsu"): {2: "o2"},  # largest k below the swept ones
    }
    cells = grid_maps(maps, "rgb", ["kmeans", "meanshift", "otsu"], [2, 3, 4])
    assert cells == {
        ("kmeans", 2): "k2",
        ("kmeans", 3): "k3",
        ("kmeans", 4): "k4",
        ("meanshift", 2): "found 7",
        ("otsu", 2): "o2",
    }
