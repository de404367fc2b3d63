"""The measure step (criteria and scores of every fit of one image) and the registry of
measures it and the leaderboard read."""

import numpy as np
import pytest

from segsweep.score.boundaries import curve_point
from segsweep.score.measure import measure
from segsweep.score.measures import (
    CRITERIA,
    GROUPS,
    groups_of,
    interval_scores,
    leaderboard_measures,
    per_image_columns,
    pick_criteria,
    scores_of,
)


def two_halves(height=12, width=16):
    """A photo dark on the left and bright on the right, its annotation the two halves."""
    rgb = np.zeros((height, width, 3), dtype=np.uint8)
    rgb[:, width // 2 :] = 200
    truth = np.zeros((height, width), dtype=np.int64)
    truth[:, width // 2 :] = 1
    return rgb, truth


def test_measure_scores_each_spaces_own_label_maps_in_their_order():
    """In ``rgb`` the fit at 2 is the annotation itself and the fit at 3 splits it again;
    in ``lab`` the fit at 2 is one region: each row must carry its own space's map."""
    rgb, truth = two_halves()
    split = truth.copy()
    split[: truth.shape[0] // 2] += 2
    label_maps = {("rgb", 2.0, 0): truth, ("rgb", 3.0, 0): split,
                  ("lab", 2.0, 0): np.zeros_like(truth)}  # fmt: skip
    measures, timings = measure(rgb, [truth], label_maps, silhouette_sample=50)
    assert measures[["space", "value", "seed"]].values.tolist() == [
        ["rgb", 2.0, 0], ["rgb", 3.0, 0], ["lab", 2.0, 0]]  # fmt: skip
    assert measures.columns.tolist()[:3] == ["space", "value", "seed"]
    assert measures["ari"].tolist()[0] == pytest.approx(1.0)
    assert measures["ari"].tolist()[2] == pytest.approx(0.0)
    assert 0 < measures["ari"].tolist()[1] < 1
    assert measures["bdry_f"].tolist()[0] == pytest.approx(1.0)
    assert measures.index.tolist() == [0, 1, 2]
    assert timings.columns.tolist() == ["space", "value", "seed", "evaluate_seconds"]
    assert timings["space"].tolist() == ["rgb", "rgb", "lab"]
    assert (timings["evaluate_seconds"] >= 0).all() and timings.index.tolist() == [0, 1, 2]


def test_measure_without_truth_gives_criteria_only_and_nothing_to_measure_empty_tables():
    rgb, truth = two_halves()
    measures, _ = measure(rgb, [], {("rgb", 2.0, 0): truth}, silhouette_sample=50)
    assert "ari" not in measures.columns and "silhouette" in measures.columns
    measures, timings = measure(rgb, [truth], {}, silhouette_sample=50)
    assert measures.empty and measures.columns.tolist() == ["space", "value", "seed"]
    assert timings.empty and timings.columns.tolist() == ["space", "value", "seed"]


def test_the_config_turns_the_boundary_group_on_and_off():
    assert groups_of(None) == GROUPS == ("region", "boundary")
    assert groups_of({}) == ("region", "boundary")
    assert groups_of({"boundaries": True}) == ("region", "boundary")
    assert groups_of({"boundaries": False}) == ("region",)


def test_the_leaderboard_has_the_measures_a_table_has_the_parts_of():
    everything = [m.leaderboard for m in leaderboard_measures()]
    assert everything == ["covering", "pri", "vi", "ari", "boundary_f"]
    parts = per_image_columns()
    assert [m.leaderboard for m in leaderboard_measures(parts)] == everything
    assert [m.leaderboard for m in leaderboard_measures(["rand"])] == ["pri"]  # its part alone
    region = [c for c in parts if not c.startswith("bdry_")]
    assert [m.leaderboard for m in leaderboard_measures(region)] == everything[:4]
    assert interval_scores(region) == [f"{name}_{kind}" for name in everything[:4]
                                       for kind in ("ods", "ois")]  # fmt: skip
    assert interval_scores()[-3:] == ["boundary_f_ods", "boundary_f_ois", "boundary_f_ap"]


def test_the_leaderboard_gives_the_chosen_value_of_covering_and_ari():
    """PRI and VI are printed as the benchmark prints them, without the value ODS chose;
    boundary F's comes from its curve, the point between two values."""
    assert {m.leaderboard for m in leaderboard_measures() if m.ods_value} == {"covering", "ari"}


def test_each_criterions_direction_agrees_with_how_it_picks_k():
    """A criterion picked at its maximum is better higher; at its minimum or at the knee
    of a decreasing curve (inertia), better lower. The boundary scores are better higher."""
    rules = pick_criteria()
    for criterion in CRITERIA:
        column, rule = rules[criterion.picks_as]
        assert column == criterion.column
        assert criterion.higher_is_better == (rule == "max"), criterion.column
    boundary = {m.column: m.higher_is_better for m in scores_of(("boundary",))}
    assert {column for column, higher in boundary.items() if higher} == {
        "bdry_recall", "bdry_precision", "bdry_f"}  # fmt: skip
    assert {column for column, higher in boundary.items() if higher is False} == set()


@pytest.mark.parametrize(("position", "expected"),
                         [(0.0, 2.0), (0.5, 2.5), (1.25, 3.5), (2.5, 6.5), (3.0, 8.0)])  # fmt: skip
def test_curve_point_interpolates_the_swept_value_between_its_neighbours(position, expected):
    assert curve_point(np.array([2.0, 3.0, 5.0, 8.0]), position) == pytest.approx(expected)


def test_a_score_declared_for_the_leaderboard_joins_it_after_the_built_in_ones(monkeypatch):
    """One registry entry and nothing else: no order list to extend."""
    from segsweep.score import measures

    dice = measures.Measure("dice", "Dice", True, "an example", per_pair=lambda f: 1.0,
                            leaderboard="dice")  # fmt: skip
    monkeypatch.setattr(measures, "SCORES", (dice, *measures.SCORES))
    names = [m.leaderboard for m in measures.leaderboard_measures()]
    assert names == ["covering", "pri", "vi", "ari", "boundary_f", "dice"]
    assert measures.interval_scores()[-2:] == ["dice_ods", "dice_ois"]
    assert "dice_ods" not in measures.interval_scores(["rand", "vi"])  # a table without it
