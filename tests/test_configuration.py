import copy
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from segsweep import configuration
from segsweep.errors import ConfigError
from segsweep.fit.setup import OPTION_DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = str(ROOT / "workflow" / "schemas" / "config.schema.yaml")


def load_default_config():
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    validate(config, SCHEMA, set_default=True)
    return config


def test_shipped_config_is_valid_and_complete():
    config = load_default_config()
    setups = configuration.check(config)
    assert set(setups) == {"kmeans", "gmm"}
    assert setups["gmm"].params["covariance_type"] == "full"


def test_schema_fills_defaults():
    config = {"methods": {"kmeans": {}}}
    validate(config, SCHEMA, set_default=True)
    assert config["k"] == list(range(2, 11))
    assert config["images"]["folder"] == "data/images"
    assert config["sample_size"] == 50000
    assert configuration.method_setups(config)["kmeans"].method == "kmeans"


def test_every_schema_key_has_a_description_and_default():
    schema = yaml.safe_load(Path(SCHEMA).read_text())

    def walk(node, path):
        for key, sub in node.get("properties", {}).items():
            assert "description" in sub, f"{path}{key} has no description"
            assert "default" in sub, f"{path}{key} has no default"
            walk(sub, f"{path}{key}.")

    walk(schema, "")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.update(colour="x"), "colour"),
        (lambda c: c.update(k=[1, 2]), "1"),
        (lambda c: c.update(k=[]), "k"),
        (lambda c: c.update(spaces=[]), "spaces"),
        (lambda c: c.update(sample_size="most"), "most"),
        (lambda c: c["images"].update(max_pixels=0), "0"),
    ],
)
def test_schema_rejects_bad_values(change, message):
    config = copy.deepcopy(load_default_config())
    change(config)
    with pytest.raises(WorkflowError, match=message):
        validate(config, SCHEMA, set_default=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["methods"].update(x={"method": "spectral"}), "methods.x: unknown method"),
        (
            lambda c: c["methods"]["kmeans"]["params"].update(n_inits=2),
            r"methods.kmeans.params: unknown parameter\(s\) \['n_inits'\]",
        ),
        (lambda c: c.update(sample_size=5), "sample_size: 5 is smaller than the largest k"),
        (lambda c: c["figures"].update(seed=9), "figures.seed: 9 is not one of seeds"),
        (
            lambda c: c["methods"]["kmeans"].update(grid=[2, 3.5]),
            r"methods.kmeans.grid: k must be whole numbers >= 2, got 3.5",
        ),
        (
            lambda c: c["methods"]["kmeans"].update(grid=[1, 2]),
            r"methods.kmeans.grid: k must be whole numbers >= 2, got 1",
        ),
        (
            lambda c: c["methods"].update(ms={"method": "meanshift", "grid": [0.1, -1.0]}),
            r"methods.ms.grid: -1.0 is below the minimum 0.0",
        ),
        (
            lambda c: c["methods"].update(ms={"method": "meanshift", "params": {"quantile": 0.1}}),
            r"methods.ms.params.quantile: quantile is the parameter 'meanshift' is swept over; "
            r"give its values as methods.ms.grid instead",
        ),
        (
            lambda c: c["methods"].update(o={"method": "otsu", "grid": [8, 9]}),
            r"methods.o: 'otsu' fits k up to 6 only",
        ),
        (
            lambda c: c["methods"].update(o={"method": "otsu", "spaces": ["grey"]}),
            r"methods.o.spaces: \['grey'\] not in the top-level spaces",
        ),
        (
            lambda c: (
                c.update(spaces=["rgb", "grey"])
                or c["methods"].update(o={"method": "otsu", "spaces": ["rgb"]})
            ),
            r"methods.o: 'otsu' works in spaces \['grey'\] only, none of which is in "
            r"methods.o.spaces \['rgb'\]",
        ),
    ],
)
def test_check_names_the_key(change, message):
    config = copy.deepcopy(load_default_config())
    change(config)
    with pytest.raises(ConfigError, match=message):
        configuration.check(config)


def test_a_setup_runs_in_the_spaces_it_names_only():
    config = copy.deepcopy(load_default_config())
    config["spaces"] = ["rgb", "lab", "grey"]
    config["methods"] = {"otsu": {"method": "otsu", "spaces": ["grey"]},
                         "kmeans_lab": {"method": "kmeans", "spaces": ["lab"]},
                         "kmeans": {"method": "kmeans"}}  # fmt: skip
    setups = configuration.check(config)
    runs_in = {label: [space for space in config["spaces"]
                       if setup.runs_in(space)]
               for label, setup in setups.items()}  # fmt: skip
    assert runs_in == {"otsu": ["grey"], "kmeans_lab": ["lab"], "kmeans": ["rgb", "lab", "grey"]}


def test_sample_size_all_means_every_pixel_and_a_method_may_set_its_own():
    config = load_default_config()
    config["sample_size"] = "all"
    setups = configuration.method_setups(config)
    assert setups["kmeans"].sample_size is None
    assert setups["gmm"].sample_size == 30000  # the shipped config's own for gmm
    config["methods"]["gmm"]["sample_size"] = "all"
    assert configuration.method_setups(config)["gmm"].sample_size is None


def test_each_method_has_its_grid_the_configured_k_or_its_own():
    config = load_default_config()
    config["k"] = [2, 4, 8]
    config["methods"]["gmm"]["grid"] = [5, 3, 3]
    config["methods"]["ms"] = {"method": "meanshift"}
    config["methods"]["ms2"] = {"method": "meanshift", "grid": [0.5, 0.25]}
    config["methods"]["otsu"] = {"method": "otsu"}
    setups = configuration.method_setups(config)
    assert (setups["kmeans"].parameter, list(setups["kmeans"].grid)) == ("k", [2, 4, 8])
    assert list(setups["gmm"].grid) == [3, 5]  # its own, sorted, without repeats
    assert setups["ms"].parameter == "quantile" and list(setups["ms"].grid) == [0.1, 0.2, 0.3]
    assert list(setups["ms2"].grid) == [0.25, 0.5]
    assert list(setups["otsu"].grid) == [2, 4]  # k above its largest (6) left out
    # the sample may be smaller than k of other methods: meanshift sweeps no k
    config["methods"] = {"ms": {"method": "meanshift", "sample_size": 5}}
    configuration.check(config)


def test_an_option_given_a_list_is_swept_at_one_value_of_the_methods_parameter():
    config = load_default_config()
    config["methods"] = {
        "merged": {"method": "gmm", "grid": [8], "split_regions": True,
                   "merge_boundaries": [0.06, 0.02, 0.04, 0.02]},
        "fh": {"method": "felzenszwalb", "grid": [200], "min_region": [50, 10]},
        "plain": {"method": "kmeans", "smoothing": 1.0},
    }  # fmt: skip
    setups = configuration.check(config)
    merged = setups["merged"]
    assert merged.parameter == "merge_boundaries"
    assert list(merged.grid) == [0.02, 0.04, 0.06] and merged.method_value == 8
    assert merged.at_value(0.04) == (
        8, {**OPTION_DEFAULTS, "split_regions": True, "merge_boundaries": 0.04}
    )  # fmt: skip
    assert merged.k_values == [8]
    fh = setups["fh"]
    assert (fh.parameter, list(fh.grid), fh.method_value) == ("min_region", [10, 50], 200)
    assert fh.k_values == []  # felzenszwalb fits no k
    plain = setups["plain"]
    assert plain.parameter == "k" and plain.method_value is None
    assert plain.at_value(3) == (
        3, {**OPTION_DEFAULTS, "smoothing": 1.0}
    )  # fmt: skip


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            {"method": "kmeans", "merge_boundaries": [0.02, 0.04]},
            r"^methods\.m\.merge_boundaries: a list of values sweeps merge_boundaries, so "
            r"'kmeans' needs one value of k: give it as methods\.m\.grid, e\.g\. \[2\]",
        ),
        (
            {"method": "felzenszwalb", "smoothing": [1, 2]},
            r"^methods\.m\.smoothing: .* 'felzenszwalb' needs one value of scale",
        ),
        (
            {"method": "kmeans", "grid": [4], "smoothing": [1, 2], "min_region": [10, 20]},
            r"^methods\.m: smoothing and min_region are each given a list of values",
        ),
    ],
)
def test_a_swept_option_needs_one_method_value_and_no_other_list(setup, message):
    config = load_default_config()
    config["methods"] = {"m": setup}
    with pytest.raises(ConfigError, match=message):
        configuration.check(config)


def test_schema_takes_a_number_or_a_list_for_numeric_options_only():
    config = load_default_config()
    config["methods"] = {"m": {"method": "kmeans", "grid": [3], "merge_boundaries": [0.1]}}
    validate(config, SCHEMA, set_default=True)
    for bad in ({"merge_boundaries": [-0.1]}, {"min_region": [1.5]}, {"split_regions": [True]},
                {"merge_boundaries": []}):  # fmt: skip
        config = load_default_config()
        config["methods"] = {"m": {"method": "kmeans", **bad}}
        with pytest.raises(WorkflowError):
            validate(config, SCHEMA, set_default=True)


def test_the_one_k_of_an_option_sweep_is_checked_against_the_sample_size():
    config = load_default_config()
    config["methods"] = {"m": {"method": "kmeans", "grid": [12], "sample_size": 10,
                               "min_region": [0, 10]}}  # fmt: skip
    with pytest.raises(ConfigError, match=r"^methods\.m\.sample_size: 10 is smaller .* \(12\)"):
        configuration.check(config)


def test_a_method_sample_smaller_than_k_names_its_key():
    config = load_default_config()
    config["methods"]["gmm"]["sample_size"] = 5
    with pytest.raises(ConfigError, match=r"^methods\.gmm\.sample_size: 5 is smaller"):
        configuration.check(config)


def test_option_defaults_agree_with_the_schema():
    schema = yaml.safe_load(Path(SCHEMA).read_text())
    setup = schema["properties"]["methods"]["additionalProperties"]["properties"]
    assert {key: setup[key]["default"] for key in OPTION_DEFAULTS} == (OPTION_DEFAULTS)


@pytest.mark.parametrize("path", sorted((ROOT / "workflow" / "configs").glob("*.yaml")))
def test_shipped_example_configs_are_valid(path):
    config = load_default_config()
    overrides = yaml.safe_load(path.read_text())
    config.update({key: value for key, value in overrides.items() if key == "methods"})
    for key, value in overrides.items():
        if isinstance(value, dict) and key != "methods":
            config[key] = {**config[key], **value}
        elif key != "methods":
            config[key] = value
    validate(config, SCHEMA, set_default=True)
    assert configuration.check(config)


def test_make_methods_lists_every_option_with_its_default():
    from segsweep.cli import describe_options

    listing = describe_options().splitlines()
    assert len(listing) == 1 + len(OPTION_DEFAULTS)
    assert listing[1].startswith("    xy_weight (default 0.0, or a list): Weight of pixel")
    assert any(line.startswith("    split_regions (default False): Split") for line in listing)
    assert any(
        line.startswith("    merge_boundaries (default 0.0, or a list): Merge adjacent")
        for line in listing
    )
    assert any(line.startswith("    merge_sigma (default 2.0): Width") for line in listing)
    assert any(line.startswith("    smoothing_max_iter (default 20): Sweeps") for line in listing)


def test_readme_option_sweep_example_is_a_valid_setup():
    readme = (ROOT / "docs" / "configuration.md").read_text()
    section = readme[readme.index("**Sweeping an option.**") :]
    start = section.index("```yaml\n") + len("```yaml\n")
    example = yaml.safe_load(section[start : section.index("```", start)])
    config = load_default_config()
    config["methods"] = copy.deepcopy(example["methods"])
    validate(config, SCHEMA, set_default=True)
    (setup,) = configuration.check(config).values()
    assert setup.parameter == "merge_boundaries" and setup.method_value == 8
    assert list(setup.grid) == sorted(example["methods"]["gmm_merged"]["merge_boundaries"])
    shipped = yaml.safe_load((ROOT / "workflow/configs/bsds500.yaml").read_text())
    assert example["methods"]["gmm_merged"] == shipped["methods"]["gmm_merged"]


def test_the_job_order_estimate_counts_models_maps_seeds_and_spaces():
    """Segment jobs start costliest first (Snakemake priority): the estimate counts a model
    per swept value unless the swept option only post-processes one fit, a map per value,
    the seeds of a seeded method only, and each colour space."""
    config = load_default_config()
    config["k"] = [2, 3, 4, 5]
    config["methods"] = {
        "gmm": {"method": "gmm"},
        "merged": {"method": "gmm", "grid": [8], "merge_boundaries": [0.02, 0.04, 0.06]},
        "xy": {"method": "gmm", "grid": [8], "xy_weight": [0.5, 1.0, 2.0]},
        "fh": {"method": "felzenszwalb", "grid": [100, 200, 400, 800]},
    }
    setups = configuration.method_setups(config)
    assert {label: s.models_per_value_set for label, s in setups.items()} == {
        "gmm": 4, "merged": 1, "xy": 3, "fh": 4}  # fmt: skip
    gmm, fh = setups["gmm"].method_class.fit_seconds, setups["fh"].method_class.fit_seconds
    map_seconds = 0.1
    assert setups["gmm"].seconds_per_image(1, 1) == pytest.approx(4 * gmm + 4 * map_seconds)
    assert setups["merged"].seconds_per_image(1, 1) == pytest.approx(gmm + 3 * map_seconds)
    assert setups["gmm"].seconds_per_image(3, 2) == pytest.approx(6 * (4 * gmm + 0.4))
    # felzenszwalb does not use the seed: three seeds cost what one does
    assert setups["fh"].seconds_per_image(3, 1) == pytest.approx(4 * fh + 0.4)


def test_check_files_asks_each_method_and_names_the_setup(tmp_path):
    config = load_default_config()
    config["methods"]["edges"] = {"method": "precomputed", "params": {"folder": str(tmp_path)}}
    setups = configuration.check(config)
    configuration.check_files(setups)  # kmeans and gmm name no files; the folder exists
    setups["edges"].params["folder"] = str(tmp_path / "missing")
    with pytest.raises(ConfigError, match="methods.edges.params.folder: .* is not a folder"):
        configuration.check_files(setups)
