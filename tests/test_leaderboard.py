import pandas as pd
import pytest

from segsweep.leaderboard import choice_of_k, choice_of_k_summary, leaderboard


def scored_fits():
    """Two images, two methods, k = 2, 3, two seeds; method 'good' is better at k = 3."""
    rows = []
    for image in ("a", "b"):
        for method, base in (("good", 0.8), ("poor", 0.3)):
            for k in (2, 3):
                for seed in (0, 1):
                    score = base + (0.1 if k == 3 else 0.0) + 0.02 * seed
                    rows.append(
                        dict(image=image, space="rgb", method=method, k=k, seed=seed, ari=score,
                             ami=score, rand=score, vi=1 - score, covering=score, mean_iou=score,
                             cover_num=score * 100, cover_den=100.0)
                    )  # fmt: skip
    rows.append(dict(image="c", space="rgb", method="good", k=2, seed=0))  # no truth: ignored
    return pd.DataFrame(rows)


def test_leaderboard_ranks_by_covering_ods():
    table = leaderboard(scored_fits())
    assert table["method"].tolist() == ["good", "poor"]
    assert table["rank"].tolist() == [1, 2]
    good = table.iloc[0]
    assert good["n_images"] == 2
    assert good["covering_ods"] == pytest.approx(0.91)  # seed average of 0.9 and 0.92
    assert good["covering_ods_k"] == 3
    assert good["vi_ods"] == pytest.approx(0.09)
    assert good["ari_ods_k"] == 3


def test_choice_of_k_against_the_oracle():
    picks = pd.DataFrame(
        [
            dict(image=i, space="rgb", method=m, criterion=c, k=k, value=0.0)
            for i in ("a", "b")
            for m in ("good", "poor")
            for c, k in (("elbow", 3), ("silhouette", 2))
        ]
    )
    table = choice_of_k(scored_fits(), picks)
    assert len(table) == 8
    elbow = table[table["criterion"] == "elbow"]
    assert (elbow["picked_k"] == elbow["oracle_k"]).all()
    assert elbow["ari_regret"].abs().max() == pytest.approx(0.0)
    silhouette = table[table["criterion"] == "silhouette"]
    assert silhouette["ari_regret"].tolist() == pytest.approx([0.1] * 4)
    summary = choice_of_k_summary(table).set_index("criterion")
    assert summary.loc["elbow", "hit_rate"] == 1.0
    assert summary.loc["silhouette", "hit_rate"] == 0.0
    assert summary.index[0] == "elbow"  # sorted by regret


def test_no_truth_gives_empty_tables():
    fits = scored_fits().query("image == 'c'")
    assert leaderboard(fits).empty
    assert choice_of_k(
        fits, pd.DataFrame(columns=["image", "space", "method", "criterion", "k"])
    ).empty
