"""Checks of the configuration that a JSON schema cannot express.

The schema (``workflow/schemas/config.schema.yaml``) checks keys, types and ranges; this
module checks what depends on the code: method names and parameters (against the method
registry) and relations between keys. Each error names the key.
"""

from __future__ import annotations

from segsweep.errors import ConfigError
from segsweep.fit import methods
from segsweep.fit.setup import OPTION_DEFAULTS, SWEEPABLE_OPTIONS, Setup


def method_setups(config: dict) -> dict[str, Setup]:
    """Validated, completed method setups by label (see :func:`method_setup`)."""
    return {
        label: method_setup(
            setup or {},
            ks=config["k"],
            sample_size=config["sample_size"],
            where=f"methods.{label}",
            label=label,
        )  # fmt: skip
        for label, setup in config["methods"].items()
    }


def method_setup(
    setup: dict, ks: list[int], sample_size: int | str, where: str = "methods", label=""
) -> Setup:
    """One configured method setup, validated and completed (:class:`~segsweep.fit.setup.Setup`).

    A setup is swept over its method's parameter (k, or the method's own, with ``grid``
    replacing the default values), unless one of :data:`SWEEPABLE_OPTIONS` is given a list
    of values: then it is swept over that option, ``grid`` must name the one value of the
    method's parameter every fit uses, and that value is ``method_value`` (None when the
    method's parameter is swept). :meth:`Setup.at_value` gives the settings of one fit.

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
    label : str
        The setup's label, also its method's name when it names none.

    Raises
    ------
    ConfigError
        Naming the key, for what :func:`segsweep.fit.methods.resolve_params` and
        ``resolve_grid`` reject, for lists given to two options, for a swept option
        beside several values of the method's parameter, and for an ``xy_weight`` given to
        a method that does not take position.
    """
    name = setup.get("method", label)
    options = {**OPTION_DEFAULTS, **{key: setup[key] for key in OPTION_DEFAULTS if key in setup}}
    method_grid = methods.resolve_grid(name, setup.get("grid"), ks, where)
    parameter, grid, method_value = _what_is_swept(name, method_grid, options, where)
    if parameter in options:
        options[parameter] = grid
    weight = options["xy_weight"]  # one value, or the grid when it is swept
    if (
        any(weight if isinstance(weight, (list, tuple)) else [weight])
        and not methods.get_method(name).takes_position
    ):
        raise ConfigError(
            f"{where}.xy_weight: {name!r} fits colour features only, without x and y; leave "
            "xy_weight at 0 for it"
        )
    spaces = setup.get("spaces")
    params = methods.resolve_params(name, setup.get("params"), where)
    return Setup(
        label=label, method=name, params=params,
        options=options, parameter=parameter, grid=tuple(grid), method_value=method_value,
        sample_size=pixels_to_fit(setup.get("sample_size", sample_size)),
        spaces=None if spaces is None else tuple(spaces),
    )  # fmt: skip


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


def pixels_to_fit(size: int | str) -> int | None:
    """A configured sample size as a number of pixels, or None for "all"."""
    return None if size == "all" else int(size)


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
    spaces = [s for s in config["spaces"] if setups[method].runs_in(s)]
    space = config["figures"]["detail_space"] or spaces[0]
    if space not in spaces:
        raise ConfigError(
            f"figures.detail_space: {space!r} must be one of {spaces} (the configured spaces "
            f"method {method!r} works in)"
        )
    return space, method


def check_files(setups: dict[str, Setup]) -> None:
    """Check the files the setups' parameters name (each method's ``check_files``).

    Separate from :func:`check`, like the data source's own checks: a shipped configuration
    is valid on a machine that has not downloaded its data yet.

    Raises
    ------
    ConfigError
        Naming ``methods.LABEL.params.KEY``.
    """
    for label, setup in setups.items():
        setup.method_class.check_files(setup.params, f"methods.{label}.params")


def check(config: dict) -> dict[str, Setup]:
    """Check a schema-validated configuration; return the method setups.

    Raises
    ------
    ConfigError
        Naming the key, for an unknown colour space, method or parameter, a method that
        works in none of the configured spaces, a sample size smaller than the largest k, or
        a figure seed that is not swept.
    """
    from segsweep.fit.spaces import SPACES  # the registry, not a list in the schema

    for index, space in enumerate(config["spaces"]):
        if space not in SPACES:
            raise ConfigError(f"spaces[{index}] = {space!r}: must be one of {list(SPACES)}")
    setups = method_setups(config)
    for label, setup in setups.items():
        unknown = [space for space in setup.spaces or () if space not in config["spaces"]]
        if unknown:
            raise ConfigError(
                f"methods.{label}.spaces: {unknown} not in the top-level spaces "
                f"{config['spaces']}; a setup runs in some of those (add them there)"
            )
        if not any(setup.runs_in(space) for space in config["spaces"]):
            supported = list(setup.method_class.supported_spaces)
            where, spaces = (
                (f"methods.{label}.spaces", list(setup.spaces)) if setup.spaces
                else ("spaces", config["spaces"])
            )  # fmt: skip
            raise ConfigError(
                f"methods.{label}: {setup.method!r} works in spaces {supported} only, none "
                f"of which is in {where} {spaces}; add one or remove the method"
            )
    for label, setup in setups.items():
        size, ks = setup.sample_size, setup.k_values
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
