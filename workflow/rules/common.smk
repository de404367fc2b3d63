import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from segsweep import configuration  # noqa: E402
from segsweep.errors import SegsweepError  # noqa: E402
from segsweep.ingest import discover_images  # noqa: E402

validate(config, schema="../schemas/config.schema.yaml", set_default=True)

try:
    METHOD_SETUPS = configuration.check(config)
    IMAGES = discover_images(config["images"]["folder"])
except SegsweepError as error:
    # One clear message naming the key, without a Python traceback.
    raise WorkflowError(f"invalid configuration: {error}") from None
SPACES = config["spaces"]
METHODS = list(METHOD_SETUPS)
KS = config["k"]
SEEDS = config["seeds"]
SAMPLE_SIZE = configuration.sample_size(config)
FIGURE_SEED = configuration.figure_seed(config)


wildcard_constraints:
    image="|".join(map(re.escape, IMAGES)),
    space="|".join(SPACES),
    method="|".join(METHODS),


def image_source(wildcards):
    """Input file of one image."""
    return IMAGES[wildcards.image]


def sweep_outputs(kind):
    """Every per-job file of one kind ("fits", "criteria", "timings", "labels")."""
    suffix = "npz" if kind == "labels" else "csv"
    return expand(
        f"results/{kind}/{{image}}/{{space}}/{{method}}.{suffix}",
        image=IMAGES,
        space=SPACES,
        method=METHODS,
    )


def figure_targets():
    """Every figure file."""
    return [
        *expand(
            "results/figures/{image}/{space}_{kind}.png",
            image=IMAGES,
            space=SPACES,
            kind=["recolour", "labels"],
        ),
        *expand("results/figures/{image}/elbow.png", image=IMAGES),
    ]


TABLES = ["results/tables/fits.csv", "results/tables/picks.csv", "results/tables/timings.csv"]
