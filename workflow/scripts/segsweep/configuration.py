"""Checks of the configuration that a JSON schema cannot express.

The schema (``workflow/schemas/config.schema.yaml``) checks keys, types and ranges; this
module checks what depends on the code: method names and parameters (against the method
registry) and relations between keys. Each error names the key.
"""

from __future__ import annotations

from segsweep import methods
from segsweep.errors import ConfigError


def method_setups(config: dict) -> dict[str, dict]:
    """Validated method setups: label -> ``{"method": name, "params": complete params}``."""
    setups = {}
    for label, setup in config["methods"].items():
        setup = setup or {}
        name = setup.get("method", label)
        where = f"methods.{label}"
        setups[label] = {
            "method": name,
            "params": methods.resolve_params(name, setup.get("params"), where),
        }
    return setups


def sample_size(config: dict) -> int | None:
    """Pixels to fit on, or None for all pixels."""
    size = config["sample_size"]
    return None if size == "all" else int(size)


def figure_seed(config: dict) -> int:
    """Seed whose label maps the figures show."""
    seed = config["figures"]["seed"]
    if seed is None:
        return config["seeds"][0]
    if seed not in config["seeds"]:
        raise ConfigError(f"figures.seed: {seed} is not one of seeds {config['seeds']}")
    return seed


def check(config: dict) -> dict[str, dict]:
    """Check a schema-validated configuration; return the method setups.

    Raises
    ------
    ConfigError
        Naming the key, for an unknown method or parameter, a sample size smaller than the
        largest k, or a figure seed that is not swept.
    """
    setups = method_setups(config)
    size = sample_size(config)
    if size is not None and size < max(config["k"]):
        raise ConfigError(
            f"sample_size: {size} is smaller than the largest k ({max(config['k'])}); "
            "raise sample_size or lower k"
        )
    figure_seed(config)
    return setups
