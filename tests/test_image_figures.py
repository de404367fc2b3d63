from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from PIL import Image

from segsweep.figures.canvas import panel_titles, save_figure
from segsweep.figures.dataset import background_figure, leaderboard_figure
from segsweep.figures.image import (
    chebyshev_background,
    cluster_masks_figure,
    corner_cluster,
    cutout,
    picks_figure,
    scatter3d_figure,
    scatter_figure,
    scatter_sample,
)
from segsweep.fit.spaces import to_features


def png_size(path):
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def test_scatter_sample_is_seeded_and_bounded():
    assert len(scatter_sample(100, 0)) == 100
    a, b = scatter_sample(10**6, 3, 500), scatter_sample(10**6, 3, 500)
    np.testing.assert_array_equal(a, b)
    assert len(a) == 500


def test_scatter_figures(tmp_path, stripes):
    rgb, truth = stripes
    features = to_features(rgb, "lab")
    fig = scatter_figure(features, rgb, truth, ("L*", "a*", "b*"), 0, "t")
    assert len(fig.axes) == 6
    assert fig.axes[0].get_xlabel() == "L*" and fig.axes[0].get_ylabel() == "a*"
    save_figure(fig, tmp_path / "s.png", dpi=50)
    assert png_size(tmp_path / "s.png") == (602, 397)  # 2 x 3 axes at fixed margins, 50 dpi
    fig = scatter3d_figure(features, rgb, truth, ("L*", "a*", "b*"), 0, "t")
    save_figure(fig, tmp_path / "s3.png", dpi=50)
    assert png_size(tmp_path / "s3.png") == (550, 260)
    grey = to_features(rgb, "grey")
    fig = scatter_figure(grey, rgb, truth, ("Y",), 0, "t")  # one channel: histograms
    assert fig.axes[0].get_legend() is not None


def test_cluster_masks_figure(tmp_path, stripes):
    rgb, truth = stripes
    fig = cluster_masks_figure(rgb, truth, "t")
    titles = panel_titles(fig)
    assert len(titles) == 2 * 4 and titles[1] == "mask 0 (33%)"
    assert titles[4:6] == ["photo", "photo x mask 0"]
    save_figure(fig, tmp_path / "m.png")
    assert int(2.2 * 4 * 100) <= png_size(tmp_path / "m.png")[0] <= int(2.2 * 4 * 100 * 1.1)


def test_cutout_alpha_is_zero_exactly_on_the_corner_cluster(tmp_path, noisy_photo):
    labels = (np.arange(40 * 60).reshape(40, 60) % 7 < 3).astype(int)
    rgba = cutout(noisy_photo, corner_cluster(labels))
    Image.fromarray(rgba).save(tmp_path / "c.png")
    with Image.open(tmp_path / "c.png") as image:
        assert image.mode == "RGBA"
        back = np.asarray(image)
    np.testing.assert_array_equal(back[..., 3] == 0, labels == labels[0, 0])
    np.testing.assert_array_equal(back[..., :3], noisy_photo)


def test_chebyshev_baseline():
    rgb = np.zeros((1, 4, 3), np.uint8)
    rgb[0, 1] = [20, 0, 0]
    rgb[0, 2] = [0, 21, 0]
    rgb[0, 3] = [15, 15, 15]
    np.testing.assert_array_equal(chebyshev_background(rgb), [[True, True, False, True]])


def test_background_picks_and_leaderboard_figures(tmp_path, noisy_photo):
    rgba = cutout(noisy_photo, chebyshev_background(noisy_photo))
    fig = background_figure([("a", noisy_photo, rgba, rgba), ("b", noisy_photo, rgba, rgba)])
    assert len(panel_titles(fig)) == 6 and panel_titles(fig)[3] == "b: photo"
    save_figure(fig, tmp_path / "b.png")
    picks = pd.DataFrame(
        [dict(space="rgb", method=m, criterion=c, k=k)
         for m in ("kmeans", "gmm") for c, k in (("elbow", 3), ("silhouette", 2), ("bic", 4))]
    )  # fmt: skip
    fig = picks_figure(picks, "t")
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["elbow", "bic", "silhouette"]
    assert {t.get_text() for t in fig.axes[0].texts} == {"2", "3", "4"}
    board = pd.DataFrame(
        dict(space=["rgb", "lab"], method=["gmm", "kmeans"], covering_ods=[0.8, 0.6],
             covering_ois=[0.9, 0.7], ari_ods=[0.7, 0.5])
    )  # fmt: skip
    for score in ("covering_ods", "covering_ois", "ari_ods"):
        board[f"{score}_low"], board[f"{score}_high"] = board[score] - 0.05, board[score] + 0.1
    # an interval whose low end lies above its estimate is drawn as it is, never clipped
    board.loc[1, "covering_ods_low"] = 0.65
    fig = leaderboard_figure(board)
    assert fig.axes[0].get_legend() is not None
    intervals = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert len(intervals) == 3
    segments = intervals[0].get_segments()  # covering ODS, lab first
    assert [tuple(np.round(s[:, 0], 6)) for s in segments] == [(0.65, 0.7), (0.75, 0.9)]
    save_figure(fig, tmp_path / "l.png", dpi=40)
    board[[c for c in board if c.endswith(("_low", "_high"))]] = np.nan  # under 3 images
    fig = leaderboard_figure(board)
    drawn = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert all(len(c.get_segments()) == 0 for c in drawn)


@pytest.mark.parametrize("rows", [1, 3])
def test_figure_title_clears_the_panel_titles(noisy_photo, rows):
    """The background grid's title once overlapped the first row of image titles."""
    labels = (np.arange(40 * 60).reshape(40, 60) % 7 < 3).astype(int)
    rgba = cutout(noisy_photo, corner_cluster(labels))
    tall = np.ascontiguousarray(noisy_photo.transpose(1, 0, 2))
    cases = [(f"image {i}", tall if i % 2 else noisy_photo, rgba, rgba) for i in range(rows)]
    cases = [(name, rgb, cutout(rgb, corner_cluster(labels.T if rgb is tall else labels)),
              cutout(rgb, corner_cluster(labels.T if rgb is tall else labels)))
             for name, rgb, _, _ in cases]  # fmt: skip
    fig = background_figure(cases)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    heading = fig.get_suptitle() and fig._suptitle.get_window_extent(renderer)
    boxes = [ax.title.get_window_extent(renderer) for ax in fig.axes]
    panels = [ax.get_window_extent(renderer) for ax in fig.axes]
    assert all(box.y1 <= heading.y0 for box in boxes)
    for i, box in enumerate(boxes):  # no panel title runs into another panel
        assert not any(box.overlaps(panel) for j, panel in enumerate(panels) if j != i)


def batch_job(tmp_path, images, truth=()):
    """A plot_images job over ``images`` that reads no tables."""
    from types import SimpleNamespace

    return SimpleNamespace(
        input=SimpleNamespace(standard=[f"{image}.npz" for image in images], labels=[],
                              fits=[], measures=[]),
        params=SimpleNamespace(methods=[], images=list(images), truth=list(truth),
                               figure_path=str(tmp_path / "{image}_{name}.png"),
                               cutout_path=str(tmp_path / "{image}_{kind}.png")),
        output=SimpleNamespace(drawn=str(tmp_path / "drawn.csv")),
    )  # fmt: skip


def test_a_figure_that_cannot_be_drawn_is_recorded_and_the_rest_are_drawn(
    tmp_path, monkeypatch, caplog
):
    """An image whose tables cannot be read, or one figure of an image that cannot be
    drawn, is a line in the log and a row of the record with why; the job draws the rest
    and succeeds, so that the run reaches its report."""
    from segsweep.figures import image
    from segsweep.figures.drawn import missing_files, not_drawn

    drawn = []

    def draw(scene, with_truth, figure_path, cutout_path):
        if scene == "broken":
            raise ValueError("no such label")
        drawn.append((scene, with_truth))
        missing = [("scatter", "ValueError: too few pixels")] if scene == "last" else []
        return [("elbow", figure_path.format(image=scene, name="elbow"))], missing

    monkeypatch.setattr(image, "read_scene", lambda name, *args: name)
    monkeypatch.setattr(image, "draw_image", draw)
    job = batch_job(tmp_path, ["first", "broken", "last"], truth=["last"])
    image.images_figures_main(job)
    assert drawn == [("first", False), ("last", True)]  # the others are drawn, truth as given
    record = pd.read_csv(tmp_path / "drawn.csv", keep_default_na=False)
    assert record.values.tolist() == [
        ["first", "elbow", str(tmp_path / "first_elbow.png"), ""],
        ["broken", "every figure", "", "ValueError: no such label"],
        ["last", "elbow", str(tmp_path / "last_elbow.png"), ""],
        ["last", "scatter", "", "ValueError: too few pixels"],
    ]
    assert not_drawn([tmp_path / "drawn.csv"]) == [
        ("broken", "every figure", "ValueError: no such label"),
        ("last", "scatter", "ValueError: too few pixels"),
    ]
    assert "image broken: figure every figure not drawn: ValueError: no such label" in caplog.text
    # a figure that could not be drawn is not a deleted file: the batch is not drawn again
    assert sorted(missing_files(tmp_path / "drawn.csv")) == sorted(
        str(tmp_path / f"{name}_elbow.png") for name in ("first", "last")
    )


def a_figure_that_fails(scene, space):
    raise ValueError("height and width must be > 0")


def a_figure_that_works(scene, space):
    from segsweep.figures.canvas import plt

    return plt.figure(figsize=(1, 1))


def test_draw_image_leaves_out_only_the_figure_that_fails(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from segsweep.figures import image, registry

    figures = {
        name: SimpleNamespace(name=name, scope="image", draw=f"{__name__}:a_figure_that_{how}")
        for name, how in (("good", "works"), ("bad", "fails"))
    }
    monkeypatch.setattr(registry, "image_figures", lambda spaces: figures)
    rgb = np.full((4, 6, 3), 200, np.uint8)
    labels = np.zeros((4, 6), int)
    params = SimpleNamespace(spaces=["rgb"], detail_space="rgb", detail_method="m", cutout_k=2,
                             parameters={"m": "k"})  # fmt: skip
    scene = SimpleNamespace(name="img", rgb=rgb, params=params,
                            label_maps={("rgb", "m"): {2: labels}},
                            chosen=lambda space, method: (2, labels))  # fmt: skip
    written, missing = image.draw_image(scene, False, str(tmp_path / "{image}_{name}.png"),
                                        str(tmp_path / "{image}_{kind}.png"))  # fmt: skip
    assert [name for name, _ in written] == ["good", "cutout_cluster", "cutout_baseline"]
    assert missing == [("bad", "ValueError: height and width must be > 0")]
    assert all(Path(path).is_file() for _, path in written)
    assert not (tmp_path / "img_bad.png").exists()


def test_a_drawn_record_is_forgotten_when_a_file_it_lists_is_gone(tmp_path):
    from segsweep.figures.drawn import forget_if_incomplete, missing_files

    kept, lost = tmp_path / "kept.png", tmp_path / "lost.png"
    kept.write_bytes(b"png")
    record = tmp_path / "part0.csv"
    record.write_text(f"image,figure,path\na,elbow,{kept}\nb,elbow,{lost}\n")
    assert missing_files(tmp_path / "absent.csv") == []
    assert missing_files(record) == [str(lost)]
    assert forget_if_incomplete(record) == [str(lost)] and not record.exists()
    record.write_text(f"image,figure,path\na,elbow,{kept}\n")
    assert forget_if_incomplete(record) == [] and record.exists()
