import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segsweep.score.benchmark import ods_ois
from segsweep.score.boundaries import AP_RECALLS
from segsweep.tables.uncertainty import (
    INTERVAL_SCORES,
    RESAMPLES_AT_ONCE,
    TIED,
    WORSE,
    EntryScores,
    choice_stability,
    covering_at_ods,
    critical_difference,
    dataset_scores,
    groups_not_different,
    mean_ranks,
    paired_tests,
    per_image_terms,
    ratio_interval,
    score_intervals,
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
            recall, precision = score, float(np.clip(score + 0.1 * (k - 3), 0.05, 1))
            rows.append(dict(image=f"i{image:03d}", value=k, rand=score, vi=2 - score, ari=score,
                             cover_num=score * 1000, cover_den=1000.0,
                             bdry_matched_truth=round(recall * 800), bdry_truth=800,
                             bdry_matched=round(precision * 600), bdry_pixels=600))  # fmt: skip
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
        intervals = score_intervals(entry)
        estimate = dataset_scores(entry)
        assert set(intervals) == set(INTERVAL_SCORES)
        for score, (low, high) in intervals.items():
            assert low < estimate[score] < high, score
        # AP alone takes a t interval, centred on its estimate
        low, high = intervals["boundary_f_ap"]
        assert estimate["boundary_f_ap"] - low == pytest.approx(high - estimate["boundary_f_ap"])
        widths.append(intervals["covering_ods"][1] - intervals["covering_ods"][0])
    assert widths[0] > widths[1] > widths[2]
    assert widths[1] / widths[2] == pytest.approx(2, rel=0.35)  # width ~ 1 / sqrt(images)


def test_per_image_terms_sum_to_the_dataset_scores():
    table = entry_table(9, seed=4)
    table.loc[table.index % 4 == 0, "cover_den"] = 1700.0
    table.loc[5, ["rand", "cover_num"]] = np.nan  # an image not fitted at one value
    entry = EntryScores.from_table(table)
    estimate = dataset_scores(entry)
    for score, (numerators, denominators) in per_image_terms(entry).items():
        assert numerators.sum() / denominators.sum() == pytest.approx(estimate[score]), score


def test_the_ratio_error_is_the_ratio_estimators_standard_error():
    from scipy import stats

    from segsweep.tables.uncertainty import ratio_with_error

    rng = np.random.default_rng(2)
    x, d = rng.uniform(200, 900, 12), rng.uniform(1000, 1500, 12)
    ratio, error = ratio_with_error(x, d)
    assert ratio == pytest.approx(x.sum() / d.sum(), rel=1e-12)
    # Cochran (1977), eq. 6.9: var(R) ~ sum((x - R d)^2) / (n (n - 1) mean(d)^2)
    expected = np.sqrt(np.sum((x - ratio * d) ** 2) / (12 * 11)) / d.mean()
    assert error == pytest.approx(expected, rel=1e-12)
    # denominators 1: the mean and scipy's standard error of it
    assert ratio_with_error(x, np.ones(12)) == pytest.approx((x.mean(), stats.sem(x)))
    # rows of resamples at once: one ratio and error per row
    rows = np.stack([x[:6], x[6:]]), np.stack([d[:6], d[6:]])
    ratios, errors = ratio_with_error(*rows)
    assert ratios[1] == pytest.approx(x[6:].sum() / d[6:].sum())
    assert errors[0] == pytest.approx(ratio_with_error(x[:6], d[:6])[1])


def test_the_ratio_interval_is_the_studentized_bootstrap_of_the_ratio():
    """The ratio minus the t values' upper and lower quantiles times its standard error,
    checked against scipy's bootstrap over the same seeded resamples one at a time, with
    the ratio and its error written from the definitions."""
    from scipy.stats import bootstrap

    rng = np.random.default_rng(5)
    n = 2 * RESAMPLES_AT_ONCE + 3  # several chunks of resamples
    x, d = rng.uniform(200, 900, n), rng.uniform(1000, 1500, n)
    ratio = x.sum() / d.sum()

    def error(xs, ds):
        r = xs.sum() / ds.sum()
        return np.sqrt(np.sum((xs - r * ds) ** 2) / (n * (n - 1))) / ds.mean()

    def t_value(rows):
        return (x[rows].sum() / d[rows].sum() - ratio) / error(x[rows], d[rows])

    resampled = bootstrap((np.arange(n),), t_value, vectorized=False, n_resamples=300,
                          method="percentile", rng=np.random.default_rng(7))  # fmt: skip
    ts = resampled.bootstrap_distribution
    upper, lower = np.quantile(ts, [0.95, 0.05])
    low, high = ratio_interval(x, d, 0.9, resamples=300, seed=7)
    assert low == pytest.approx(ratio - upper * error(x, d), rel=1e-9)
    assert high == pytest.approx(ratio - lower * error(x, d), rel=1e-9)
    assert ratio_interval(np.full(4, 3.0), np.ones(4), 0.95) == (3.0, 3.0)


def test_the_ratio_interval_follows_a_skewed_score_where_the_t_interval_is_short():
    """Scores near 1 with a long tail below, as a per-image PRI: over many datasets of 10
    images the studentized interval holds the true mean more often than the Student-t
    interval does, and reaches further below the estimate than above it."""
    from scipy import stats

    rng = np.random.default_rng(0)
    population_mean = 0.9  # of 1 - an exponential of mean 0.1
    held = {"studentized": 0, "t": 0}
    below_longer = 0
    for _ in range(300):
        scores = 1 - rng.exponential(0.1, 10)
        low, high = ratio_interval(scores, np.ones(10), 0.95, resamples=499, seed=1)
        t_low, t_high = stats.t.interval(0.95, 9, loc=scores.mean(), scale=stats.sem(scores))
        held["studentized"] += low <= population_mean <= high
        held["t"] += t_low <= population_mean <= t_high
        below_longer += scores.mean() - low > high - scores.mean()
    assert held["studentized"] > held["t"] + 6  # about 95% against 90% (seeds 0-2)
    assert held["studentized"] >= 0.91 * 300
    assert below_longer > 0.9 * 300


def test_the_interval_is_at_the_chosen_value_and_the_choice_is_reported_apart():
    """Images that disagree on the best value: a bootstrap that chose again in every
    resample gave an interval at or above the estimate. The interval at the chosen value
    holds the estimate; how often resamples choose another value is the choice's share."""
    rows = []
    for image in range(12):
        best = 2 if image % 2 else 4
        for k in (2, 4):
            score = 0.8 if k == best else 0.4
            rows.append(dict(image=str(image), value=k, rand=score, vi=1.0, ari=score,
                             cover_num=score, cover_den=1.0))  # fmt: skip
    entry = EntryScores.from_table(pd.DataFrame(rows))
    assert dataset_scores(entry)["covering_ods"] == pytest.approx(0.6)
    low, high = score_intervals(entry)["covering_ods"]
    assert low < 0.6 < high
    share = choice_stability(entry, 500, seed=0)
    assert 0.3 < share < 0.8  # k = 2 wins ties, so a little more than half
    clear = EntryScores.from_table(entry_table(12, seed=1))
    assert choice_stability(clear, 500, seed=0) > 0.9


def test_intervals_need_three_images_and_the_choice_share_is_seeded():
    assert score_intervals(EntryScores.from_table(entry_table(2))) == {}
    entry = EntryScores.from_table(entry_table(10, noise=0.01))
    assert choice_stability(entry, 200, seed=1) == choice_stability(entry, 200, seed=1)
    assert np.isnan(choice_stability(EntryScores.from_table(entry_table(2)), 200, seed=1))


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 12), st.integers(0, 10_000), st.floats(0.5, 0.99))
def test_every_interval_contains_its_estimate(n_images, seed, level):
    entry = EntryScores.from_table(entry_table(n_images, noise=0.2, seed=seed))
    estimate = dataset_scores(entry)
    for score, (low, high) in score_intervals(entry, level).items():
        assert low <= estimate[score] <= high, score


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
    # a run inside the last one (c, d within b, c, d) is not a group of its own
    nested = pd.Series([1.0, 1.5, 2.2, 2.3], index=list("abcd"))
    assert groups_not_different(nested, 1.0) == [["a", "b"], ["b", "c", "d"]]


def test_seed_spread():
    rows = []
    for seed, score in ((0, 0.5), (1, 0.6), (2, 0.7)):
        for k in (2, 3):
            rows.append(dict(seed=seed, image="a", value=k, cover_num=score * (k - 1) * 100,
                             cover_den=200.0))  # fmt: skip
    spread = seed_spread(pd.DataFrame(rows))
    assert spread == {"seed_min": 0.5, "seed_median": 0.6, "seed_max": 0.7}


def test_exactly_three_images_get_intervals_a_share_and_a_test():
    entry = EntryScores.from_table(entry_table(3, seed=5))
    assert set(score_intervals(entry)) == set(INTERVAL_SCORES)
    assert 0.0 <= choice_stability(entry, 100, seed=0) <= 1.0
    scores = {name: covering_at_ods(EntryScores.from_table(entry_table(3, quality=q, seed=5)))
              for name, q in (("a", 0.8), ("b", 0.5))}  # fmt: skip
    assert paired_tests(scores, top="a", alpha=0.05).set_index("entry").loc["b", "verdict"] != ""


def test_the_choice_share_counts_the_resamples_choosing_the_same_value_only():
    """The value chosen on every image is the larger one here, and some resamples choose
    the smaller: a share counting 'at most the chosen column' would be 1."""
    rows = []
    for image in range(8):
        better = 4 if image < 5 else 2  # most images prefer 4, three prefer 2
        for k in (2, 4):
            score = 0.7 if k == better else 0.5
            rows.append(dict(image=str(image), value=k, rand=score, vi=1.0, ari=score,
                             cover_num=score, cover_den=1.0))  # fmt: skip
    entry = EntryScores.from_table(pd.DataFrame(rows))
    assert dataset_scores(entry)["covering_ods_value"] == 4
    share = choice_stability(entry, 400, seed=0)
    assert 0.5 < share < 0.99


def test_images_missing_a_value_count_where_they_were_fitted():
    """An image not fitted at one value (a method's largest k, say) is left out of that
    value's sums, not counted as zero; ODS's choice and its share follow the pooled ratios."""
    rows = []
    for image in range(6):
        for k in (2, 3, 4):
            if k == 4 and image < 3:
                continue  # the small images were not fitted at k = 4
            den = 100.0 if image < 3 else 1000.0
            score = {2: 0.5, 3: 0.6, 4: 0.62}[k] if image >= 3 else {2: 0.9, 3: 0.2}[k]
            rows.append(dict(image=str(image), value=k, rand=score, vi=1.0, ari=score,
                             cover_num=score * den, cover_den=den))  # fmt: skip
    entry = EntryScores.from_table(pd.DataFrame(rows))
    scores = dataset_scores(entry)
    # k = 4: 0.62 over the large images alone; k = 3: (3 * 20 + 3 * 600) / 3300
    assert scores["covering_ods"] == pytest.approx(0.62)
    assert scores["covering_ods_value"] == 4
    assert choice_stability(entry, 300, seed=0) > 0.5


def test_a_p_value_equal_to_alpha_is_not_significant():
    good = entry_table(12, quality=0.7, seed=1)
    halved = good.assign(cover_num=good["cover_num"] * 0.5)
    scores = {"good": covering_at_ods(EntryScores.from_table(good)),
              "halved": covering_at_ods(EntryScores.from_table(halved))}  # fmt: skip
    p_value = 2 / 2**12  # exact: 12 images all one way, one test
    verdicts = paired_tests(scores, top="good", alpha=p_value).set_index("entry")
    assert verdicts.loc["halved", "p_value"] == p_value
    assert verdicts.loc["halved", "verdict"] == TIED


def test_every_entry_is_tested_against_the_top_whatever_its_name():
    good = entry_table(10, quality=0.8, seed=2)
    scores = {name: covering_at_ods(EntryScores.from_table(
                  good.assign(cover_num=good["cover_num"] * factor)))
              for name, factor in (("zz_top", 1.0), ("aa", 0.5), ("mm", 0.6))}  # fmt: skip
    scores["few"] = scores["aa"].iloc[:2]  # too few shared images: untested, the rest go on
    order = ["zz_top", "few", "aa", "mm"]
    tests = paired_tests({name: scores[name] for name in order}, top="zz_top", alpha=0.05)
    assert tests["entry"].tolist() == order
    assert tests["verdict"].tolist() == ["best", "", WORSE, WORSE]


def test_groups_join_entries_closer_than_the_difference_only():
    import pandas as pd

    ranks = pd.Series([1.0, 2.0, 2.5, 4.0], index=["a", "b", "c", "d"])
    assert groups_not_different(ranks, 1.0) == [["b", "c"]]  # 1.0 apart is not closer
    tight = pd.Series([1.0, 1.2, 1.4, 3.0], index=["a", "b", "c", "d"])
    assert groups_not_different(tight, 0.5) == [["a", "b", "c"]]  # b-c lies inside a-c
    assert groups_not_different(ranks, 1.5) == [["a", "b"], ["b", "c"]]  # nor 1.5 apart
    assert groups_not_different(ranks, 1.6) == [["a", "b", "c"], ["c", "d"]]
    assert groups_not_different(ranks, 3.5) == [["a", "b", "c", "d"]]


def test_the_rank_plot_needs_five_images_and_three_entries():
    from segsweep.tables.uncertainty import ranks_are_drawn

    assert ranks_are_drawn(5, 3) and ranks_are_drawn(200, 6)
    assert not ranks_are_drawn(4, 3) and not ranks_are_drawn(5, 2)


def test_a_resample_without_any_image_of_a_value_never_chooses_it():
    """Only image 0 was fitted at k = 4, where it is the best of all: resamples that leave
    it out have no covering at k = 4 at all, and must choose among the values they have."""
    rows = []
    for image in range(3):
        for k in (2, 3, 4):
            if k == 4 and image > 0:
                continue
            score = {2: 0.5, 3: 0.55, 4: 0.95}[k]
            rows.append(dict(image=str(image), value=k, rand=score, vi=1.0, ari=score,
                             cover_num=score, cover_den=1.0))  # fmt: skip
    entry = EntryScores.from_table(pd.DataFrame(rows))
    assert dataset_scores(entry)["covering_ods_value"] == 4
    # about (2/3)^3 of the resamples lack image 0
    assert 0.55 < choice_stability(entry, 2000, seed=0) < 0.85


def test_boundary_f_is_the_benchmarks_curve_of_pooled_counts():
    """Written from collect_eval_bdry.m's definitions with plain numpy, not the helpers."""
    table = entry_table(12, seed=8)
    ours = dataset_scores(EntryScores.from_table(table))
    sums = table.groupby("value")[["bdry_matched_truth", "bdry_truth", "bdry_matched",
                                   "bdry_pixels"]].sum().to_numpy()  # fmt: skip
    recall, precision = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 3]
    fine = []
    for i in range(len(recall) - 1):  # the curve between consecutive values, finely
        w = np.linspace(0, 1, 2001)
        r = recall[i] * (1 - w) + recall[i + 1] * w
        p = precision[i] * (1 - w) + precision[i + 1] * w
        fine.append(2 * p * r / (p + r))
    assert ours["boundary_f_ods"] == pytest.approx(np.concatenate(fine).max(), abs=2e-5)
    assert ours["boundary_f_ods"] >= (2 * precision * recall / (precision + recall)).max()
    totals = np.zeros(4)
    for _, rows in table.groupby("image"):
        counts = rows[["bdry_matched_truth", "bdry_truth", "bdry_matched", "bdry_pixels"]]
        counts = counts.to_numpy(dtype=float)
        r, p = counts[:, 0] / counts[:, 1], counts[:, 2] / counts[:, 3]
        totals += counts[np.argmax(2 * p * r / (p + r))]
    r, p = totals[0] / totals[1], totals[2] / totals[3]
    assert ours["boundary_f_ois"] == pytest.approx(2 * p * r / (p + r), abs=1e-15)
    order = np.argsort(recall)
    reached = np.interp(np.arange(101) / 100, recall[order], precision[order],
                        left=np.nan, right=np.nan)  # fmt: skip
    assert ours["boundary_f_ap"] == pytest.approx(np.nansum(reached) / 100, abs=1e-12)


def curve_counts(n, values=5, seed=3, recall=(0.3, 0.9), precision=(0.85, 0.2)):
    """Boundary counts of ``n`` images at ``values`` values: recall rising and precision
    falling along the curve (from the first to the last of each pair, or these values),
    images of different sizes, one image not fitted at a value."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(50, 200, (n, 1)) * np.ones((1, values))
    machine = rng.integers(20, 300, (n, values)).astype(float)
    recall = np.linspace(*recall, values) if len(recall) == 2 else np.asarray(recall)
    precision = np.linspace(*precision, values) if len(precision) == 2 else np.asarray(precision)
    counts = np.stack(
        [
            rng.binomial(truth.astype(int), recall),
            truth,
            rng.binomial(machine.astype(int), precision),
            machine,
        ],
        axis=-1,
    )
    counts = counts.astype(float)
    counts[3, 2] = np.nan
    return counts


def plain_f(counts, index, following, fraction):
    """F of counts (images, values, 4) pooled over images, at a point between two values,
    from the definitions."""
    sums = np.nansum(counts, axis=0)
    r = sums[:, 0] / sums[:, 1]
    p = sums[:, 2] / sums[:, 3]
    r = r[index] * (1 - fraction) + r[following] * fraction
    p = p[index] * (1 - fraction) + p[following] * fraction
    return 2 * r * p / (r + p)


def jackknife_error(counts, point):
    n = len(counts)
    leave_one_out = np.array([plain_f(np.delete(counts, i, axis=0), *point) for i in range(n)])
    return np.sqrt((n - 1) / n * ((leave_one_out - leave_one_out.mean()) ** 2).sum())


def test_f_with_error_is_the_pooled_f_with_the_jackknifes_standard_error():
    """The delta-method standard error of pooled F agrees with the jackknife's, an
    estimate made without derivatives, on many images."""
    from segsweep.tables.uncertainty import f_with_error

    counts = curve_counts(400)
    for point in ((1, 2, 0.25), (4, 4, 0.0)):
        f, error = f_with_error(counts, *point)
        assert f == pytest.approx(plain_f(counts, *point), rel=1e-12)
        assert error == pytest.approx(jackknife_error(counts, point), rel=0.03)
    batch = np.stack([counts[:10], counts[10:20]])  # (resamples, images, values, 4)
    f, error = f_with_error(batch, 1, 2, 0.5)
    assert f.shape == error.shape == (2,)
    assert f[1] == pytest.approx(plain_f(counts[10:20], 1, 2, 0.5), rel=1e-12)


def test_f_with_error_when_recall_and_precision_move_together_or_are_low():
    """Real images: one whose segmentation has more boundary pixels has higher recall and
    lower precision, so their parts in F's error are correlated and a sign in the delta
    method counts (with independent parts a wrong sign gives the same error). And a curve
    with recall plus precision below 1, where F's formula has no shortcut."""
    from segsweep.tables.uncertainty import f_with_error

    rng = np.random.default_rng(8)
    n = 400
    truth = rng.integers(50, 200, n).astype(float)
    density = rng.uniform(0.5, 3.0, n)  # machine boundary pixels per truth pixel
    machine = np.round(truth * density)
    recall = np.clip(0.25 * density, 0, 1)
    precision = np.clip(0.9 / density, 0, 1)
    together = np.stack([rng.binomial(truth.astype(int), recall), truth,
                         rng.binomial(machine.astype(int), precision), machine],
                        axis=-1)[:, None, :].astype(float)  # fmt: skip
    for counts in (together, curve_counts(400, recall=(0.1, 0.3), precision=(0.4, 0.2))):
        point = (0, 0, 0.0)
        f, error = f_with_error(counts, *point)
        assert f == pytest.approx(plain_f(counts, *point), rel=1e-12)
        assert error == pytest.approx(jackknife_error(counts, point), rel=0.03)
    assert plain_f(counts, *point) < 0.5  # the low curve's recall plus precision is below 1


def test_f_with_error_of_a_curve_with_nothing_matched_is_zero():
    from segsweep.tables.uncertainty import f_with_error

    counts = curve_counts(20, values=3)
    counts[..., 0] = counts[..., 2] = 0.0  # no boundary pixel matched anywhere
    f, error = f_with_error(counts, 0, 1, 0.5)
    assert (float(f), float(error)) == (0.0, 0.0)


#: Curves whose ODS point lies inside (between two values), at the last value of seven,
#: and between the last two of seven: (values, recall, precision, where ODS lies).
ODS_PLACES = {
    "inside": (5, (0.3, 0.9), (0.85, 0.2), lambda p: 0 < p % 1 < 1),
    "at the last value": (7, (0.3, 0.9), (0.95, 0.8), lambda p: p == 6),
    "between the last two": (7, (0.3, 0.95), (0.95, 0.94, 0.93, 0.92, 0.91, 0.9, 0.8),
                             lambda p: 5 < p < 6),
}  # fmt: skip


@pytest.mark.parametrize("place", list(ODS_PLACES))
def test_curve_intervals_are_the_studentized_bootstrap_for_f_and_a_t_interval_for_ap(place):
    """ODS and OIS: the bootstrap-t interval, F minus the t values' quantiles times F's
    standard error; AP: a t interval around its bootstrap standard error. Checked against
    scipy's bootstrap over the same seeded resamples one at a time, with statistics written
    from the definitions (every resample at once, in chunks, must give the same numbers),
    wherever on the curve ODS lies."""
    from scipy.stats import bootstrap, t

    from segsweep.tables.uncertainty import RESAMPLES_AT_ONCE, curve_intervals, f_with_error

    values, recall, precision, where = ODS_PLACES[place]
    n = 2 * RESAMPLES_AT_ONCE + 7
    counts = curve_counts(n, values, recall=recall, precision=precision)
    found = curve_intervals(counts, np.arange(values, dtype=float), 0.9, resamples=300, seed=4)

    def f(r, p):
        return 0.0 if r + p == 0 else 2 * r * p / (r + p)

    sums = np.nansum(counts, axis=0)
    curve = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 3]
    fine = [(f(curve[0][i] * (1 - w) + curve[0][i + 1] * w,
               curve[1][i] * (1 - w) + curve[1][i + 1] * w), i + w)
            for i in range(values - 1) for w in np.linspace(0, 1, 100)]  # fmt: skip
    ods, position = max(fine, key=lambda pair: pair[0])
    assert where(position), position
    index, fraction = int(position), position - int(position)
    following = min(index + 1, values - 1)
    with np.errstate(invalid="ignore"):
        per_image_f = (
            2
            * counts[..., 0]
            * counts[..., 2]
            / (counts[..., 0] * counts[..., 3] + counts[..., 2] * counts[..., 1])
        )
    own = counts[np.arange(n), np.nanargmax(per_image_f, axis=1)][:, None, :]
    points = {"ods": (counts, index, following, fraction), "ois": (own, 0, 0, 0.0)}
    for kind, (chosen, *point) in points.items():
        estimate, error = (float(x) for x in f_with_error(chosen, *point))

        def t_value(rows, chosen=chosen, point=point, estimate=estimate):
            f_star = plain_f(chosen[rows], *point)
            error_star = f_with_error(chosen[rows], *point)[1]
            return (f_star - estimate) / error_star

        ts = bootstrap(
            (np.arange(n),),
            t_value,
            vectorized=False,
            n_resamples=300,
            method="percentile",
            rng=np.random.default_rng(4),
        ).bootstrap_distribution
        upper, lower = np.quantile(ts, [0.95, 0.05])
        low, high = found[kind]
        centre = ods if kind == "ods" else estimate
        assert low == pytest.approx(centre - upper * error, rel=1e-9), kind
        assert high == pytest.approx(centre - lower * error, rel=1e-9), kind

    def ap(rows):
        s = np.nansum(counts[rows], axis=0)
        r, p = s[:, 0] / s[:, 1], s[:, 2] / s[:, 3]
        unique, first = np.unique(r, return_index=True)
        # the benchmark's grid of 101 recalls as segsweep spells it: k / 100 and linspace
        # differ in the last bit at some k, which decides a curve ending exactly there
        at = np.interp(AP_RECALLS, unique, p[first], left=np.nan, right=np.nan)
        return np.nansum(at) / 100

    error = bootstrap(
        (np.arange(n),),
        ap,
        vectorized=False,
        n_resamples=300,
        method="percentile",
        rng=np.random.default_rng(4),
    ).standard_error
    low, high = found["ap"]
    assert high - low == pytest.approx(2 * t.ppf(0.95, n - 1) * error, rel=1e-9)


def test_a_value_no_image_has_a_score_at_keeps_its_column():
    """Every score's matrix has a column per swept value, even one where a score is missing
    for every image (a fit that failed at that value on every image)."""
    table = entry_table(4)
    table.loc[table["value"] == 4, "rand"] = np.nan
    entry = EntryScores.from_table(table)
    assert entry.values.tolist() == [2, 3, 4]
    assert entry.matrices["rand"].shape == entry.matrices["ari"].shape == (4, 3)
    assert np.isnan(entry.matrices["rand"][:, 2]).all()


def test_the_leaderboard_intervals_take_999_resamples_with_seed_0():
    """docs/bsds500.md says the intervals draw 999 resamples of the images with seed 0."""
    from segsweep.score.measures import leaderboard_measures
    from segsweep.tables.uncertainty import _counts, curve_intervals

    entry = EntryScores.from_table(entry_table(9, seed=2))
    found = score_intervals(entry, 0.9)
    for score, (numerators, denominators) in per_image_terms(entry).items():
        assert found[score] == ratio_interval(numerators, denominators, 0.9, 999, 0), score
    curve = next(m for m in leaderboard_measures(entry.matrices) if m.curve_of)
    explicit = curve_intervals(_counts(entry, curve), entry.values, 0.9, resamples=999, seed=0)
    assert found["boundary_f_ods"] == explicit["ods"] and found["boundary_f_ap"] == explicit["ap"]
