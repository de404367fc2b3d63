"""Checks of the configuration that a JSON schema cannot express.

The schema (``workflow/schemas/config.schema.yaml``) checks keys, types and ranges; this
module checks what depends on the code: method names and parameters (against the method
registry) and relations between keys. Each error names the key.
"""

from __future__ import annotations

from typing import Any

from segsweep import methods
from segsweep.errors import ConfigError
from segsweep.postprocess import BOUNDARY_SIGMA, SMOOTHING_MAX_ITER

#: Options every method setup has, with their defaults (see :mod:`segsweep.postprocess`);
#: the schema describes them, this is where a setup gets them.
OPTION_DEFAULTS = {
    "xy_weight": 0.0,
    "smoothing": 0.0,
    "smoothing_max_iter": SMOOTHING_MAX_ITER,
    "split_regions": False,
    "min_region": 0,
    "merge_boundaries": 0.0,
    "merge_sigma": BOUNDARY_SIGMA,
    "merge_criterion": "boundary",
}

#: Options a setup may sweep, by giving a list of values.
SWEEPABLE_OPTIONS = ("xy_weight", "smoothing", "min_region", "merge_boundaries")


def method_setups(config: dict) -> dict[str, dict]:
    """Validated, completed method setups by label (see :func:`method_setup`)."""
    return {
        label: method_setup(
            setup or {},
            ks=config["k"],
            sample_size=config["sample_size"],
            where=f"methods.{label}",
            default_name=label,
        )  # fmt: skip
        for label, setup in config["methods"].items()
    }


def method_setup(
    setup: dict, ks: list[int], sample_size: int | str, where: str = "methods", default_name=""
) -> dict:
    """One configured method setup, validated and completed: ``method``, ``params``, the
    options, ``parameter`` (what it is swept over), ``grid`` (the values),
    ``method_value`` and ``sample_size``.

    A setup is swept over its method's parameter (k, or the method's own, with ``grid``
    replacing the default values), unless one of :data:`SWEEPABLE_OPTIONS` is given a list
    of values: then it is swept over that option, ``grid`` must name the one value of the
    method's parameter every fit uses, and that value is ``method_value`` (None when the
    method's parameter is swept). :func:`at_value` gives the settings of one fit.

    Parameters
    ----------
    setup : dict
        The setup as configured (``method``, optional ``params``, ``grid``, options and
        ``sample_size``).
    ks : list of int
        The configured k, the grid of methods swept over k that set none.
    sample_size : int or "all"
        The top-level sample size, used where the setup sets none; None in the result
        means all pixels.
    where : str
        Config key of the setup, for error messages.
    default_name : str
        Method name when the setup names none (the label).

    Raises
    ------
    ConfigError
        Naming the key, for what :func:`segsweep.methods.resolve_params` and
        ``resolve_grid`` reject, for lists given to two options, and for a swept option
        beside several values of the method's parameter.
    """
    name = setup.get("method", default_name)
    options = {**OPTION_DEFAULTS, **{key: setup[key] for key in OPTION_DEFAULTS if key in setup}}
    method_grid = methods.resolve_grid(name, setup.get("grid"), ks, where)
    parameter, grid, method_value = _what_is_swept(name, method_grid, options, where)
    if parameter in options:
        options[parameter] = grid
    return {
        **options,
        "method": name,
        "params": methods.resolve_params(name, setup.get("params"), where),
        "parameter": parameter,
        "grid": grid,
        "method_value": method_value,
        "sample_size": pixels_to_fit(setup.get("sample_size", sample_size)),
        # only when named: a setup's settings are its jobs' params, and an added key would
        # rerun every finished job
        **({"spaces": setup["spaces"]} if "spaces" in setup else {}),
    }


def _what_is_swept(name: str, method_grid: list, options: dict, where: str):
    """(parameter, grid, method_value) of a setup of method ``name``: its method's
    parameter over ``method_grid``, or the option given a list (:func:`method_setup`)."""
    method = methods.get_method(name, where)
    swept = [key for key in SWEEPABLE_OPTIONS if isinstance(options[key], list)]
    if not swept:
        return method.sweeps, method_grid, None
    if len(swept) > 1:
        raise ConfigError(
            f"{where}: {' and '.join(swept)} are each given a list of values, but a setup "
            "is swept over one option; give the others one value (or use two setups)"
        )
    option = swept[0]
    if len(method_grid) != 1:
        raise ConfigError(
            f"{where}.{option}: a list of values sweeps {option}, so {name!r} needs one "
            f"value of {method.sweeps}: give it as {where}.grid, e.g. [{method_grid[0]:g}]"
        )
    return option, sorted(set(options[option])), method_grid[0]


def at_value(setup: dict, value) -> tuple[Any, dict]:
    """Settings of the fit of a completed setup at ``value`` of its swept parameter.

    Returns
    -------
    method_value : int or float
        The value of the method's own parameter (k, or its scale) for this fit.
    options : dict
        Every option of :data:`OPTION_DEFAULTS` for this fit, the swept one at ``value``.
    """
    options = {key: setup[key] for key in OPTION_DEFAULTS}
    if setup["parameter"] in OPTION_DEFAULTS:
        options[setup["parameter"]] = value
        return setup["method_value"], options
    return value, options


def k_values(setup: dict) -> list[int]:
    """The k a setup fits: its grid when swept over k, the one k of a method swept over k
    whose setup sweeps an option, else none."""
    if setup["parameter"] == "k":
        return list(setup["grid"])
    if setup["method_value"] is not None and methods.get_method(setup["method"]).takes_k:
        return [setup["method_value"]]
    return []


def pixels_to_fit(size: int | str) -> int | None:
    """A configured sample size as a number of pixels, or None for "all"."""
    return None if size == "all" else int(size)


def works_in(setup: dict, space: str) -> bool:
    """Whether a method setup runs in colour space ``space``: its method works there and
    the setup's own ``spaces``, if it names some, include it."""
    named = setup.get("spaces")
    return methods.get_method(setup["method"]).works_in(space) and (named is None or space in named)


def figure_seed(config: dict) -> int:
    """Seed whose label maps the figures show."""
    seed = config["figures"]["seed"]
    if seed is None:
        return config["seeds"][0]
    if seed not in config["seeds"]:
        raise ConfigError(f"figures.seed: {seed} is not one of seeds {config['seeds']}")
    return seed


def detail_setup(config: dict, setups: dict[str, dict]) -> tuple[str, str]:
    """(space, method label) of the per-image detail figures and cut-outs.

    ``figures.detail_method`` defaults to the first method, ``figures.detail_space`` to the
    first configured space that method works in.
    """
    method = config["figures"]["detail_method"] or next(iter(setups))
    if method not in setups:
        raise ConfigError(f"figures.detail_method: {method!r} is not one of methods {list(setups)}")
    spaces = [s for s in config["spaces"] if works_in(setups[method], s)]
    space = config["figures"]["detail_space"] or spaces[0]
    if space not in spaces:
        raise ConfigError(
            f"figures.detail_space: {space!r} must be one of {spaces} (the configured spaces "
            f"method {method!r} works in)"
        )
    return space, method


def check(config: dict) -> dict[str, dict]:
    """Check a schema-validated configuration; return the method setups.

    Raises
    ------
    ConfigError
        Naming the key, for an unknown method or parameter, a method that works in none of
        the configured spaces, a sample size smaller than the largest k, or a figure seed
        that is not swept.
    """
    setups = method_setups(config)
    for label, setup in setups.items():
        unknown = [space for space in setup.get("spaces", ()) if space not in config["spaces"]]
        if unknown:
            raise ConfigError(
                f"methods.{label}.spaces: {unknown} not in the top-level spaces "
                f"{config['spaces']}; a setup runs in some of those (add them there)"
            )
        if not any(works_in(setup, space) for space in config["spaces"]):
            supported = list(methods.get_method(setup["method"]).supported_spaces)
            where, spaces = (
                (f"methods.{label}.spaces", setup["spaces"]) if "spaces" in setup
                else ("spaces", config["spaces"])
            )  # fmt: skip
            raise ConfigError(
                f"methods.{label}: {setup['method']!r} works in spaces {supported} only, none "
                f"of which is in {where} {spaces}; add one or remove the method"
            )
    for label, setup in setups.items():
        size, ks = setup["sample_size"], k_values(setup)
        if ks and size is not None and size < max(ks):
            key = f"methods.{label}.sample_size" if "sample_size" in (
                config["methods"][label] or {}) else "sample_size"  # fmt: skip
            raise ConfigError(
                f"{key}: {size} is smaller than the largest k ({max(ks)}); "
                "raise the sample size or lower k"
            )
    figure_seed(config)
    detail_setup(config, setups)
    return setups
