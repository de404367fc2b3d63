"""Provenance: the configuration, package versions and input checksums behind a run.

The record holds no time stamps, so the same inputs and configuration give the same bytes.
"""

from __future__ import annotations

import platform
from importlib import metadata

from segsweep.store.files import file_sha256

#: Distributions whose versions are recorded with every run.
PACKAGES = (
    "snakemake",
    "numpy",
    "scipy",
    "scikit-learn",
    "scikit-image",
    "pandas",
    "matplotlib",
    "pillow",
    "opencv-python-headless",
    "tifffile",
    "threadpoolctl",
    "pyyaml",
)


def package_versions(packages=PACKAGES) -> dict[str, str]:
    """Installed version of each distribution in ``packages`` ("not installed" if absent)."""
    versions = {"python": platform.python_version()}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance(config: dict, inputs: dict[str, str]) -> dict:
    """Provenance record: ``config``, ``versions`` and ``inputs`` (image -> path, sha256)."""
    return {
        "config": config,
        "versions": package_versions(),
        "inputs": {
            name: {"path": str(path), "sha256": file_sha256(path)}
            for name, path in sorted(inputs.items())
        },
    }


def main(snakemake) -> None:
    """Snakemake entry: write ``output.provenance`` as JSON."""
    from segsweep.store.files import write_json

    inputs = dict(zip(snakemake.params.images, snakemake.input.images, strict=True))
    write_json(snakemake.output.provenance, provenance(dict(snakemake.params.config), inputs))
