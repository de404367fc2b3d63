"""The Berkeley benchmark measures reproduce the official numbers of tests/fixtures/bsds-bench."""

import numpy as np
import pandas as pd
import pytest
from bsds_fixture import BSDS_BENCH
from reference_benchmark import best_covering, evaluate_image

from segsweep.score.benchmark import ods_ois

FIXTURE = BSDS_BENCH


def read_official(path):
    return [float(v) for v in (FIXTURE / path).read_text().split()]


@pytest.fixture(scope="module")
def bsds_tables():
    from scipy.io import loadmat

    tables, best_nums, dens = [], [], []
    for mat in sorted((FIXTURE / "groundTruth").glob("*.mat")):
        cells = loadmat(mat)["groundTruth"][0]
        annotations = [cell["Segmentation"][0, 0] for cell in cells]
        segs = list(loadmat(FIXTURE / "segs" / mat.name)["segs"][0])
        table, best_num = evaluate_image(segs, annotations)
        tables.append(table.assign(image=mat.stem))
        best_nums.append(best_num)
        dens.append(table["cover_den"].iloc[0])
    return pd.concat(tables, ignore_index=True), best_nums, dens


def test_pri_and_vi_match_the_official_benchmark(bsds_tables):
    table, _, _ = bsds_tables
    result = ods_ois(table)
    best_t_pri, pri_ods, pri_ois, best_t_vi, vi_ods, vi_ois = read_official(
        "test_4/eval_RI_VOI.txt"
    )
    assert result["pri_ods_threshold"] == best_t_pri == 1
    assert result["vi_ods_threshold"] == best_t_vi == 2
    assert result["pri_ods"] == pytest.approx(pri_ods, abs=5e-6)  # 0.826926
    assert result["pri_ois"] == pytest.approx(pri_ois, abs=5e-6)  # 0.898299
    assert result["vi_ods"] == pytest.approx(vi_ods, abs=5e-6)  # 1.36877
    assert result["vi_ois"] == pytest.approx(vi_ois, abs=5e-6)  # 1.11563


def test_covering_matches_the_official_benchmark(bsds_tables):
    table, best_nums, dens = bsds_tables
    result = ods_ois(table)
    best_t, ods, ois, best = read_official("test_4/eval_cover.txt")
    assert result["cover_ods_threshold"] == best_t == 2
    assert result["cover_ods"] == pytest.approx(ods, abs=5e-6)  # 0.654023
    assert result["cover_ois"] == pytest.approx(ois, abs=5e-6)  # 0.725074
    assert best_covering(best_nums, dens) == pytest.approx(best, abs=5e-6)  # 0.749811


def test_per_threshold_figures_match(bsds_tables):
    table, _, _ = bsds_tables
    official = np.loadtxt(FIXTURE / "test_4/eval_RI_VOI_thr.txt")
    per_t = table.groupby("threshold")[["pri", "vi"]].mean()
    np.testing.assert_allclose(per_t["pri"], official[:, 1], atol=5e-6)
    np.testing.assert_allclose(per_t["vi"], official[:, 2], atol=5e-5)
    cover = np.loadtxt(FIXTURE / "test_4/eval_cover_th.txt")
    sums = table.groupby("threshold")[["cover_num", "cover_den"]].sum()
    np.testing.assert_allclose(sums["cover_num"] / sums["cover_den"], cover[:, 1], atol=5e-6)


def test_ods_ois_on_a_hand_built_table():
    rows = [
        # image a is best at threshold 2, image b at threshold 1; covering ties at b
        ("a", 1, 0.5, 2.0, 5.0, 10.0),
        ("a", 2, 0.9, 1.0, 8.0, 10.0),
        ("b", 1, 0.8, 1.5, 6.0, 20.0),
        ("b", 2, 0.6, 1.8, 6.0, 20.0),
    ]
    table = pd.DataFrame(
        rows, columns=["image", "threshold", "pri", "vi", "cover_num", "cover_den"]
    )
    result = ods_ois(table)
    assert result["pri_ods_threshold"] == 2 and result["pri_ods"] == pytest.approx(0.75)
    assert result["pri_ois"] == pytest.approx(0.85)
    assert result["vi_ods_threshold"] == 2 and result["vi_ods"] == pytest.approx(1.4)
    assert result["vi_ois"] == pytest.approx(1.25)
    assert result["cover_ods_threshold"] == 2
    assert result["cover_ods"] == pytest.approx(14 / 30)
    assert result["cover_ois"] == pytest.approx((8 + 6) / 30)


def test_ratio_ods_ois_picks_each_images_best_ratio_whatever_its_denominators():
    """A ratio's denominators may differ between thresholds: an image's OIS threshold is
    that of its best ratio (0.5 at the first here), not of its largest numerator."""
    from segsweep.score.benchmark import mean_ods_ois, ratio_ods_ois

    numerators, denominators = np.array([[1.0, 3.0]]), np.array([[2.0, 10.0]])
    column, ods, ois, image_columns = ratio_ods_ois(numerators, denominators)
    assert (column, ods, ois, image_columns.tolist()) == (0, 0.5, 0.5, [0])
    # a mean's ODS is its highest unless told otherwise
    column, ods, ois, _ = mean_ods_ois(np.array([[0.2, 0.8], [0.6, 0.4]]))
    assert column == 1 and (ods, ois) == pytest.approx((0.6, 0.7))


def test_ods_ois_keeps_a_threshold_no_image_has_a_pri_at():
    from segsweep.score.benchmark import ods_ois

    pri_at = ((0.1, 0.5), (0.2, np.nan), (0.3, 0.9))
    rows = [dict(image=image, threshold=t, pri=p, vi=1.0 - p, cover_num=p, cover_den=1.0)
            for image in ("a", "b") for t, p in pri_at]  # fmt: skip
    result = ods_ois(pd.DataFrame(rows))
    assert result["pri_ods_threshold"] == 0.3 and result["cover_ods_threshold"] == 0.3
