import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from segsweep import configuration  # noqa: E402
from segsweep.errors import SegsweepError  # noqa: E402
from segsweep.ingest import discover_images, ignored_files  # noqa: E402
from segsweep.storage import read_json  # noqa: E402
from segsweep.truth import discover_bsds, discover_truth  # noqa: E402

validate(config, schema="../schemas/config.schema.yaml", set_default=True)

try:
    METHOD_SETUPS = configuration.check(config)
    if config["bsds"]["root"]:
        IMAGES, TRUTH = discover_bsds(**config["bsds"])
        IGNORED = []
    else:
        IMAGES = discover_images(config["images"]["folder"])
        TRUTH = discover_truth(IMAGES, config["images"]["truth_folder"])
        IGNORED = ignored_files(config["images"]["folder"])
except SegsweepError as error:
    # One clear message naming the key, without a Python traceback.
    raise WorkflowError(f"invalid configuration: {error}") from None
SPACES = config["spaces"]
METHODS = list(METHOD_SETUPS)
KS = config["k"]
SEEDS = config["seeds"]
SAMPLE_SIZE = configuration.sample_size(config)
FIGURE_SEED = configuration.figure_seed(config)
DETAIL_SPACE, DETAIL_METHOD = configuration.detail_setup(config, METHOD_SETUPS)


wildcard_constraints:
    image="|".join(map(re.escape, IMAGES)),
    space="|".join(SPACES),
    method="|".join(METHODS),


def image_source(wildcards):
    """Input file of one image."""
    return IMAGES[wildcards.image]


def truth_sources(wildcards):
    """Ground-truth files of one image (none if it has no truth)."""
    return TRUTH.get(wildcards.image, [])


def truth_of_image(wildcards):
    """The stored ground truth of one image, or nothing if it has none."""
    return [f"results/truth/{wildcards.image}.npz"] if wildcards.image in TRUTH else []


def accepted_images():
    """Images the screening checkpoint accepted (call from input functions only)."""
    return [
        image
        for image in IMAGES
        if read_json(checkpoints.screen.get(image=image).output.meta)["status"] == "accepted"
    ]


def labelled_images():
    """Accepted images with ground truth."""
    return [image for image in accepted_images() if image in TRUTH]


def methods_in(space):
    """Labels of the methods that run in colour space ``space``."""
    return [m for m in METHODS if configuration.works_in(METHOD_SETUPS[m], space)]


FIGURE_SPACES = [s for s in SPACES if methods_in(s)]


def sweeps(images):
    """Every (image, space, method) job; a method runs only in the spaces it supports."""
    return [(i, s, m) for i in images for s in SPACES for m in methods_in(s)]


def sweep_outputs(kind, images):
    """Every per-job file of one kind ("fits", "evaluation", "timings", "labels")."""
    suffix = "npz" if kind == "labels" else "csv"
    return [f"results/{kind}/{i}/{s}/{m}.{suffix}" for i, s, m in sweeps(images)]


def table_inputs(wildcards):
    """Per-job fits, evaluations and timings of every accepted image."""
    images = accepted_images()
    return {kind: sweep_outputs(kind, images) for kind in ("fits", "evaluation", "timings")}


def all_label_maps(wildcards):
    """Label maps of every sweep: final products, so a deleted one is made again."""
    return sweep_outputs("labels", accepted_images())


def image_labels(wildcards):
    """Label maps of every sweep of one image."""
    return sweep_outputs("labels", [wildcards.image])


def truth_tables(wildcards=None):
    """Leaderboard and choice-of-k tables, when some accepted image has ground truth."""
    if not labelled_images():
        return []
    return [
        "results/tables/leaderboard.csv",
        "results/tables/choice_of_k.csv",
        "results/tables/choice_of_k_summary.csv",
    ]


def figure_targets(wildcards=None):
    """Every figure file of the accepted images."""
    images = accepted_images()
    return [
        *expand("results/figures/{image}/truth.png", image=labelled_images()),
        *expand(
            "results/figures/{image}/{space}_{kind}.png",
            image=images,
            space=FIGURE_SPACES,
            kind=["recolour", "labels", "edges"],
        ),
        *expand(
            "results/figures/{image}/{kind}.png",
            image=images,
            kind=["elbow", "picks", "scatter", "scatter3d", "clusters"],
        ),
        *expand("results/cutouts/{image}_{kind}.png", image=images, kind=["cluster", "baseline"]),
        "results/figures/background_removal.png",
        *(["results/figures/leaderboard.png"] if labelled_images() else []),
    ]


def image_figure_outputs():
    """Named outputs of plot_image for its three figures per colour space (captions are
    relative to workflow/rules/, as for every rule)."""
    per_space = {
        "recolour": ("recolour.rst", "Segmentations", "recoloured"),
        "labels": ("labels.rst", "Label maps", "label maps"),
        "edges": ("edges.rst", "Edges and boundaries", "edges"),
    }
    outputs = {}
    for space in FIGURE_SPACES:
        for kind, (caption, category, figure) in per_space.items():
            outputs[f"{space}_{kind}"] = report(
                f"results/figures/{{image}}/{space}_{kind}.png",
                caption=f"../report/{caption}",
                category=category,
                subcategory="{image}",
                labels={"image": "{image}", "space": space, "figure": figure},
            )
    return outputs


def background_inputs(wildcards):
    """Photos and cut-outs of every accepted image."""
    images = accepted_images()
    return {
        "images": expand("results/ingest/{image}.png", image=images),
        "clusters": expand("results/cutouts/{image}_cluster.png", image=images),
        "baselines": expand("results/cutouts/{image}_baseline.png", image=images),
    }


def summary_metas(wildcards):
    """Screening records of every image, accepted or rejected."""
    return expand("results/ingest/{image}.json", image=IMAGES)


TABLES = ["results/tables/fits.csv", "results/tables/picks.csv", "results/tables/timings.csv"]
