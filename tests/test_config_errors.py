"""Bad configurations get one line per problem, the key path first (issue 13)."""

import copy
from pathlib import Path

import pytest
import yaml

from segsweep.config_errors import key_path, read_yaml, replace_sets, schema_problems
from segsweep.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = read_yaml(ROOT / "workflow" / "schemas" / "config.schema.yaml")
SHIPPED = yaml.safe_load((ROOT / "config.yaml").read_text())


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ({"k": [1, 2]}, "k[0] = 1: must be an integer >= 2"),
        ({"colour_spaces": ["rgb"]}, "colour_spaces: unknown key; did you mean spaces?"),
        ({"methods": {}}, "methods: is empty; name at least one entry"),
        ({"sample_size": "most"}, "sample_size = 'most': must be an integer >= 2 or 'all'"),
        ({"seeds": [0, 0]}, "seeds = [0, 0]: has repeated values; list each once"),
        ({"images": {"max_pixel": 5}}, "images.max_pixel: unknown key; did you mean max_pixels?"),
        ({"methods": {"x": {"methd": 1}}}, "methods.x.methd: unknown key; did you mean method?"),
        ({"methods": {"a b": {}}}, "methods: the name 'a b' is not allowed;"),
        ({"k": "2-10"}, "k = '2-10': must be a list"),
        ({"figures": {"canny_sigma": 0}}, "figures.canny_sigma = 0: must be a number > 0"),
        ({"zzz": 1}, "zzz: unknown key; allowed: batch_size, bsds, criteria"),
        ({"methods": {"m": {"merge_boundaries": [0.1, -0.2]}}},
         "methods.m.merge_boundaries = [0.1, -0.2]: must be a number >= 0 or a list, each a "
         "number >= 0"),
        ({"methods": {"m": {"min_region": 2.5}}},
         "methods.m.min_region = 2.5: must be an integer >= 0 or a list, each an integer >= 0"),
    ],
)  # fmt: skip
def test_each_problem_is_one_line_with_the_key_first(change, line):
    config = {**copy.deepcopy(SHIPPED), **change}
    problems = schema_problems(config, SCHEMA)
    assert len(problems) == 1 and problems[0].startswith(line), problems
    assert "\n" not in problems[0]


def test_several_problems_give_several_lines():
    config = {**SHIPPED, "k": [1], "seeds": [-1], "spacse": []}
    assert schema_problems(config, SCHEMA) == [
        "k[0] = 1: must be an integer >= 2",
        "seeds[0] = -1: must be an integer >= 0",
        "spacse: unknown key; did you mean spaces?",
    ]


def test_the_shipped_configuration_has_no_problem():
    assert schema_problems(copy.deepcopy(SHIPPED), SCHEMA) == []


def test_yaml_syntax_errors_name_file_line_and_column(tmp_path):
    bad = tmp_path / "my.yaml"
    bad.write_text("k: [2, 3]\nspaces:\n\t- rgb\n")
    with pytest.raises(ConfigError, match=r"my\.yaml:3:1: YAML syntax error: .*'\\t'"):
        read_yaml(bad)
    bad.write_text("- just\n- a list\n")
    with pytest.raises(ConfigError, match="holds a list, not a mapping"):
        read_yaml(bad)
    with pytest.raises(ConfigError, match="cannot be read"):
        read_yaml(tmp_path / "missing.yaml")


def test_a_user_file_naming_methods_gives_the_whole_set(tmp_path):
    mine = tmp_path / "mine.yaml"
    mine.write_text("methods:\n  kmeans: {method: kmeans}\n")
    merged = {**copy.deepcopy(SHIPPED)}  # as Snakemake merges: gmm would stay
    merged["methods"]["kmeans"] = {"method": "kmeans"}
    assert set(replace_sets(merged, [mine])["methods"]) == {"kmeans"}
    mine.write_text("methods: {}\n")
    assert replace_sets(merged, [mine])["methods"] == {}
    mine.write_text("k: [2]\n")  # a file without methods leaves them as they are
    assert set(replace_sets({"methods": {"gmm": {}}}, [mine])["methods"]) == {"gmm"}


def test_key_paths():
    assert key_path(["methods", "gmm", "params"]) == "methods.gmm.params"
    assert key_path(["k", 0]) == "k[0]"
    assert key_path([]) == ""


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("colour_spaces: [rgb]\n", "config colour_spaces: unknown key; did you mean spaces?"),
        ("methods:\n  km: {method: kmeans, params: {n_init: 0}}\n", "methods.km.params.n_init"),
        ("k: [2, 3\n", "mine.yaml:2:1: YAML syntax error"),
        ("spaces: [rgb, cmyk]\n", "spaces[1] = 'cmyk': must be one of ['rgb', 'hsv',"),
    ],
)
def test_check_config_catches_what_the_workflow_would(tmp_path, capsys, text, line):
    """``make run CONFIG=FILE`` checks the file first: a misspelt key (the schema), a value
    only the cross-key checks refuse, a syntax error; each one line, status 1."""
    from segsweep import cli

    mine = tmp_path / "mine.yaml"
    mine.write_text(text)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["check-config", str(mine)])
    assert stopped.value.code == 1
    error = capsys.readouterr().err
    assert line in error and "Traceback" not in error


def test_check_config_accepts_a_valid_file_over_config_yaml(tmp_path, capsys):
    from segsweep import cli
    from segsweep.config_errors import merged_config

    mine = tmp_path / "mine.yaml"
    mine.write_text("k: [2, 4]\nmethods:\n  kmeans: {}\n")
    cli.main(["check-config", str(mine)])
    assert capsys.readouterr().err == ""
    merged = merged_config(ROOT / "config.yaml", [mine])
    assert merged["k"] == [2, 4] and set(merged["methods"]) == {"kmeans"}
    assert merged["spaces"] == SHIPPED["spaces"]  # the rest from config.yaml
