import pandas as pd
from PIL import Image

from segsweep.figures.report import (
    evenly_spaced,
    select_images,
    top_entry_scores,
    write_thumbnail,
)


def test_evenly_spaced_keeps_the_ends():
    items = [f"i{n:02d}" for n in range(10)]
    assert evenly_spaced(items, 3) == ["i00", "i04", "i09"]  # rint(4.5) rounds to even
    assert evenly_spaced(items, 20) == items
    assert evenly_spaced(items, 0) == []


def fits_for(scores):
    """Fits rows of a top entry (rgb, kmeans, k = 3) and a worse one, per image."""
    rows = []
    for image, covering in scores.items():
        for seed, shift in ((0, -0.01), (1, 0.01)):
            rows.append(dict(image=image, space="rgb", method="kmeans", value=3.0, seed=seed,
                             covering=covering + shift))  # fmt: skip
            rows.append(dict(image=image, space="rgb", method="kmeans", value=2.0, seed=seed,
                             covering=0.0))  # fmt: skip
    return pd.DataFrame(rows)


def test_selection_spreads_from_best_to_worst_covering():
    scores = {f"img{n}": n / 10 for n in range(9)}
    fits = fits_for(scores)
    board = pd.DataFrame([dict(space="rgb", method="kmeans", covering_ods_value=3.0)])
    ranked = top_entry_scores(fits, board)
    assert list(ranked.index[:2]) == ["img8", "img7"]
    assert ranked["img8"] == 0.8  # averaged over seeds, at the ODS k
    chosen = select_images(list(scores) + ["no_truth"], ranked, max_images=3)
    assert chosen == ["img8", "img4", "img0"]


def test_selection_fills_with_unscored_images_and_keeps_all_when_few():
    ranked = pd.Series({"b": 0.9, "a": 0.5})
    assert select_images(["a", "b", "c", "d", "e"], ranked, 4) == ["b", "a", "c", "e"]
    assert select_images(["b", "a"], ranked, 4) == ["a", "b"]
    assert select_images(["x1", "x2", "x3"], None, 2) == ["x1", "x3"]


def test_thumbnail_is_a_narrow_jpeg(tmp_path):
    Image.new("RGB", (2000, 500), (200, 30, 30)).save(tmp_path / "f.png")
    write_thumbnail(tmp_path / "f.png", tmp_path / "out" / "f.jpg", 700)
    with Image.open(tmp_path / "out" / "f.jpg") as image:
        assert image.format == "JPEG" and image.size == (700, 175)
    Image.new("RGB", (300, 100)).save(tmp_path / "small.png")
    write_thumbnail(tmp_path / "small.png", tmp_path / "small.jpg", 700)
    with Image.open(tmp_path / "small.jpg") as image:
        assert image.size == (300, 100)  # never enlarged
