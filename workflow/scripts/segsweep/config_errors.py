"""Reading and checking configuration files, with one clear line per problem.

Snakemake's own messages name neither the line of a YAML syntax error nor, for a schema
violation, the key (they print the whole schema). Here:

- :func:`read_yaml` names the file, the line and column and the parser's message;
- :func:`schema_problems` gives one line per violation, the key path first, what is wrong and
  what is allowed (``k[0] = 1: must be an integer >= 2``), and for an unknown key the closest
  valid one (``colour_spaces: unknown key; did you mean spaces?``);
- :func:`replace_sets` makes a mapping that stands for a set (``methods``) come whole from the
  last configuration file that names it, where Snakemake would merge it with config.yaml's.

Only the standard library, PyYAML and jsonschema (Snakemake's own validator) are imported, so
checking a configuration costs nothing noticeable when the workflow is parsed.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from segsweep.errors import ConfigError, tell_user

#: Top-level keys whose value is a set of named entries: a configuration file that names one
#: gives the whole set (see :func:`replace_sets`).
SET_KEYS = ("methods",)


def read_yaml(path: str | Path) -> dict:
    """Read a YAML configuration file.

    Raises
    ------
    ConfigError
        ``FILE:LINE:COLUMN: YAML syntax error: MESSAGE`` for a syntax error, or a line naming
        the file when it is missing or does not hold a mapping.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text; save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = " ".join(part for part in (error.context, error.problem) if part)
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: YAML syntax error: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: holds a {type(data).__name__}, not a mapping of keys to values")
    return data


def replace_sets(config: dict, configfiles: Sequence[str | Path]) -> dict:
    """``config`` with each of :data:`SET_KEYS` taken whole from the last file naming it.

    Snakemake merges nested mappings of several configuration files key by key, so a user
    file with ``methods: {kmeans: ...}`` would still run config.yaml's other methods. The
    files are read again here and, for these keys, the last file's value replaces the merged
    one (an empty mapping stays empty, and is reported by the schema check).
    """
    for path in configfiles:
        data = read_yaml(path)
        for key in SET_KEYS:
            if key in data:
                config[key] = data[key] if data[key] is not None else {}
    return config


def key_path(parts: Iterable) -> str:
    """``methods.gmm.params`` / ``k[0]`` from a jsonschema error path."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _requirement(schema: dict) -> str:
    """What a schema allows, in words: 'an integer >= 2', 'one of [...]', ..."""
    if "oneOf" in schema or "anyOf" in schema:
        options = schema.get("oneOf", schema.get("anyOf"))
        return " or ".join(_requirement(option) for option in options)
    if "enum" in schema:
        values = schema["enum"]
        return repr(values[0]) if len(values) == 1 else f"one of {values}"
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    names = {"integer": "an integer", "number": "a number", "string": "a string",
             "boolean": "true or false", "array": "a list", "object": "a mapping",
             "null": "null"}  # fmt: skip
    words = " or ".join(names[kind] for kind in kinds if kind in names) or "a value"
    if "minimum" in schema:
        words += f" >= {schema['minimum']}"
    if "exclusiveMinimum" in schema:
        words += f" > {schema['exclusiveMinimum']}"
    if kinds == ["array"] and "items" in schema:
        words += f", each {_requirement(schema['items'])}"
    return words


def _describe(error) -> str:
    """One line for one jsonschema validation error (see the module docstring)."""
    path = key_path(error.absolute_path)
    value = error.instance
    shown = f"{path} = {value!r}" if path else "the configuration"
    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        known = set(allowed)
        lines = []
        for key in sorted(k for k in value if k not in known):
            where = f"{path}.{key}" if path else str(key)
            closest = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5)
            hint = f"did you mean {closest[0]}?" if closest else f"allowed: {', '.join(allowed)}"
            lines.append(f"{where}: unknown key; {hint}")
        return "\n".join(lines)
    if "propertyNames" in error.schema_path:  # a name under a mapping such as methods
        return (
            f"{path}: the name {value!r} is not allowed; names start with a letter or digit "
            "and hold only letters, digits, _ and -"
        )
    if kind == "minProperties":
        return f"{path}: is empty; name at least one entry"
    if kind == "minItems":
        return f"{path}: is an empty list; give at least one value"
    if kind == "uniqueItems":
        return f"{shown}: has repeated values; list each once"
    if kind == "required":
        return f"{path or 'the configuration'}: {error.message}"
    return f"{shown}: must be {_requirement(error.schema)}"


def schema_problems(config: dict, schema: dict) -> list[str]:
    """Every violation of ``schema`` by ``config``, one line each, sorted (by key path, as
    each line starts with it)."""
    from jsonschema import Draft202012Validator

    lines = set()
    for error in Draft202012Validator(schema).iter_errors(config):
        lines.update(_describe(error).splitlines())
    return sorted(lines)


def check_or_exit(config: dict, schema_path: str | Path, configfiles: Sequence = ()) -> None:
    """Apply :func:`replace_sets` and the schema to ``config``; on any problem print one line
    per problem (``config KEY: ...``) to standard error and exit with status 1.

    For use at the top of the workflow, before Snakemake fills in the schema's defaults.
    """
    try:
        replace_sets(config, configfiles)
        problems = [f"config {line}" for line in schema_problems(config, read_yaml(schema_path))]
    except ConfigError as error:
        problems = [str(error)]
    if problems:
        exit_with("\n".join(problems))


def exit_with(message: str) -> None:
    """Print ``message`` (one line per problem) to standard error and exit with status 1."""
    tell_user(message)
    sys.exit(1)


def merged_config(base: str | Path, paths: Sequence[str | Path]) -> dict:
    """The configuration a run with ``--configfile PATHS`` sees: ``base`` (the workflow's
    ``configfile:``, config.yaml) updated by each file in turn, nested mappings key by key,
    as Snakemake merges them (``snakemake.utils.update_config``), then :func:`replace_sets`."""
    from snakemake.utils import update_config

    config = read_yaml(base)
    for path in paths:
        update_config(config, read_yaml(path))
    return replace_sets(config, paths)


def check_config_files_or_exit(
    paths: Sequence[str | Path], base: str | Path, schema_path: str | Path
) -> None:
    """Check configuration files as the workflow does before its first job: YAML syntax
    (:func:`read_yaml`'s line and column, where Snakemake says only that a file is not valid
    JSON or YAML), the schema (one line per problem) and the checks across keys
    (:func:`segsweep.configuration.check`); exit with status 1 and those lines on any
    problem. Files the configuration names (images, a method's folder) are not looked for:
    a configuration is valid on a machine that has not downloaded its data yet."""
    from snakemake.utils import validate

    from segsweep import configuration

    try:
        config = merged_config(base, paths)
        check_or_exit(config, schema_path)
        validate(config, str(schema_path), set_default=True)
        configuration.check(config)
    except ConfigError as error:
        exit_with(str(error))


def check_yaml_or_exit(paths: Sequence[str | Path]) -> None:
    """Exit with :func:`read_yaml`'s one line if any of ``paths`` is not valid YAML (before
    Snakemake reads it and says only that it is not valid JSON or YAML)."""
    for path in paths:
        if Path(path).exists():
            try:
                read_yaml(path)
            except ConfigError as error:
                exit_with(str(error))
