import os

import numpy as np
import pandas as pd
import pytest

from segsweep.store.files import (
    atomic_path,
    load_arrays,
    read_csv,
    read_json,
    save_arrays,
    write_csv,
    write_json,
)


def test_save_arrays_round_trip_and_identical_bytes(tmp_path):
    arrays = {"b": np.arange(12, dtype=np.uint8).reshape(3, 4), "a": np.eye(3)}
    save_arrays(tmp_path / "one.npz", arrays)
    save_arrays(tmp_path / "two.npz", dict(reversed(arrays.items())))
    assert (tmp_path / "one.npz").read_bytes() == (tmp_path / "two.npz").read_bytes()
    loaded = load_arrays(tmp_path / "one.npz")
    assert sorted(loaded) == ["a", "b"]
    np.testing.assert_array_equal(loaded["b"], arrays["b"])
    assert loaded["b"].dtype == np.uint8
    # numpy's own reader accepts the file
    with np.load(tmp_path / "one.npz") as archive:
        np.testing.assert_array_equal(archive["a"], np.eye(3))


def test_atomic_path_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_atomic_path_gives_normal_permissions(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("done")
    mask = os.umask(0o022)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert target.read_text() == "done"


def test_csv_and_json_round_trip(tmp_path):
    table = pd.DataFrame({"k": [2, 3], "inertia": [1.0 / 3.0, np.nan], "name": ["a", "b"]})
    write_csv(tmp_path / "t.csv", table)
    back = read_csv(tmp_path / "t.csv")
    assert back["k"].tolist() == [2, 3]
    assert back["inertia"].iloc[0] == pytest.approx(1.0 / 3.0, rel=1e-9)
    assert np.isnan(back["inertia"].iloc[1])
    write_json(tmp_path / "m.json", {"z": 1, "a": [1, 2]})
    assert read_json(tmp_path / "m.json") == {"a": [1, 2], "z": 1}
    assert (tmp_path / "m.json").read_text().index('"a"') < (tmp_path / "m.json").read_text().index(
        '"z"'
    )


def test_names_that_look_like_numbers_or_missing_values_stay_names(tmp_path):
    table = pd.DataFrame(
        {
            "image": ["0001", "1", "NA", "nan", "True", "1e3"],
            "method": ["kmeans"] * 6,
            "k": [2, 2, 3, 3, 4, 4],
            "ari": [0.5, np.nan, 1.0, 0.25, np.nan, 0.0],
            "degenerate": [False, True, False, False, True, False],
        }
    )
    write_csv(tmp_path / "t.csv", table)
    back = read_csv(tmp_path / "t.csv")
    assert back["image"].tolist() == ["0001", "1", "NA", "nan", "True", "1e3"]
    assert back["ari"].isna().tolist() == [False, True, False, False, True, False]
    assert back["degenerate"].dtype == bool and back["k"].dtype == np.int64
