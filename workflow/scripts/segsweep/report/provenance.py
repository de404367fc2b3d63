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


def _checksum(path) -> dict[str, str]:
    return {"path": str(path), "sha256": file_sha256(path)}


def provenance(config: dict, inputs: dict[str, str], truth: dict[str, list] | None = None) -> dict:
    """Provenance record: ``config``, ``versions``, ``inputs`` (image -> path, sha256) and
    ``truth`` (image -> its ground-truth files, each path and sha256; images without truth
    left out)."""
    return {
        "config": config,
        "versions": package_versions(),
        "inputs": {name: _checksum(path) for name, path in sorted(inputs.items())},
        "truth": {
            name: [_checksum(path) for path in paths]
            for name, paths in sorted((truth or {}).items())
        },
    }


def main(snakemake) -> None:
    """Snakemake entry: write ``output.provenance`` as JSON."""
    from segsweep.store.files import write_json

    inputs = dict(zip(snakemake.params.images, snakemake.input.images, strict=True))
    truth = {image: list(paths) for image, paths in snakemake.params.truth.items()}
    record = provenance(dict(snakemake.params.config), inputs, truth)
    write_json(snakemake.output.provenance, record)
