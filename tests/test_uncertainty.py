import numpy as np
import pandas as pd
import pytest

from segsweep.benchmark import ods_ois
from segsweep.uncertainty import (
    TIED,
    WORSE,
    EntryScores,
    bootstrap_intervals,
    covering_at_ods,
    critical_difference,
    dataset_scores,
    groups_not_different,
    mean_ranks,
    paired_tests,
    seed_spread,
)


def entry_table(n_images, quality=0.6, noise=0.1, seed=0, ks=(2, 3, 4)):
    """Seed-averaged rows of one entry: per image and k, scores around ``quality``."""
    rng = np.random.default_rng(seed)
    rows = []
    for image in range(n_images):
        base = quality + rng.normal(0, noise)
        for k in ks:
            score = float(np.clip(base - 0.05 * abs(k - 3) + rng.normal(0, 0.02), 0, 1))
            rows.append(dict(image=f"i{image:03d}", value=k, rand=score, vi=2 - score, ari=score,
                             cover_num=score * 1000, cover_den=1000.0))  # fmt: skip
    return pd.DataFrame(rows)


def test_dataset_scores_equal_the_benchmark_definitions():
    table = entry_table(7, seed=3)
    table.loc[table.index % 5 == 0, "cover_den"] = 1500.0  # images of different sizes
    ours = dataset_scores(EntryScores.from_table(table))
    reference = ods_ois(table.rename(columns={"value": "threshold", "rand": "pri"}))
    assert ours["covering_ods"] == pytest.approx(reference["cover_ods"], abs=1e-15)
    assert ours["covering_ois"] == pytest.approx(reference["cover_ois"], abs=1e-15)
    assert ours["covering_ods_value"] == reference["cover_ods_threshold"]
    for score in ("pri", "vi"):
        assert ours[f"{score}_ods"] == pytest.approx(reference[f"{score}_ods"], abs=1e-15)
        assert ours[f"{score}_ois"] == pytest.approx(reference[f"{score}_ois"], abs=1e-15)
    by_k = table.groupby("value")["ari"].mean()
    assert ours["ari_ods"] == pytest.approx(by_k.max()) and ours["ari_ods_value"] == by_k.idxmax()


def test_intervals_hold_the_estimate_and_shrink_as_images_are_added():
    widths = []
    for n in (5, 20, 80):
        entry = EntryScores.from_table(entry_table(n, seed=n))
        intervals = bootstrap_intervals(entry, n_resamples=400, seed=0)
        estimate = dataset_scores(entry)
        for score, (low, high) in intervals.items():
            assert low <= estimate[score] + 1e-12 and estimate[score] <= high + 1e-12, score
        widths.append(intervals["covering_ods"][1] - intervals["covering_ods"][0])
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] / widths[2] == pytest.approx(2, rel=0.35)  # width ~ 1 / sqrt(images)


def test_ods_recomputed_in_each_resample_includes_the_choice_of_k():
    """Images that disagree on the best k: each resample re-chooses k, so the interval's
    upper end lies above the best fixed-k covering of an average resample."""
    rows = []
    for image in range(12):
        best = 2 if image % 2 else 4
        for k in (2, 4):
            score = 0.8 if k == best else 0.4
            rows.append(dict(image=str(image), value=k, rand=score, vi=1.0, ari=score,
                             cover_num=score, cover_den=1.0))  # fmt: skip
    entry = EntryScores.from_table(pd.DataFrame(rows))
    assert dataset_scores(entry)["covering_ods"] == pytest.approx(0.6)
    low, high = bootstrap_intervals(entry, 500, seed=0)["covering_ods"]
    assert low >= 0.6 - 1e-12 and high > 0.65  # max over k of a resample is never below 0.6


def test_intervals_are_seeded_and_need_three_images():
    entry = EntryScores.from_table(entry_table(10))
    assert bootstrap_intervals(entry, 200, seed=1) == bootstrap_intervals(entry, 200, seed=1)
    assert bootstrap_intervals(entry, 200, seed=1) != bootstrap_intervals(entry, 200, seed=2)
    assert bootstrap_intervals(EntryScores.from_table(entry_table(2)), 200, seed=1) == {}


def test_a_clearly_worse_entry_is_worse_and_an_identical_one_tied():
    good = entry_table(12, quality=0.7, seed=1)
    halved = good.assign(cover_num=good["cover_num"] * 0.5)
    scores = {"good": covering_at_ods(EntryScores.from_table(good)),
              "same": covering_at_ods(EntryScores.from_table(good.copy())),
              "halved": covering_at_ods(EntryScores.from_table(halved))}  # fmt: skip
    verdicts = paired_tests(scores, top="good", alpha=0.05).set_index("entry")
    assert verdicts.loc["good", "verdict"] == "best"
    assert verdicts.loc["same", "verdict"] == TIED and verdicts.loc["same", "p_value"] == 1.0
    assert verdicts.loc["halved", "verdict"] == WORSE
    # 12 images all one way: exact two-sided p = 2 / 2**12, doubled by Holm for 2 tests
    assert verdicts.loc["halved", "p_value"] == pytest.approx(2 * 2 / 2**12)
    few = {name: series.iloc[:2] for name, series in scores.items()}
    untested = paired_tests(few, top="good", alpha=0.05).set_index("entry")
    assert untested["verdict"].tolist() == ["best", "", ""]


def test_ranks_and_critical_difference():
    good = entry_table(10, quality=0.8, noise=0.01, seed=1)
    scores = {name: covering_at_ods(EntryScores.from_table(
                  good.assign(cover_num=good["cover_num"] * factor)))
              for name, factor in (("a", 1.0), ("b", 0.9), ("c", 0.5))}  # fmt: skip
    ranks = mean_ranks(scores)
    assert ranks.to_dict() == {"a": 1.0, "b": 2.0, "c": 3.0}
    # Demsar (2006), table 5(a): q_0.05 = 2.343 for 3 entries
    difference = critical_difference(3, 10, alpha=0.05)
    assert difference == pytest.approx(2.343 * np.sqrt(3 * 4 / 60), abs=1e-3)
    assert critical_difference(5, 10, alpha=0.05) == pytest.approx(
        2.728 * np.sqrt(5 * 6 / 60), abs=1e-3
    )
    assert groups_not_different(ranks, 1.5) == [["a", "b"], ["b", "c"]]
    assert groups_not_different(ranks, 2.5) == [["a", "b", "c"]]
    assert groups_not_different(ranks, 0.5) == []


def test_seed_spread():
    rows = []
    for seed, score in ((0, 0.5), (1, 0.6), (2, 0.7)):
        for k in (2, 3):
            rows.append(dict(seed=seed, image="a", value=k, cover_num=score * (k - 1) * 100,
                             cover_den=200.0))  # fmt: skip
    spread = seed_spread(pd.DataFrame(rows))
    assert spread == {"seed_min": 0.5, "seed_median": 0.6, "seed_max": 0.7}
