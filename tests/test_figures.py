import numpy as np
import pandas as pd
from conftest import FLAT_COLOURS
from PIL import Image

from segsweep.figures.canvas import (
    PALETTE,
    _palette_rgb,
    downsample_step,
    label_colormap,
    panel_titles,
    recolour,
    save_figure,
)
from segsweep.figures.image import elbow_figure, segmentation_grid


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
    maps = {("kmeans", 2): (truth > 0).astype(np.uint8), ("kmeans", 3): truth, ("fh", 50.0): truth}
    columns, parameters = {"kmeans": [2, 3], "fh": [50.0]}, {"kmeans": "k", "fh": "scale"}
    for kind in ("recolour", "labels"):
        fig = segmentation_grid(rgb, maps, columns, parameters, kind=kind, title="t")
        titles = panel_titles(fig)
        # each row: the photo, its values; the row label after its panels' titles
        assert titles == ["photo", "k = 2", "k = 3", "kmeans", "photo", "scale = 50", "fh"]
        save_figure(fig, tmp_path / f"{kind}.png")
        with Image.open(tmp_path / f"{kind}.png") as image:
            pixels = np.asarray(image.convert("RGB"))
        # 3 columns of 2 inches at 100 dpi with narrow margins; 2 rows
        assert 600 <= pixels.shape[1] <= 680 and 200 < pixels.shape[0] < 600
        colours = {tuple(c) for c in pixels.reshape(-1, 3)}
        if kind == "labels":  # the three stripes in the palette's first three colours
            assert {tuple(c) for c in _palette_rgb(3)} <= colours
        else:  # each stripe in its own flat colour, as the photo has them
            assert {tuple(int(v) for v in c) for c in FLAT_COLOURS} <= colours


def test_panels_are_resized_to_their_boxes_and_framed(tmp_path):
    from segsweep.figures.canvas import Panel, panel_figure

    labels = np.repeat(np.arange(4), 25).reshape(10, 10)
    fig = panel_figure([[Panel("a", labels), None, Panel("c", labels > 1)]], aspect=0.5,
                       panel=1.0, title="t")  # fmt: skip
    canvas, boxes = fig.segsweep_panels
    drawn = np.zeros(canvas.shape[:2], dtype=bool)
    for top, bottom, left, right in boxes:
        drawn[top:bottom, left:right] = True
    assert drawn.sum() == 2 * 100 * 50  # two panels of 1 x 0.5 inches at 100 dpi
    assert panel_titles(fig) == ["a", "c"]
    box = canvas[drawn].reshape(-1, 3)
    assert (box == 0).all(axis=1).sum() >= 2 * (2 * 100 + 2 * 50) - 8  # black frames
    save_figure(fig, tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as image:
        saved = np.asarray(image.convert("RGB"))
    np.testing.assert_array_equal(saved[drawn], canvas[drawn])  # laid over unchanged


def test_elbow_figure_writes_a_png(tmp_path):
    fits = pd.DataFrame(
        [
            dict(space=s, method=m, parameter="k", value=float(k), k=k, seed=0,
                 inertia=10 / k, eta=1 / k)
            for s in ("rgb", "lab")
            for m in ("kmeans", "gmm")
            for k in (2, 3, 4)
        ]
    )  # fmt: skip
    picks = pd.DataFrame(
        [
            dict(space=s, method=m, criterion="elbow", k=3)
            for s in ("rgb", "lab")
            for m in ("kmeans", "gmm")
        ]
    )
    fig = elbow_figure(fits, picks, title="elbow")
    assert [ax.get_title() for ax in fig.axes[::2]] == ["lab", "rgb"]  # a row per space
    assert fig.axes[0].get_legend() is not None
    save_figure(fig, tmp_path / "elbow.png", dpi=50)
    # 2 rows x 2 measures of 2.75 x 2.2 inches at fixed margins, at 50 dpi
    assert read_png(tmp_path / "elbow.png") == ("PNG", (377, 322))


def test_grid_maps_give_each_method_its_own_values_in_order():
    from segsweep.figures.image import grid_maps

    maps = {
        ("rgb", "kmeans"): {3: "k3", 2: "k2", 4: "k4"},
        ("rgb", "fh"): {300.0: "s300", 100.0: "s100"},  # swept over its own scale
        ("rgb", "otsu"): {2: "o2"},
    }
    cells, columns = grid_maps(maps, "rgb", ["kmeans", "fh", "otsu"])
    assert columns == {"kmeans": [2, 3, 4], "fh": [100.0, 300.0], "otsu": [2]}
    assert cells[("fh", 100.0)] == "s100" and cells[("kmeans", 4)] == "k4" and len(cells) == 6


def test_elbow_figure_gives_each_swept_parameter_its_own_column():
    rows = [
        dict(space="rgb", method="km", parameter="k", value=float(k), k=k, seed=0,
             inertia=10 / k, eta=1 / k)
        for k in (2, 3, 4)
    ] + [
        dict(space="rgb", method="fh", parameter="scale", value=s, k=int(1000 / s), seed=0,
             inertia=s, eta=s / 10)
        for s in (100.0, 300.0)
    ]  # fmt: skip
    picks = pd.DataFrame([dict(space="rgb", method="km", criterion="elbow", k=3)])
    fig = elbow_figure(pd.DataFrame(rows), picks)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["rgb", "", "rgb, swept over scale", ""]  # one row each, k first
    assert fig.axes[0].get_xlabel().startswith("k") and fig.axes[-1].get_xlabel() == "scale"


def _elbow_rows(scale: float, bic_spaces: tuple[str, ...], no_eta: str = "") -> pd.DataFrame:
    return pd.DataFrame([
        dict(space=s, method=m, parameter="k", value=float(k), k=k, seed=0,
             inertia=scale * (1 + i) / k, eta=np.nan if s == no_eta else scale / k ** 2,
             bic=scale * k if s in bic_spaces and m == "gmm" else np.nan,
             aic=scale * k / 2 if s in bic_spaces and m == "gmm" else np.nan)
        for i, s in enumerate(("rgb", "lab"))
        for m in ("kmeans", "gmm")
        for k in (2, 3, 4, 5)
    ])  # fmt: skip


def test_a_reused_grid_draws_what_a_new_figure_draws(tmp_path, stripes):
    """A figure job draws its elbow and scatter figures on the grid of the image before:
    what it draws must be, byte for byte, what a new figure shows."""
    from segsweep.figures import canvas
    from segsweep.figures.image import scatter_figure
    from segsweep.fit.spaces import to_features

    picks = pd.DataFrame([dict(space="lab", method="kmeans", criterion="elbow", k=3)])
    rgb, labels = stripes
    other = np.ascontiguousarray(rgb[::-1, ::-1])  # another image of the same size

    def draw_both(first_is_fresh: bool) -> list[bytes]:
        canvas._GRIDS.clear()
        drawn = []
        figures = [
            lambda: elbow_figure(_elbow_rows(1e6, ("lab",)), picks, "first"),
            lambda: scatter_figure(to_features(rgb, "lab"), rgb, labels, "Lab", 0, "first"),
            # the rgb row's BIC axis was off, and its eta axis is left empty (0 to 1)
            lambda: elbow_figure(_elbow_rows(0.5, ("rgb", "lab"), no_eta="rgb"), picks, "second"),
            lambda: scatter_figure(to_features(other, "hsv"), other, labels[::-1], "HSV", 1,
                                   "second"),
        ]  # fmt: skip
        for number, draw in enumerate(figures):
            if number == 2 and first_is_fresh:
                canvas._GRIDS.clear()
            save_figure(draw(), tmp_path / f"{number}.png")
            drawn.append((tmp_path / f"{number}.png").read_bytes())
        return drawn

    reused, fresh = draw_both(first_is_fresh=False), draw_both(first_is_fresh=True)
    assert reused[2] == fresh[2] and reused[3] == fresh[3]
    assert reused[0] != reused[2]  # the two drawings differ
