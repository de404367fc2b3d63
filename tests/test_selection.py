import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segsweep.figures.choice import chosen_map, chosen_value, nearest_fitted
from segsweep.fit.setup import value_label
from segsweep.tables.selection import knee, merge_tables, pick_k


def test_knee_of_a_clear_elbow():
    ks = [1, 2, 3, 4, 5, 6, 7, 8]
    inertia = [100, 40, 12, 10, 9, 8, 7.5, 7]
    assert knee(ks, inertia) == 3


def test_knee_does_not_depend_on_scale():
    ks = np.arange(2, 11)
    curve = 1.0 / ks**1.5
    assert knee(ks, curve) == knee(ks, 1000 * curve + 5)


def test_knee_with_too_few_points_or_a_flat_curve():
    assert knee([2, 3], [5.0, 1.0]) == 2
    assert knee([2, 3, 4], [1.0, 1.0, 1.0]) == 2
    # a curve that does not fall has no knee: the first k, however little it rises
    assert knee([2, 3, 4], [1.0, 1.4, 1.5]) == 2
    assert knee([2, 3, 4], [1.0, 3.0, 3.0]) == 2


def make_fits():
    rows = []
    for seed, noise in ((0, 0.0), (1, 0.2)):
        for k, inertia, sil, ch, db, bic in (
            (2, 100.0, 0.50, 10.0, 0.9, 50.0),
            (3, 30.0, 0.70, 30.0, 0.5, 20.0),
            (4, 25.0, 0.60, 40.0, 0.7, 30.0),
            (5, 22.0, 0.55, 35.0, 0.8, 40.0),
        ):
            rows.append(
                dict(image="im", space="rgb", method="gmm", parameter="k", value=float(k), k=k,
                     seed=seed, inertia=inertia + noise,
                     silhouette=sil, calinski_harabasz=ch, davies_bouldin=db, bic=bic, aic=bic - 1)
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_pick_k_directions():
    picks = pick_k(make_fits()).set_index("criterion")
    assert picks.loc["elbow", "k"] == 3
    assert picks.loc["silhouette", "k"] == 3
    assert picks.loc["calinski_harabasz", "k"] == 4
    assert picks.loc["davies_bouldin", "k"] == 3
    assert picks.loc["bic", "k"] == 3 and picks.loc["aic", "k"] == 3
    # value is the seed average at the picked k
    assert picks.loc["elbow", "value"] == pytest.approx(30.1)


def test_no_k_is_picked_for_a_method_swept_over_its_own_parameter():
    fits = make_fits().assign(parameter="scale", value=lambda t: t["k"] * 100.0)
    assert pick_k(fits).empty
    both = pd.concat([make_fits(), fits.assign(method="fh")])
    assert set(pick_k(both)["method"]) == {"gmm"}


def test_pick_k_skips_criteria_a_method_lacks():
    fits = make_fits().assign(bic=np.nan, aic=np.nan)
    assert set(pick_k(fits)["criterion"]) == {
        "elbow",
        "silhouette",
        "calinski_harabasz",
        "davies_bouldin",
    }


def test_merge_tables_concatenates_jobs_and_sorts():
    keys = dict(image="im", space="rgb", method="kmeans")
    jobs = [
        pd.DataFrame([{**keys, "value": 3.0, "seed": 0, "inertia": 1.0, "silhouette": 0.6}]),
        pd.DataFrame(
            [
                {**keys, "method": "gmm", "value": 2.0, "seed": 0, "inertia": 3.0},
                {**keys, "value": 2.0, "seed": 0, "inertia": 2.0, "silhouette": 0.4},
            ]
        ),
    ]
    merged = merge_tables(jobs)
    assert merged[["method", "value"]].values.tolist() == [["gmm", 2], ["kmeans", 2], ["kmeans", 3]]
    assert merged["silhouette"].isna().tolist() == [True, False, False]


def test_the_k_drawn_is_the_configured_one_else_the_elbows_else_the_nearest_fitted():
    picks = pd.DataFrame(
        [dict(space="lab", method="km", criterion=c, k=k) for c, k in (("elbow", 4), ("bic", 7))]
    )
    maps = {k: np.full((2, 2), k) for k in (2, 3, 4, 5)}
    assert chosen_value(picks, "lab", "km", configured=3) == 3
    assert chosen_value(picks, "lab", "km", configured=None) == 4
    assert chosen_value(picks, "rgb", "km", configured=None) is None  # no elbow pick
    k, labels = chosen_map(maps, picks, "lab", "km", configured=None)
    assert k == 4 and labels[0, 0] == 4
    assert nearest_fitted(maps, 9) == 5  # above the largest fitted k
    assert nearest_fitted({7: None}, 2) == 7  # one map: that one
    assert nearest_fitted({2: None, 4: None}, 3) == 2  # a tie goes to the smaller


def test_a_method_swept_over_its_own_parameter_draws_its_middle_value():
    picks = pd.DataFrame([dict(space="lab", method="fh", criterion="elbow", k=4)])
    maps = {scale: np.full((2, 2), scale) for scale in (50.0, 100.0, 200.0, 400.0)}
    # neither the configured k nor a k pick applies to a scale
    value, labels = chosen_map(maps, picks, "lab", "fh", configured=3, parameter="scale")
    assert value == 100.0 and labels[0, 0] == 100.0
    assert chosen_map({0.2: None}, picks, "lab", "ms", None, "quantile")[0] == 0.2
    assert value_label("scale", 300.0) == "scale = 300" and value_label("k", 4.0) == "k = 4"


def knee_by_geometry(ks, values):
    """The knee as kneedle defines it, by plain geometry: both axes scaled to [0, 1], the
    point farthest from the chord joining the first and last points, on the side below it
    (perpendicular distance along the normal; the smallest k on a tie)."""
    ks, values = np.asarray(ks, float), np.asarray(values, float)
    x = (ks - ks.min()) / (ks.max() - ks.min())
    span = values.max() - values.min()
    y = (values - values.min()) / span if span else np.zeros_like(values)
    start, end = np.array([x[0], y[0]]), np.array([x[-1], y[-1]])
    normal = np.array([end[1] - start[1], start[0] - end[0]])  # points below the chord
    below = (np.stack([x, y], axis=1) - start) @ normal / np.linalg.norm(normal)
    return ks[int(np.argmax(below))]


@settings(max_examples=80, deadline=None)
@given(st.integers(3, 12), st.floats(0.5, 3.0), st.integers(0, 10_000), st.floats(1e-3, 1e4))
def test_knee_is_the_point_farthest_below_the_chord(n, power, seed, scale):
    rng = np.random.default_rng(seed)
    ks = np.sort(rng.choice(np.arange(2, 40), size=n, replace=False))
    values = scale / ks**power * np.exp(rng.normal(0, 0.05, n))
    values = np.sort(values)[::-1]  # decreasing, as inertia over k
    assert knee(ks, values) == knee_by_geometry(ks, values)


def test_each_criterion_picks_by_its_own_rule_among_the_k_it_has():
    fits = make_fits()
    fits.loc[fits["k"] == 4, "calinski_harabasz"] = np.nan  # left empty at k = 4
    picks = pick_k(fits)
    assert picks.columns.tolist() == ["image", "space", "method", "criterion", "k", "value"]
    assert picks["criterion"].tolist() == ["elbow", "bic", "aic", "silhouette",
                                           "calinski_harabasz", "davies_bouldin"]  # fmt: skip
    by = picks.set_index("criterion")
    means = fits.groupby("k").mean(numeric_only=True)
    assert by.loc["calinski_harabasz", "k"] == 5  # the best of 2, 3 and 5
    for criterion, column, best in (
        ("bic", "bic", means["bic"].idxmin()),
        ("davies_bouldin", "davies_bouldin", means["davies_bouldin"].idxmin()),
        ("silhouette", "silhouette", means["silhouette"].idxmax()),
    ):
        assert by.loc[criterion, "k"] == best
        assert by.loc[criterion, "value"] == pytest.approx(means.loc[best, column])
    assert by.loc["elbow", "k"] == knee(means.index, means["inertia"])


def test_picks_only_where_k_is_swept_and_there_is_a_choice():
    fits = make_fits()
    one_k = fits[fits["k"] == 3].assign(method="one_k")
    eps = fits.assign(method="dbscan", parameter="eps")  # named before k, as "eps" < "k"
    picks = pick_k(pd.concat([fits, one_k, eps]))
    assert set(picks["method"]) == {"gmm"}
    # a group with one k sorted before the others stops nothing; two k are a choice
    first = fits[fits["k"] == 3].assign(method="a_one_k")
    pair = fits[fits["k"] <= 3].assign(method="pair")
    picks = pick_k(pd.concat([first, fits, pair]))
    assert set(picks["method"]) == {"gmm", "pair"}
    two = pd.concat([fits, fits.assign(space="lab", image="im2")])
    shuffled = two.iloc[::-1]  # the last image first
    pd.testing.assert_frame_equal(pick_k(shuffled), pick_k(two))  # sorted whatever the input
    picks = pick_k(two)
    assert picks[["image", "space"]].drop_duplicates().values.tolist() == [
        ["im", "rgb"], ["im2", "lab"]]  # fmt: skip


def test_merge_tables_sorts_by_every_key_and_numbers_rows_afresh():
    keys = dict(image="b", space="rgb", method="km", value=2.0)
    jobs = [pd.DataFrame([{**keys, "seed": 1, "x": 1}, {**keys, "seed": 0, "x": 2}]),
            pd.DataFrame([{**keys, "image": "a", "seed": 5, "x": 3}])]  # fmt: skip
    merged = merge_tables(jobs)
    assert merged["x"].tolist() == [3, 2, 1]
    assert merged.index.tolist() == [0, 1, 2]
    assert merged.columns.tolist() == ["image", "space", "method", "value", "seed", "x"]


def test_the_elbow_pick_of_another_space_or_method_is_not_drawn():
    picks = pd.DataFrame([dict(space="rgb", method="km", criterion="elbow", k=4),
                          dict(space="lab", method="gmm", criterion="elbow", k=5),
                          dict(space="lab", method="km", criterion="bic", k=6)])  # fmt: skip
    assert chosen_value(picks, "lab", "km", configured=None) is None
    assert chosen_value(picks, "rgb", "km", configured=None) == 4
    maps = {v: np.full((1, 1), v) for v in (0.1, 0.2, 0.3, 0.4, 0.5)}
    assert chosen_map(maps, picks, "lab", "x", None, "eps")[0] == 0.3  # the middle of five


def test_merge_tables_puts_each_fit_beside_its_measures_and_leaves_the_unmeasured_empty():
    keys = dict(space="rgb", method="km", value=2.0, seed=0)
    fits = [pd.DataFrame([{**keys, "image": "b", "inertia": 1.0}]),
            pd.DataFrame([{**keys, "image": "a", "inertia": 2.0},
                          {**keys, "image": "c", "inertia": 3.0}])]  # fmt: skip
    measures = [pd.DataFrame([{**keys, "image": "c", "ari": 0.3}]),
                pd.DataFrame([{**keys, "image": "a", "ari": 0.1}])]  # fmt: skip
    merged = merge_tables(fits, measures)
    assert merged["image"].tolist() == ["a", "b", "c"]
    assert merged["inertia"].tolist() == [2.0, 1.0, 3.0]
    assert merged["ari"].tolist()[::2] == [0.1, 0.3] and np.isnan(merged["ari"].iloc[1])
    assert merged.index.tolist() == [0, 1, 2]
    with pytest.raises(pd.errors.MergeError):  # a fit measured twice is a wiring mistake
        merge_tables(fits, [*measures, measures[0]])
