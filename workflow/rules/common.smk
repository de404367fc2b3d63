import re
import sys
from pathlib import Path

from snakemake.utils import validate

sys.path.insert(0, str(Path(workflow.basedir) / "workflow" / "scripts"))

from segsweep import config_errors, configuration  # noqa: E402
from segsweep.fit.batches import batches  # noqa: E402
from segsweep.entry import code_version  # noqa: E402
from segsweep.errors import SegsweepError  # noqa: E402
from segsweep.data.discovery import discover, input_report, source_of  # noqa: E402
from segsweep.score.measures import groups_of  # noqa: E402
from segsweep.figures.registry import captions as figure_captions  # noqa: E402
from segsweep.figures.registry import image_figures, truth_figures  # noqa: E402
from segsweep.figures.drawn import forget_if_incomplete  # noqa: E402
from segsweep.store.files import read_json  # noqa: E402
from segsweep.tables.uncertainty import ranks_are_drawn  # noqa: E402

# One line per problem, key first, then exit 1: no schema dump, no traceback. A file given
# with --configfile that names `methods` gives the whole set (config_errors.SET_KEYS).
config_errors.check_or_exit(
    config, Path(workflow.basedir) / "workflow/schemas/config.schema.yaml",
    workflow.config_settings.configfiles,
)  # fmt: skip
validate(config, schema="../schemas/config.schema.yaml", set_default=True)

try:
    METHOD_SETUPS = configuration.check(config)
    IMAGES, TRUTH, IGNORED = discover(config)
    configuration.check_files(METHOD_SETUPS)
    FIGURE_SEED = configuration.figure_seed(config)
    DETAIL_SPACE, DETAIL_METHOD = configuration.detail_setup(config, METHOD_SETUPS)
except SegsweepError as error:
    config_errors.exit_with(str(error))
SPACES = config["spaces"]
METHODS = list(METHOD_SETUPS)
KS = config["k"]
#: The dataset's human agreement in boundary F, marked on the precision-recall figure.
HUMAN_BOUNDARY_F = source_of(config).human_boundary_f
BOUNDARY_SCORES = "boundary" in groups_of(config["scores"])
SEEDS = config["seeds"]
#: Batch -> its images; one segment job per (batch, method) (see segsweep.fit.batches).
BATCHES = batches(list(IMAGES), config["batch_size"])


wildcard_constraints:
    image="|".join(map(re.escape, IMAGES)),
    batch="|".join(map(re.escape, BATCHES)),
    space="|".join(SPACES),
    method="|".join(METHODS),


def image_source(wildcards):
    """Input file of one image."""
    return IMAGES[wildcards.image]


def truth_sources(wildcards):
    """Ground-truth files of one image (none if it has no truth)."""
    return TRUTH.get(wildcards.image, [])


def report_inputs():
    """Print, at the end of a run, the images rejected and the files ignored (one line each)."""
    records = [
        read_json(path)
        for path in expand("results/ingest/{image}.json", image=IMAGES)
        if Path(path).is_file()
    ]
    for line in input_report(records, IGNORED):
        print(line)


def unthrottle_local_scheduler():
    """Let a local run's scheduler look for jobs only when one ends (called at the start).

    Snakemake's command line always sets a job rate limit (--max-jobs-per-timespan,
    100/1s), and with a limit its scheduler starts a one-second timer after every pass over
    the ready jobs to pass again; each job that ends starts one more such chain. 250 jobs
    into the bsds500-all run it was passing over every ready job's input files hundreds of
    times a second, 43% of a core the jobs needed (py-spy, 2026-12-01; docs/benchmark.md).
    The limit guards a cluster's queue, so a cluster run keeps it; Snakemake's API has none
    by default.
    """
    if workflow.local_exec and getattr(workflow, "scheduler", None) is not None:
        workflow.scheduler.job_rate_limiter = None


#: Screening records read so far (image -> record): the job graph asks for them thousands
#: of times while it is built.
SCREEN_RECORDS = {}


def screen_record(image):
    """The screening record of one image (call from input functions only, once the
    screened checkpoint is through)."""
    if image not in SCREEN_RECORDS:
        SCREEN_RECORDS[image] = read_json(f"results/ingest/{image}.json")
    return SCREEN_RECORDS[image]


ACCEPTED_IMAGES = []


def accepted_images():
    """Images the screening accepted (call from input functions only): the screened
    checkpoint's list (segsweep.data.discovery.accepted decides), read once."""
    if not ACCEPTED_IMAGES:
        listed = read_json(checkpoints.screened.get().output.accepted)["accepted"]
        ACCEPTED_IMAGES.extend(listed)
    return list(ACCEPTED_IMAGES)


def labelled_images():
    """Accepted images with ground truth."""
    return [image for image in accepted_images() if image in TRUTH]


def methods_in(space):
    """Labels of the methods that run in colour space ``space``."""
    return [m for m in METHODS if METHOD_SETUPS[m].runs_in(space)]


def spaces_of(method):
    """The configured colour spaces method label ``method`` runs in."""
    return [s for s in SPACES if METHOD_SETUPS[method].runs_in(s)]


FIGURE_SPACES = [s for s in SPACES if methods_in(s)]


def batch_images(wildcards):
    """The accepted images of one batch, in order (call from input functions only)."""
    return [image for image in BATCHES[wildcards.batch] if image in set(accepted_images())]


def batch_standard_forms(wildcards):
    """Standard forms of the accepted images of one batch."""
    return [f"results/ingest/{image}.npz" for image in batch_images(wildcards)]


def segment_megapixels(wildcards):
    """Megapixels one segment job handles: its images' pixels times the method's spaces."""
    pixels = 0
    for image in batch_images(wildcards):
        record = screen_record(image)
        pixels += record["height"] * record["width"]
    return pixels / 1e6 * len(spaces_of(wildcards.method))


def costliest_first(wildcards):
    """Priority of a batch's segment and measure jobs of one method: their estimated
    seconds (segsweep.fit.setup.Setup.seconds_per_image times the batch's images), so that
    the longest jobs start first and the cores finish together."""
    setup = METHOD_SETUPS[wildcards.method]
    per_image = setup.seconds_per_image(len(SEEDS), len(spaces_of(wildcards.method)))
    return round(per_image * len(BATCHES[wildcards.batch]), 1)


def accepted_batches():
    """Batches holding an accepted image (call from input functions only)."""
    kept = set(accepted_images())
    return [batch for batch, images in BATCHES.items() if kept & set(images)]


def segment_outputs(kind, batch_names=None):
    """Every segment or measure job's file of one kind ("labels", "fits", "timings",
    "measures", "measure_timings") of the batches ``batch_names`` (default: every batch
    with an accepted image)."""
    suffix = "npz" if kind == "labels" else "csv"
    names = accepted_batches() if batch_names is None else batch_names
    return [f"results/{kind}/{b}/{m}.{suffix}" for b in names for m in METHODS]


def table_inputs(wildcards):
    """Fits, measures and timings of every segment and measure job."""
    kinds = ("fits", "measures", "timings", "measure_timings")
    return {kind: segment_outputs(kind) for kind in kinds}


def all_label_maps(wildcards):
    """Label maps of every job: final products, so a deleted one is made again."""
    return segment_outputs("labels")


def batch_labels(wildcards):
    """Label maps of every method of one batch, in the order of METHODS."""
    return segment_outputs("labels", [wildcards.batch])


def batch_fits(wildcards):
    """Fits tables of every method of one batch."""
    return segment_outputs("fits", [wildcards.batch])


def batch_measures(wildcards):
    """Criteria and scores of the fits of every method of one batch."""
    return segment_outputs("measures", [wildcards.batch])


def truth_tables(wildcards=None):
    """Leaderboard and choice-of-k tables, when some accepted image has ground truth."""
    if not labelled_images():
        return []
    return [
        "results/tables/leaderboard.csv",
        "results/tables/choice_of_k.csv",
        "results/tables/choice_of_k_summary.csv",
        "results/tables/leaderboard_per_image.csv",
    ]


def leaderboard_figures():
    """The leaderboard figure, the precision-recall figure when boundary scores are on, and
    the rank plot when there are enough images and entries."""
    labelled = len(labelled_images())
    if not labelled:
        return []
    entries = sum(len(spaces_of(method)) for method in METHODS)
    ranks = ["results/figures/ranks.png"] if ranks_are_drawn(labelled, entries) else []
    curves = ["results/figures/precision_recall.png"] if BOUNDARY_SCORES else []
    return ["results/figures/leaderboard.png", *curves, *ranks]


#: Where each per-image figure is drawn.
FIGURE_PATH = "results/figures/{image}/{name}.png"


#: Every figure plot_images draws for one image (file name -> report category), and the
#: ground-truth figure of images with truth: from the registry of figures
#: (segsweep.figures.registry), which also gives their captions.
IMAGE_FIGURES = {name: f.category for name, f in image_figures(FIGURE_SPACES).items()}
TRUTH_FIGURE = {name: f.category for name, f in truth_figures().items()}

#: Where each image's two background-removal cut-outs are drawn ({kind}: cluster, baseline).
CUTOUT_PATH = "results/cutouts/{image}_{kind}.png"

#: Priority of the run's few short jobs over all images (tables, leaderboard, its figures,
#: the summary, the report's selection): they go before the long figure jobs as soon as
#: their inputs are there, instead of waiting behind them and running last, one by one.
SHORT_JOB_PRIORITY = 1000

#: The record of the files one plot_images job drew (segsweep.figures.drawn): a batch's
#: images are drawn by FIGURE_PARTS jobs, so that two cores share even a single batch.
DRAWN_RECORD = "results/drawn/{batch}/part{part}.csv"
FIGURE_PARTS = 2


#: What plot_images draws with.
PLOT_IMAGES_PARAMS = dict(
    methods=METHODS,
    spaces=FIGURE_SPACES,
    methods_in_space={space: methods_in(space) for space in FIGURE_SPACES},
    parameters={m: METHOD_SETUPS[m].parameter for m in METHODS},
    seed=FIGURE_SEED,
    k=config["figures"]["k"],
    sigma=config["figures"]["canny_sigma"],
    detail_space=DETAIL_SPACE,
    detail_method=DETAIL_METHOD,
    cutout_k=config["figures"]["cutout_k"],
    # functions: Snakemake would fill a string's {image} from the job's wildcards
    figure_path=lambda wildcards: FIGURE_PATH,
    cutout_path=lambda wildcards: CUTOUT_PATH,
)


def part_images(wildcards):
    """The accepted images of one part of a batch (every FIGURE_PARTS-th, from the part's
    number)."""
    return batch_images(wildcards)[int(wildcards.part) :: FIGURE_PARTS]


def part_standard_forms(wildcards):
    """Standard forms of the images of one part of a batch."""
    return [f"results/ingest/{image}.npz" for image in part_images(wildcards)]


def part_truth(wildcards):
    """The images of one part of a batch that have ground truth."""
    return [image for image in part_images(wildcards) if image in TRUTH]


DRAWN_RECORDS = []


def drawn_records(wildcards=None):
    """The record of every batch part's figures (plot_images), listed once per run. A record
    whose files are not all there any more is deleted first, so that its images are drawn
    again. (Three input functions ask for the list, each time the job graph is updated.)"""
    if not DRAWN_RECORDS:
        accepted = set(accepted_images())
        for batch in accepted_batches():
            parts = min(FIGURE_PARTS, len(accepted & set(BATCHES[batch])))
            DRAWN_RECORDS.extend(DRAWN_RECORD.format(batch=batch, part=part)
                                 for part in range(parts))  # fmt: skip
        for record in DRAWN_RECORDS:
            missing = forget_if_incomplete(record)
            if missing:
                print(f"{record}: {missing[0]} and {len(missing) - 1} more of the files it "
                      "lists are missing: drawing its images again")  # fmt: skip
    return list(DRAWN_RECORDS)


def figure_targets(wildcards=None):
    """Every figure of the accepted images (through their batches' records), and the
    report's copies."""
    return [
        *drawn_records(),
        "results/figures/background_removal.png",
        "results/report/background_removal.jpg",
        *leaderboard_figures(),
        "results/report/figures",
    ]


def selection_inputs(wildcards):
    """What the choice of the report's images depends on."""
    leaderboard = ["results/tables/leaderboard.csv"] if labelled_images() else []
    return {"fits": "results/tables/fits.csv", "leaderboard": leaderboard}


def thumbnail_inputs(wildcards):
    """The selection and every batch's figures (copies are made of the selected ones)."""
    return {"selection": "results/report/images.txt", "drawn": drawn_records()}


def background_inputs(wildcards):
    """Photos and cut-outs (through their batches' records) of every accepted image, and the
    report's selection."""
    images = accepted_images()
    return {
        "selection": "results/report/images.txt",
        "images": expand("results/ingest/{image}.npz", image=images),
        "drawn": drawn_records(),
    }


def summary_inputs(wildcards):
    """Screening records of every image (accepted or rejected), the fits and picked k, the
    records of the figures drawn (the page lists those that could not be) and, with ground
    truth, the leaderboard and the choice-of-k summary."""
    inputs = {
        "meta": expand("results/ingest/{image}.json", image=IMAGES),
        "picks": "results/tables/picks.csv",
        "fits": "results/tables/fits.csv",
        "drawn": drawn_records(),
    }
    if labelled_images():
        inputs["leaderboard"] = "results/tables/leaderboard.csv"
        inputs["choice_summary"] = "results/tables/choice_of_k_summary.csv"
    return inputs


TABLES = ["results/tables/fits.csv", "results/tables/picks.csv", "results/tables/timings.csv"]
