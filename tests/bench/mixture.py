"""The faster EM of ``gmm`` (``segsweep.fit.methods._mixture``) against scikit-learn's own
``GaussianMixture`` on BSDS500 images: the quality rule of a faster fitting algorithm.

For the first N test images, every entry of the published configuration that fits a
Gaussian mixture (``gmm_regions``, ``gmm_merged``) is segmented twice, once as the pipeline
does and once with scikit-learn's ``GaussianMixture`` put in its place, and the fits are
compared: the mean log-likelihood per pixel of each fit (rule: within 0.001 nats), its
label map, and its seconds. Not a test: it prints figures.

Usage: python tests/bench/mixture.py --bsds data/BSDS500 [--n 3]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "workflow" / "scripts"))


def segment_both(rgb: np.ndarray, setup, spaces: list[str]) -> dict[str, tuple]:
    """(fits table, label maps, seconds) of one image, with the pipeline's EM and with
    scikit-learn's."""
    import sklearn.mixture
    from threadpoolctl import threadpool_limits

    from segsweep.fit.methods import _mixture
    from segsweep.fit.segment import segment

    results, ours = {}, _mixture.FullCovarianceGaussianMixture
    for name, model in (("segsweep", ours), ("scikit-learn", sklearn.mixture.GaussianMixture)):
        _mixture.FullCovarianceGaussianMixture = model
        try:  # one native thread, as a segment job has
            start = time.perf_counter()
            with threadpool_limits(1):
                fits, maps, _ = segment(rgb, setup, spaces, [0])
            results[name] = (fits, maps, time.perf_counter() - start)
        finally:
            _mixture.FullCovarianceGaussianMixture = ours
    return results


def main(argv: list[str] | None = None) -> None:
    from segsweep.configuration import method_setups
    from segsweep.data.discovery import discover_bsds
    from segsweep.data.ingest import screen

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bsds", default=str(ROOT / "data" / "BSDS500"))
    parser.add_argument("--n", type=int, default=3, help="first N test images")
    args = parser.parse_args(argv)
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config.update(yaml.safe_load((ROOT / "workflow/configs/bsds500.yaml").read_text()))
    setups = {name: setup for name, setup in method_setups(config).items()
              if setup.method == "gmm"}  # fmt: skip
    images, truth = discover_bsds(args.bsds, "test", args.n)
    print(f"BSDS500 test, first {args.n} images: the pipeline's EM against scikit-learn's")
    print(
        "| image | entry | fits | largest log-likelihood change (nats per pixel) | "
        "label maps identical | seconds (segsweep / scikit-learn) |"
    )
    print("|---|---|---|---|---|---|")
    warnings.simplefilter("ignore")
    for image, path in images.items():
        _, rgb, _ = screen(image, path, truth.get(image, []), None)
        for name, setup in setups.items():
            both = segment_both(rgb, setup, config["spaces"])
            (ours, our_maps, our_s), (theirs, their_maps, their_s) = both.values()
            change = (ours["log_likelihood"] - theirs["log_likelihood"]).abs().max()
            same = sum(np.array_equal(our_maps[key], their_maps[key]) for key in their_maps)
            print(
                f"| {image} | {name} | {len(ours)} | {change:.2g} | {same} of "
                f"{len(their_maps)} | {our_s:.1f} / {their_s:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
