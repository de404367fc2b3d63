import numpy as np
import pandas as pd
import pytest

from segsweep.selection import (
    chosen_map,
    chosen_value,
    knee,
    merge_tables,
    nearest_fitted,
    pick_k,
    value_label,
)


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
