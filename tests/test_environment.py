"""The pip pins and the conda environment name the same packages at the same versions."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def pip_pins(path):
    pins = {}
    for line in (ROOT / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups()
        pins[name.lower()] = version
    return pins


def conda_pins():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):
            for line in entry["pip"]:
                name, version = line.split("==")
                pins[name.lower()] = version
        elif "=" in entry:
            name, version = entry.split("=", 1)
            pins[name.lower()] = version
    return pins


def test_conda_environment_matches_pip_requirements():
    pip = {**pip_pins("requirements.txt"), **pip_pins("requirements-dev.txt")}
    conda = conda_pins()
    conda.pop("python")
    assert conda == pip


def test_constraints_pin_every_requirement_at_the_same_version():
    constraints = pip_pins("constraints.txt")
    for name, version in {
        **pip_pins("requirements.txt"),
        **pip_pins("requirements-dev.txt"),
    }.items():
        assert constraints.get(name) == version, name
