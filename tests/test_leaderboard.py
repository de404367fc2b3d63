import numpy as np
import pandas as pd
import pytest
from bench.datasets import annotate, voronoi_labels
from measure_rows import score_columns

from segsweep.score.measures import SCORES, score_annotations
from segsweep.store.files import write_csv
from segsweep.tables.leaderboard import (
    CHOICE_COLUMNS,
    Trust,
    boundary_curves,
    choice_of_k,
    choice_of_k_summary,
    leaderboard,
)
from segsweep.tables.uncertainty import TIED, WORSE

TRUST = Trust(resamples=200, seed=0, level=0.95, alpha=0.05)


def scored_fits():
    """Two images, two methods, k = 2, 3, two seeds; method 'good' is better at k = 3."""
    rows = []
    for image in ("a", "b"):
        for method, base in (("good", 0.8), ("poor", 0.3)):
            for k in (2, 3):
                for seed in (0, 1):
                    score = base + (0.1 if k == 3 else 0.0) + 0.02 * seed
                    rows.append(
                        dict(image=image, space="rgb", method=method, parameter="k",
                             value=float(k), k=k, seed=seed, **score_columns(score),
                             inertia=10.0 / k, silhouette=0.5,
                             calinski_harabasz=100.0 if k == 2 else np.nan)
                    )  # fmt: skip
    no_truth = dict(image="c", space="rgb", method="good", parameter="k", value=2.0, k=2, seed=0)
    rows.append(no_truth)  # ignored
    return pd.DataFrame(rows)


def test_leaderboard_ranks_by_covering_ods():
    table, per_image = leaderboard(scored_fits(), TRUST)
    assert table["method"].tolist() == ["good", "poor"]
    assert table["rank"].tolist() == [1, 2]
    good = table.iloc[0]
    assert good["n_images"] == 2
    assert good["covering_ods"] == pytest.approx(0.91)  # seed average of 0.9 and 0.92
    assert good["parameter"] == "k" and good["covering_ods_value"] == 3
    assert good["vi_ods"] == pytest.approx(0.09)
    assert good["ari_ods_value"] == 3
    assert np.isnan(good["covering_ods_low"])  # two images: no interval
    assert good["seed_min"] == pytest.approx(0.9) and good["seed_max"] == pytest.approx(0.92)
    assert per_image.query("method == 'good'")["covering"].tolist() == pytest.approx([0.91] * 2)


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
    # Calinski-Harabasz exists at k = 2 only (above its segment limit at 3, say): its oracle
    # is the best of what it could pick, so picking 2 has no regret
    ch = pd.DataFrame(
        [
            dict(image=i, space="rgb", method=m, criterion="calinski_harabasz", k=2, value=100.0)
            for i in ("a", "b")
            for m in ("good", "poor")
        ]
    )
    audit = choice_of_k(scored_fits(), ch)
    assert (audit["oracle_k"] == 2).all() and audit["ari_regret"].abs().max() == 0.0
    assert summary.loc["silhouette", "hit_rate"] == 0.0
    assert summary.index[0] == "elbow"  # sorted by regret


def test_no_truth_gives_empty_tables():
    fits = scored_fits().query("image == 'c'")
    table, per_image = leaderboard(fits, TRUST)
    assert table.empty and per_image.empty


def segmentation_fits(n_images=10, ks=(2, 3, 4)):
    """Fits scored by the real scores: 'good' coarsens the true regions (more merged at
    small k), 'same' is a copy of it, 'shuffled' is 'good' with its pixels shuffled."""
    rng = np.random.default_rng(0)
    rows = []
    for image in range(n_images):
        regions = voronoi_labels((40, 60), 12, rng)
        annotations = annotate(regions, 3, rng)
        for k in ks:
            good = regions % (3 * k)
            shuffled = rng.permutation(good.ravel()).reshape(good.shape)
            for method, labels in (("good", good), ("same", good), ("shuffled", shuffled)):
                scores = score_annotations(annotations, labels)
                rows.append({"image": f"{image:04d}", "space": "rgb", "method": method,
                             "parameter": "k", "value": float(k), "k": k, "seed": 0,
                             **scores})  # fmt: skip
    return pd.DataFrame(rows)


def test_shuffled_labels_are_worse_and_a_copy_is_tied(tmp_path):
    fits = segmentation_fits()
    table, per_image = leaderboard(fits, TRUST)
    # 'good' and 'same' tie on every score: the entry first by name is first
    assert table["method"].tolist() == ["good", "same", "shuffled"]
    assert table["verdict"].tolist() == ["best", TIED, WORSE]
    shuffled = table.set_index("method").loc["shuffled"]
    best = table.iloc[0]
    assert shuffled["covering_ods_high"] < best["covering_ods_low"]  # intervals apart
    for score in ("covering_ods", "covering_ois", "pri_ods", "vi_ods", "ari_ois"):
        assert (table[f"{score}_low"] <= table[score] + 1e-12).all()
        assert (table[score] <= table[f"{score}_high"] + 1e-12).all()
    assert len(per_image) == 3 * 10 and set(per_image["image"]) == {f"{i:04d}" for i in range(10)}
    # same fits, same bytes
    write_csv(tmp_path / "a.csv", table)
    write_csv(tmp_path / "b.csv", leaderboard(fits, TRUST)[0])
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert choice_of_k(
        fits, pd.DataFrame(columns=["image", "space", "method", "criterion", "k"])
    ).empty


def direct_ods_ois(rows: list[dict], values: list[float]) -> dict[str, float]:
    """ODS and OIS of one entry by the benchmark's definitions, in plain loops over
    (image, value) -> seed-averaged scores: shares no code with segsweep.

    ODS: one value for all images (covering pools numerators and denominators, the others
    average over images; ties to the smallest value). OIS: each image's best value (covering
    takes each image's last best value and pools at those).
    """
    cells: dict[tuple[str, float], list[dict]] = {}
    for row in rows:
        cells.setdefault((row["image"], row["value"]), []).append(row)
    mean = {key: {s: sum(r[s] for r in group) / len(group) for s in group[0]
                  if s in ("rand", "vi", "ari", "cover_num", "cover_den")}
            for key, group in cells.items()}  # fmt: skip
    images = sorted({image for image, _ in mean})
    result = {}
    covering = {v: sum(mean[i, v]["cover_num"] for i in images)
                / sum(mean[i, v]["cover_den"] for i in images) for v in values}  # fmt: skip
    best = max(values, key=lambda v: (covering[v], -v))
    result["covering_ods"], result["covering_ods_value"] = covering[best], best
    numerator = denominator = 0.0
    for i in images:
        own = {v: mean[i, v]["cover_num"] / mean[i, v]["cover_den"] for v in values}
        last_best = max(values, key=lambda v: (own[v], v))
        numerator += mean[i, last_best]["cover_num"]
        denominator += mean[i, last_best]["cover_den"]
    result["covering_ois"] = numerator / denominator
    for score, column, better in (("pri", "rand", max), ("vi", "vi", min), ("ari", "ari", max)):
        by_value = {v: sum(mean[i, v][column] for i in images) / len(images) for v in values}
        result[f"{score}_ods"] = better(by_value.values())
        per_image = [better(mean[i, v][column] for v in values) for i in images]
        result[f"{score}_ois"] = sum(per_image) / len(per_image)
        if score == "ari":
            result["ari_ods_value"] = min(v for v in values if by_value[v] == result["ari_ods"])
    return result


def test_leaderboard_ods_and_ois_equal_a_direct_computation():
    """Several seeds, images of different sizes, and images whose best values disagree."""
    rng = np.random.default_rng(5)
    rows = []
    values = [0.02, 0.03, 0.05, 0.08]
    for image in range(7):
        den = float(rng.integers(500, 3000))
        for value in values:
            for seed in (0, 1):
                score = float(rng.uniform(0.2, 0.9))
                scores = {**score_columns(score, den), "ari": score - 0.1,
                          "rand": score * 0.9 + 0.1, "vi": 3 - 2 * score}  # fmt: skip
                rows.append(dict(image=f"im{image}", space="lab", method="m",
                                 parameter="merge_boundaries", value=value, k=int(5 + image),
                                 seed=seed, **scores))  # fmt: skip
    table, _ = leaderboard(pd.DataFrame(rows), TRUST)
    expected = direct_ods_ois(rows, values)
    got = table.iloc[0]
    for column, value in expected.items():
        assert got[column] == pytest.approx(value, rel=1e-12), column


def test_one_seed_gives_no_spread_over_seeds_and_the_columns_keep_their_order():
    table, _ = leaderboard(segmentation_fits(n_images=4), TRUST)
    assert table.columns.tolist()[:13] == [
        "rank", "space", "method", "parameter", "n_images",
        "covering_ods", "covering_ods_low", "covering_ods_high", "covering_ods_value",
        "covering_ods_value_share", "covering_ois", "covering_ois_low", "covering_ois_high",
    ]  # fmt: skip
    assert table.columns.tolist()[-2:] == ["p_value", "verdict"]  # one seed: no seed_ columns
    assert table["rank"].tolist() == [1, 2, 3] and table.index.tolist() == [0, 1, 2]


#: The boundary columns of the fits table (counts and per-fit F).
BOUNDARY_COLUMNS = [column for measure in SCORES if measure.curve_of
                    for column in (*measure.curve_of, measure.column)]  # fmt: skip


def test_boundary_curves_pool_each_entrys_counts_over_images_at_each_value():
    """scored_fits' counts put recall and precision at the fit's score, each image the same
    size: the pooled curve is the seed-averaged score at each value. Entries come sorted by
    name, also when the first image is not the first entry's."""
    fits = scored_fits()
    curves = boundary_curves(fits[(fits["method"] != "good") | (fits["image"] != "a")])
    assert curves.columns.tolist() == ["space", "method", "value", "recall", "precision", "f"]
    assert curves["method"].tolist() == ["good", "good", "poor", "poor"]
    good = curves[curves["method"] == "good"]
    assert good["value"].tolist() == [2.0, 3.0]
    for column in ("recall", "precision", "f"):
        assert good[column].tolist() == pytest.approx([0.81, 0.91]), column
    assert curves.index.tolist() == [0, 1, 2, 3]
    without = boundary_curves(scored_fits().drop(columns=BOUNDARY_COLUMNS))
    assert without.empty and without.columns.tolist() == curves.columns.tolist()


def test_choice_of_k_leaves_out_a_criterion_the_fits_lack():
    picks = pd.DataFrame([dict(image=i, space="rgb", method="good", criterion=c, k=3, value=0.0)
                          for i in ("a", "b") for c in ("elbow", "bic")])  # fmt: skip
    assert "bic" not in scored_fits().columns
    table = choice_of_k(scored_fits(), picks)
    assert table["criterion"].tolist() == ["elbow", "elbow"]
    assert table.columns.tolist() == CHOICE_COLUMNS and table.index.tolist() == [0, 1]


def test_entries_that_tie_are_ranked_by_name_whatever_images_they_have():
    """Two entries with the same scores on different images: the first by name ranks
    first, also when the other one has the first image."""
    rows = [dict(image=image, space="rgb", method=method, parameter="k", value=float(k), k=k,
                 seed=0, **score_columns(0.5 + 0.1 * k))
            for method, images in (("b", ("i1", "i2", "i3")), ("a", ("i2", "i3", "i4")))
            for image in images for k in (2, 3)]  # fmt: skip
    table, _ = leaderboard(pd.DataFrame(rows), TRUST)
    assert table["covering_ods"].nunique() == 1 and table["ari_ods"].nunique() == 1
    assert table["method"].tolist() == ["a", "b"]
