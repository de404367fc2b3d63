"""The common checks over every registered method, as scikit-learn's ``estimator_checks``
run over every estimator: each reads what it needs from the method's own declarations (its
parameters, the effect of its swept parameter, whether it uses the seed, and its
``checks``: the inputs and values on which these can be seen to hold). A new method runs
them all without a line here."""

import numpy as np
import pytest
from external import write_external
from method_inputs import (
    CHECK_INPUTS,
    EXTERNAL,
    checks,
    create,
    fit_fingerprint,
    graded_patches,
    noise_image,
    object_on_plain_ground,
    quicker,
)

from segsweep.errors import ConfigError
from segsweep.fit import methods
from segsweep.store.labelmaps import canonical_labels

#: Every registered method and its declared checks.
CASES = [(name, cls.checks) for name, cls in sorted(methods.registry().items())]


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_every_method_declares_its_checks_on_the_inputs_the_checks_know(name):
    case = methods.get_method(name).checks
    assert isinstance(case, methods.CheckCase)
    assert len(case.sensitive) == 3 and list(case.sensitive) == sorted(case.sensitive)
    assert case.seed_input in CHECK_INPUTS
    assert set(CHECK_INPUTS) == set(methods.CHECK_INPUTS)


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_each_parameter_is_a_field_of_the_method(name):
    cls = methods.get_method(name)
    instance = cls(n_clusters=3, random_state=7)
    assert instance.get_params() == {"n_clusters": 3, "random_state": 7, **cls.defaults()}
    for key, spec in cls.param_specs.items():
        assert isinstance(cls.defaults()[key], spec.kind)


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_every_parameter_is_declared_and_checked(name):
    cls = methods.get_method(name)
    assert cls.summary and cls.param_specs
    defaults = methods.resolve_params(name, {})
    for key, spec in cls.param_specs.items():
        assert spec.check(defaults[key], key) == defaults[key]  # defaults are valid
        wrong = 1 if spec.kind is str else "text"
        with pytest.raises(ConfigError, match=f"methods.params.{key}"):
            methods.resolve_params(name, {key: wrong})


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_every_swept_parameter_has_a_valid_sorted_default_grid(name):
    cls = methods.get_method(name)
    grid = cls.default_grid(list(range(2, 11)))
    assert grid and grid == sorted(set(grid))
    if not cls.takes_k:
        spec = cls.param_specs[cls.sweeps]
        assert [spec.check(value, "grid") for value in grid] == grid


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_a_method_declares_how_long_a_fit_takes(name):
    """Jobs start costliest first: each method states its own seconds per fit (not the
    base class's placeholder), within what a BSDS500 image can take."""
    cls = methods.get_method(name)
    assert "fit_seconds" in vars(cls) and 0.01 <= cls.fit_seconds <= 10


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_every_method_is_deterministic_for_a_seed(name):
    image, _ = object_on_plain_ground()
    cls = methods.get_method(name)
    data = image if cls.input_kind == "image" else image.reshape(-1, 3)
    if cls.supported_spaces == ("grey",):
        data = data[..., :1]
    value = cls.default_grid([2])[0]
    params = methods.resolve_params(name, quicker(name))
    runs = [create(name, value, 7, params, image).fit(data).predict(data) for _ in range(2)]
    np.testing.assert_array_equal(runs[0], runs[1])


def effect_measure(effect, labels):
    """What the declared effect changes: the number of regions, or the background's share
    (label 0 of the corner-threshold baseline)."""
    if effect == "more background":
        return float(np.mean(labels == 0))
    return len(np.unique(labels))


@pytest.mark.parametrize(
    ("name", "values", "params"),
    [(name, list(case.sensitive), case.sensitive_params) for name, case in CASES]
    + [(name, list(values), params) for name, case in CASES for values, params in case.variants],
)
def test_the_swept_parameter_moves_the_output_the_declared_way(name, values, params):
    """Each value of the swept parameter changes the output on an input chosen to be
    sensitive to it, in the direction the method declares (``param(effect=...)``): a
    method that ignored its parameter, or read it backwards, fails here."""
    cls = methods.get_method(name)
    image = graded_patches()
    if cls.supported_spaces == ("grey",):
        image = image.mean(axis=-1, keepdims=True)
    measured = []
    for value in values:
        params_at = methods.resolve_params(name, quicker(name, **params))
        model = create(name, value, 0, params_at, image)
        data = image if cls.input_kind == "image" else image.reshape(-1, image.shape[-1])
        labels = np.asarray(model.fit(data).predict(data))
        measured.append(effect_measure(cls.effect, labels))
    if cls.effect == "fewer regions":
        assert measured[0] > measured[1] > measured[2], measured
    else:
        assert measured[0] < measured[1] < measured[2], measured
    if cls.takes_k:
        assert measured == values  # exactly k clusters on 24 distinct patches


def alternatives():
    """(method, parameter, alternative value, swept value) of every case."""
    return [(name, key, alternative, value) for name, case in CASES
            for value, changes in case.alternatives.items()
            for key, alternative in changes.items()]  # fmt: skip


def test_every_parameter_has_an_alternative():
    declared = {(name, key) for name, cls in methods.registry().items()
                for key in cls.param_specs if key != cls.sweeps}  # fmt: skip
    cases = [(name, key) for name, key, _, _ in alternatives()]
    assert sorted(cases) == sorted(declared)


@pytest.mark.parametrize(("name", "key", "alternative", "value"), alternatives())
def test_no_parameter_is_ignored(name, key, alternative, value):
    """Each parameter, set to another value, changes the fit (its labels or what the fit
    found): a method that dropped it on the way to its library would pass every other
    test."""
    if alternative == methods.OTHER_FILES:  # a file-reading method's other files
        alternative = write_external(EXTERNAL / "other", "image", graded_patches(seed=5))
    image = [noise_image] if key in checks(name).on_noise else []
    base = {**methods.get_method(name).defaults(), **checks(name).quicker}
    assert alternative != base[key]
    default = fit_fingerprint(name, value, {}, *image)
    changed = fit_fingerprint(name, value, {key: alternative}, *image)
    assert changed != default, f"{name}.{key} = {alternative!r} changed nothing"


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_a_method_declares_whether_it_uses_the_seed(name):
    """A method that says it uses the seed is fitted once per seed: some seed must change
    its fit on colour noise; one that says it does not is fitted once: no seed may."""
    cls = methods.get_method(name)
    case = checks(name)
    changes, make_image = case.seed_params, CHECK_INPUTS[case.seed_input]
    image = make_image((24, 36))
    data = image if cls.input_kind == "image" else image.reshape(-1, 3)
    if cls.supported_spaces == ("grey",):
        data = data[..., :1]
    value = cls.default_grid([4])[-1]
    params = methods.resolve_params(name, quicker(name, **changes))
    fits = [create(name, value, seed, params, image).fit(data).predict(data) for seed in range(4)]
    changed = any(not np.array_equal(fits[0], other) for other in fits[1:])
    assert changed == cls.uses_seed


@pytest.mark.parametrize(
    "name", sorted(name for name, cls in methods.registry().items() if cls.prepares())
)
def test_fitting_leaves_the_prepared_input_unchanged(name):
    """A sweep prepares once and fits every value from it; each fit must leave it as it
    was, so every value gives what it gives when fitted alone. The values go from the one
    that changes most (merges or cuts most) down, so a change left behind shows."""
    cls = methods.get_method(name)
    image = graded_patches().astype(np.float64)
    data = image if cls.input_kind == "image" else image.reshape(-1, 3)
    params = methods.resolve_params(name, quicker(name))
    values = cls.default_grid([2, 3, 4, 5])[:: 1 if cls.effect == "more regions" else -1]
    prepared = create(name, values[0], 0, params, image).prepare(data)
    for value in values:
        shared = create(name, value, 0, params, image).fit(data, prepared=prepared)
        alone = create(name, value, 0, params, image).fit(data)
        np.testing.assert_array_equal(shared.predict(data), alone.predict(data), str(value))


def declared_bounds():
    """(method, parameter, bound) of every declared minimum and maximum."""
    return [(name, key, bound) for name, cls in sorted(methods.registry().items())
            for key, spec in cls.param_specs.items()
            for bound in (spec.minimum, spec.maximum) if bound is not None]  # fmt: skip


@pytest.mark.parametrize(("name", "key", "bound"), declared_bounds())
def test_a_method_fits_at_each_declared_bound_and_refuses_a_value_beyond(name, key, bound):
    """A declared range is one the method's library accepts: a fit at the bound itself runs
    (a range too wide would let a job fail after the check), and a value beyond it, as a
    parameter or in a grid, is refused by the configuration check."""
    cls = methods.get_method(name)
    spec = cls.param_specs[key]
    value = spec.kind(bound)
    if key == cls.sweeps:
        fit_fingerprint(name, value, {})
    else:
        fit_fingerprint(name, cls.default_grid([3])[0], {key: value})
    step = 1 if spec.kind is int else max(abs(bound) * 0.5, 1e-3)
    beyond = value - step if bound == spec.minimum else value + step
    side = "below the minimum" if bound == spec.minimum else "above the maximum"
    with pytest.raises(ConfigError, match=side):
        if key == cls.sweeps:
            methods.resolve_grid(name, [beyond], [3])
        else:
            methods.resolve_params(name, {key: beyond})


def sensitive_case(name, tmp_path):
    """A method's class, the values and parameters of its sensitive input
    (its ``checks``) and that input (grey for a grey-only method; for a
    method that reads files, its file written under ``tmp_path`` as image ``image``)."""
    cls = methods.get_method(name)
    values, params = list(checks(name).sensitive), quicker(name, **checks(name).sensitive_params)
    features = graded_patches((24, 36))
    if cls.supported_spaces == ("grey",):
        features = features.mean(axis=-1, keepdims=True)
    if cls.needs_image_name:
        params["folder"] = write_external(tmp_path, "image", features)
    return cls, values, params, features


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_a_sweep_equals_each_value_fitted_alone(name, tmp_path):
    """What a sweep shares between values (a method's prepared superpixels and graph, the
    model behind an option sweep, the options before the swept one) never changes a fit:
    every value's labels and row equal those of fitting that value alone."""
    from segsweep.configuration import method_setup
    from segsweep.fit.sweep import fit_one, sweep

    cls, values, params, features = sensitive_case(name, tmp_path)
    setup = method_setup(
        {"method": name, "grid": values, "params": params}, ks=[2], sample_size=300
    )
    fits, maps, _ = sweep(features, setup, [0, 1], image="image")
    assert len(maps) == len(list(setup.grid)) * (2 if cls.uses_seed else 1)
    for (value, seed), labels in maps.items():
        grid_value = list(setup.grid)[[float(v) for v in list(setup.grid)].index(value)]
        row, alone, _ = fit_one(features, setup, grid_value, seed, image="image")
        np.testing.assert_array_equal(labels, alone, err_msg=f"{name} at {value}, seed {seed}")
        swept = fits[(fits["value"] == value) & (fits["seed"] == seed)].iloc[0]
        assert swept["n_segments"] == row["n_segments"]


@pytest.mark.parametrize(
    "name",
    sorted(
        n for n, c in methods.registry().items()
        if c.prepares() and c.takes_position and not c.needs_image_name
    ),
)  # fmt: skip
def test_a_prepared_method_with_position_fits_what_it_prepared_from(name, tmp_path):
    """With ``xy_weight`` a method's prepared input (an OPTICS ordering, superpixels) is made
    from the features with x and y, as its fit is: the labels equal the method's own fit on
    those features (OPTICS once prepared from colour channels read out of order)."""
    from segsweep.configuration import method_setup
    from segsweep.fit.postprocess import with_xy
    from segsweep.fit.sweep import fit_one

    cls, values, params, features = sensitive_case(name, tmp_path)
    raw = {"method": name, "grid": values[:1], "params": params, "xy_weight": 1.0}
    setup = method_setup(raw, ks=[2], sample_size="all")
    _, labels, _ = fit_one(features, setup, values[0], 0)
    model_features = with_xy(features, 1.0)
    if cls.input_kind == "pixels":
        model_features = model_features.reshape(-1, model_features.shape[-1])
    model = methods.create(name, values[0], 0, setup.params).fit(model_features)
    expected = np.asarray(model.predict(model_features)).reshape(features.shape[:2])
    np.testing.assert_array_equal(labels, canonical_labels(expected))


@pytest.mark.parametrize("name", sorted(methods.registry()))
def test_every_method_fits_with_position_or_its_config_is_refused(name, tmp_path):
    """``xy_weight`` is an option of every setup: a method either fits the features with x
    and y (one segment label per pixel) or declares it cannot (``takes_position``), and the
    configuration check refuses the weight with one line naming the key."""
    from segsweep.configuration import method_setup
    from segsweep.errors import ConfigError
    from segsweep.fit.sweep import fit_one

    cls, values, params, features = sensitive_case(name, tmp_path)
    raw = {"method": name, "grid": values[:1], "params": params, "xy_weight": [0.0, 1.0]}
    if not cls.takes_position:
        with pytest.raises(ConfigError, match=f"^methods.xy_weight: {name!r} fits colour"):
            method_setup(raw, ks=[2], sample_size="all")
        return
    setup = method_setup(raw, ks=[2], sample_size="all")
    _, labels, _ = fit_one(features, setup, 1.0, 0, image="image")
    assert labels.shape == features.shape[:2]
