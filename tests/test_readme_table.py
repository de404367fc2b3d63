"""README's BSDS500 table is read from one run's tables (tests/tools/readme_table.py)."""

import pandas as pd
from tools.readme_table import seconds_per_image, table


def test_seconds_per_image_sum_an_entrys_values_per_image_then_average_over_images():
    timings = pd.DataFrame({
        "image": ["a", "a", "b", "b", "a"],
        "space": ["lab"] * 5,
        "method": ["kmeans"] * 4 + ["ward"],
        "fit_seconds": [1.0, 2.0, 3.0, 4.0, 5.0],
        "evaluate_seconds": [0.5, 0.5, 0.5, 0.5, 1.0],
    })  # fmt: skip
    seconds = seconds_per_image(timings)
    assert seconds[("lab", "kmeans")] == (4.0 + 8.0) / 2  # a: 1+2+1, b: 3+4+1
    assert seconds[("lab", "ward")] == 6.0  # its one image


def test_a_row_prints_the_run_s_scores_intervals_and_the_boundary_choice_when_it_differs():
    board = pd.DataFrame([{
        "space": "lab", "method": "kmeans", "parameter": "k",
        "covering_ods": 0.3961, "covering_ods_low": 0.3772, "covering_ods_high": 0.4144,
        "covering_ods_value": 3, "covering_ois": 0.4441, "pri_ods": 0.731, "pri_ois": 0.762,
        "vi_ods": 2.551, "vi_ois": 2.449, "boundary_f_ods": 0.4821,
        "boundary_f_ods_low": 0.4603, "boundary_f_ods_high": 0.5041,
        "boundary_f_ods_value": 2.0404, "boundary_f_ois": 0.5141, "boundary_f_ap": 0.1032,
    }])  # fmt: skip
    row = table(board).splitlines()[2]
    assert row == (
        "| `kmeans` | 0.396 [0.377, 0.414] | 0.444 | 0.73 / 0.76 | 2.55 / 2.45 "
        "| 0.482 [0.460, 0.504] | 0.514 | 0.103 | k = 3 (F: 2.04) |  |"
    )
