"""Command-line helpers.

``python -m segsweep.cli methods`` lists the registered methods and the options any method
takes; ``figure-rules`` prints the rules that draw figures (``make figures`` redraws them,
from the registry of figures); ``check-config FILE ...`` checks configuration files as the
workflow does before its first job, merged over config.yaml as Snakemake merges them: YAML
syntax (with its line: Snakemake reads a ``--configfile`` before the workflow could name
it), the schema and the checks across keys (``make run CONFIG=FILE`` runs it first).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def describe_methods() -> str:
    """Text listing every registered method with its parameters and defaults."""
    from segsweep.fit import methods

    lines = []
    for name, method in sorted(methods.registry().items()):
        if method.takes_k:
            limit = f" up to {method.max_k}" if method.max_k else ""
            swept = f"swept over k{limit}: the config's k, or methods.LABEL.grid"
        else:
            grid = ", ".join(f"{v:g}" for v in method.param_specs[method.sweeps].grid)
            swept = (
                f"swept over {method.sweeps}, larger gives {method.effect}: default grid "
                f"{grid}, or methods.LABEL.grid"
            )
        lines.append(f"{name}: {method.summary} ({swept})")
        defaults = method.defaults()
        for key, spec in method.param_specs.items():
            if key == method.sweeps:
                lines.append(
                    f"    {key} ({spec.kind.__name__}, swept{spec.allowed()}): {spec.help}"
                )
                continue
            lines.append(
                f"    {key} ({spec.kind.__name__}, default {defaults[key]!r}{spec.allowed()}): "
                f"{spec.help}"
            )
    return "\n".join(lines)


#: The configuration schema, where each option is described.
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"
#: The workflow's own configuration file (the Snakefile's ``configfile:``), which a file
#: given with ``--configfile`` updates.
BASE_CONFIG = Path(__file__).resolve().parents[3] / "config.yaml"


def describe_options() -> str:
    """Text listing the options any method setup takes, with their defaults and the
    schema's descriptions, and which may be swept."""
    import yaml

    from segsweep.fit.setup import OPTION_DEFAULTS, SWEEPABLE_OPTIONS

    setup = yaml.safe_load(SCHEMA.read_text())["properties"]["methods"]["additionalProperties"]
    lines = [
        "Options of any method setup (methods.LABEL.OPTION); a list of values sweeps a "
        "numeric one instead of the method's parameter, whose one value grid then gives:"
    ]
    for key, default in OPTION_DEFAULTS.items():
        sweepable = ", or a list" if key in SWEEPABLE_OPTIONS else ""
        description = " ".join(setup["properties"][key]["description"].split())
        lines.append(f"    {key} (default {default!r}{sweepable}): {description}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse ``argv`` and run the chosen command."""
    parser = argparse.ArgumentParser(prog="segsweep", description=__doc__)
    parser.add_argument("command", choices=["methods", "figure-rules", "check-config"],
                        help="what to do")  # fmt: skip
    parser.add_argument("files", nargs="*", help="configuration files (check-config)")
    args = parser.parse_args(argv)
    if args.command == "check-config":
        from segsweep.config_errors import check_config_files_or_exit

        check_config_files_or_exit(args.files, BASE_CONFIG, SCHEMA)
        return
    if args.command == "figure-rules":
        from segsweep.figures.registry import figure_rules

        print(" ".join(figure_rules()))
        return
    print(describe_methods())
    print()
    print(describe_options())


if __name__ == "__main__":
    main()
