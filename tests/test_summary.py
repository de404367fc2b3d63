import hashlib

import numpy as np
import pandas as pd

from segsweep.fit.setup import OPTION_DEFAULTS, Setup
from segsweep.report.summary import describe_images, picked_k_table, summary_html

RUN = {"spaces": ["rgb", "lab"], "k": [2, 3, 4], "seeds": [0], "silhouette_sample": 500}
SETUPS = {setup.label: setup.to_dict() for setup in [
    Setup("kmeans", "kmeans", {"n_init": 5}, grid=(2, 3), sample_size=50000),
    Setup("gmm_all", "gmm", options={**OPTION_DEFAULTS, "xy_weight": 0.5,
                                     "split_regions": True}, grid=(2, 3)),
    Setup("fh", "meanshift", parameter="quantile", grid=(0.1, 0.25)),
    Setup("merged", "gmm", options={**OPTION_DEFAULTS, "xy_weight": 1.0, "smoothing": 2.0,
                                    "split_regions": True, "min_region": 500,
                                    "merge_boundaries": [0.02, 0.04]},
          parameter="merge_boundaries", grid=(0.02, 0.04), method_value=8, sample_size=30000),
]}  # fmt: skip


def picks():
    rows = []
    for image, k in (("a", 2), ("b", 4), ("c", 3)):
        rows.append(dict(image=image, space="rgb", method="kmeans", criterion="elbow", k=k))
        rows.append(dict(image=image, space="rgb", method="kmeans", criterion="silhouette", k=2))
    return pd.DataFrame(rows)


def test_picked_k_is_summarised_per_space_and_method():
    table = picked_k_table(picks())
    assert table.columns.tolist() == ["space / method", "elbow", "silh."]
    assert table.iloc[0].tolist() == ["rgb / kmeans", "3 (2-4)", "2"]


def test_many_images_are_counted_by_size():
    images = pd.DataFrame({"image": [f"i{n}" for n in range(30)], "width": [481] * 20 + [321] * 10,
                           "height": [321] * 20 + [481] * 10})  # fmt: skip
    assert describe_images(images) == "30 images: 20 of 481x321, 10 of 321x481"
    assert describe_images(images.head(2)) == "i0 (481x321), i1 (481x321)"


def test_summary_names_each_setup_with_its_sample_size_and_options():
    images = pd.DataFrame({"image": ["a"], "width": [10], "height": [8]})
    page = summary_html(RUN, images, SETUPS, picks(), {"numpy": "2"})
    assert "kmeans = kmeans(n_init=5); swept over k = 2, 3; fitted on 50000 pixels" in page
    assert "gmm_all = gmm(); swept over k = 2, 3; xy_weight 0.5; split_regions; fitted" in page
    assert "fh = meanshift(); swept over quantile = 0.1, 0.25; fitted on all pixels" in page
    assert ("merged = gmm(); swept over merge_boundaries = 0.02, 0.04 at k = 8; xy_weight 1.0; "
            "smoothing 2.0; split_regions; regions under 500 pixels merged; fitted on 30000 "
            "pixels") in page  # fmt: skip
    assert "No image has ground truth" in page and "Rejected images" not in page
    leaderboard = pd.DataFrame(
        [dict(rank=1, space="rgb", method="kmeans", n_images=3, covering_ods=0.61234,
              covering_ods_low=0.5, covering_ods_high=0.7, parameter="k", covering_ods_value=3.0,
              covering_ois=0.7,
              covering_ois_low=np.nan, covering_ois_high=np.nan, pri_ods=0.8, vi_ods=1.5,
              ari_ods=0.4, p_value=np.nan, verdict="best"),
         dict(rank=2, space="lab", method="kmeans", n_images=3, covering_ods=0.6,
              covering_ods_low=0.5, covering_ods_high=0.7, parameter="k", covering_ods_value=4.0,
              covering_ois=0.7,
              covering_ois_low=np.nan, covering_ois_high=np.nan, pri_ods=0.8, vi_ods=1.5,
              ari_ods=0.4, p_value=0.5, verdict="tied with the best")]
    )  # fmt: skip
    choice = pd.DataFrame([dict(criterion="elbow", cases=3, picked_ari=0.3, oracle_ari=0.4,
                                ari_regret=0.1, hit_rate=1 / 3)])  # fmt: skip
    page = summary_html(RUN, images, SETUPS, picks(), {}, leaderboard, choice, alpha=0.05)
    assert "Over the 3 images with ground truth" in page
    assert "0.612 [0.500, 0.700] (k = 3)" in page and "33%" in page
    assert "tied with the best (p = 0.5)" in page
    assert "Statistically tied with the best, rgb / kmeans (paired Wilcoxon tests" in page
    assert ": lab / kmeans;" in page
    leaderboard["verdict"] = ["best", "worse"]
    page = summary_html(RUN, images, SETUPS, picks(), {}, leaderboard, choice, alpha=0.05)
    assert "every other entry is significantly worse" in page
    few = leaderboard.assign(n_images=2, verdict=["best", ""], p_value=np.nan)
    page = summary_html(RUN, images, SETUPS, picks(), {}, few, choice, alpha=0.05)
    assert "fewer than 3 images with ground truth there are no intervals" in page


def test_caps_say_how_many_fits_each_limit_touched():
    from segsweep.report.summary import caps_table

    fits = pd.DataFrame({
        "n_fit": [100, 50, 100, 20], "n_pixels": [100, 100, 100, 100],
        "smoothing": [0.0, 2.0, 2.0, 2.0],
        "smoothing_converged": [np.nan, True, False, False],
        "skipped": [np.nan, "calinski_harabasz, davies_bouldin: 400 segments, above "
                    "criteria.max_segments = 300", np.nan,
                    "calinski_harabasz, davies_bouldin, silhouette: one segment"],
    })  # fmt: skip
    caps = caps_table(fits, {"silhouette_sample": 500, "max_segments": 300}).set_index("what")
    assert caps.loc["model fitted on a sample of the pixels", "fits"] == "2 of 4 fits"
    assert caps.loc["Calinski-Harabasz, Davies-Bouldin left empty", "fits"] == "1 of 4 fits"
    assert "above 300 segments" in caps.loc["Calinski-Harabasz, Davies-Bouldin left empty",
                                             "setting"]  # fmt: skip
    assert caps.loc["Potts smoothing stopped before it converged", "fits"] == (
        "2 of 3 smoothed fits"
    )
    assert caps.loc["criteria left empty: one segment", "fits"] == "1 of 4 fits"
    page = summary_html(RUN, pd.DataFrame(columns=["image", "width", "height"]), SETUPS,
                        picks(), {}, caps=caps.reset_index())  # fmt: skip
    assert "Samples, limits and skipped measures" in page and "2 of 3 smoothed fits" in page


def test_the_page_lists_figures_not_drawn_and_says_when_nothing_picks_k(tmp_path):
    from segsweep.store.files import read_csv, write_csv
    from segsweep.tables.leaderboard import choice_of_k, choice_of_k_summary

    images = pd.DataFrame(columns=["image", "width", "height"])
    missing = [("scan", "rgb_edges", "ValueError: height and width must be > 0")]
    page = summary_html(RUN, images, SETUPS, picks(), {}, missing_figures=missing)
    assert "<h2>Figures not drawn</h2>" in page
    assert "<td>scan</td>" in page and "height and width must be &gt; 0" in page
    assert "Figures not drawn" not in summary_html(RUN, images, SETUPS, picks(), {})
    # no entry swept over k: the choice-of-k tables are empty but keep their columns, so
    # they can be read back, and the page says why there is nothing to show
    fits = pd.DataFrame({"image": ["a"], "space": ["lab"], "method": ["ucm"],
                         "parameter": ["level"], "value": [0.5], "ari": [0.3]})  # fmt: skip
    choice = choice_of_k(fits, picks().iloc[:0])
    write_csv(tmp_path / "summary.csv", choice_of_k_summary(choice))
    summary = read_csv(tmp_path / "summary.csv")
    assert summary.empty and "hit_rate" in summary
    leaderboard = pd.DataFrame(
        [dict(rank=1, space="lab", method="ucm", n_images=3, covering_ods=0.61234,
              covering_ods_low=0.5, covering_ods_high=0.7, parameter="level",
              covering_ods_value=0.5, covering_ois=0.7, covering_ois_low=np.nan,
              covering_ois_high=np.nan, pri_ods=0.8, vi_ods=1.5, ari_ods=0.4, p_value=np.nan,
              verdict="best")]
    )  # fmt: skip
    page = summary_html(RUN, images, SETUPS, picks(), {}, leaderboard, summary, alpha=0.05)
    assert "No entry is swept over k" in page


def test_provenance_checksums_each_image_and_each_of_its_truth_files(tmp_path):
    from segsweep.report.provenance import provenance

    image, first, second = (tmp_path / name for name in ("a.png", "a-1.png", "a-2.png"))
    for path, content in ((image, b"photo"), (first, b"one"), (second, b"two")):
        path.write_bytes(content)
    record = provenance({"k": [2]}, {"a": str(image)}, {"a": [str(first), str(second)]})
    assert record["inputs"]["a"]["sha256"] == hashlib.sha256(b"photo").hexdigest()
    assert [entry["sha256"] for entry in record["truth"]["a"]] == [
        hashlib.sha256(content).hexdigest() for content in (b"one", b"two")
    ]
    assert provenance({}, {"a": str(image)})["truth"] == {}  # a run without truth


def test_the_leaderboard_table_shows_every_registered_score_at_ods(monkeypatch):
    """The summary's headline columns come from the registry of measures: a score added
    there with ``leaderboard=`` shows beside PRI, VI and ARI, its direction in the note."""
    from segsweep.report.summary import directions, headline_scores, leaderboard_table
    from segsweep.score import measures

    dice = measures.Measure("dice", "Dice", True, "an example", per_pair=lambda f: 1.0,
                            leaderboard="dice")  # fmt: skip
    monkeypatch.setattr(measures, "SCORES", (*measures.SCORES, dice))
    board = pd.DataFrame({"rank": [1], "space": ["lab"], "method": ["kmeans"],
                          "parameter": ["k"], "covering_ods_value": [3.0], "verdict": ["best"],
                          "p_value": [np.nan]})  # fmt: skip
    for score in ("covering_ods", "covering_ois"):
        board[[score, f"{score}_low", f"{score}_high"]] = [[0.5, 0.4, 0.6]]
    for name, value in (("pri", 0.7), ("vi", 2.0), ("ari", 0.3), ("dice", 0.8)):
        board[f"{name}_ods"] = value
    table = leaderboard_table(board)
    assert [c for c in table if c.endswith(" ODS")] == ["PRI ODS", "VI ODS", "ARI ODS", "Dice ODS"]
    assert table.loc[0, "Dice ODS"] == "0.800"
    assert directions(headline_scores(board)) == (
        "PRI, ARI, Dice: higher is better; VI: lower is better."
    )
    assert "Dice ODS" not in leaderboard_table(board.drop(columns="dice_ods"))
