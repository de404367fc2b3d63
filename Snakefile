# segsweep: compare image segmentation by clustering.
# Data flow: screen (decode, check, standard form) -> segment (colour spaces, every k and
# seed, criteria and scores against ground truth)
# -> tables -> figures -> summary.
# Targets: `all` (default, everything) and `figures` (figures and summary only, redrawn
# from stored tables and label maps). See README.md.

import sys

from snakemake.utils import min_version

min_version("9.0")
sys.path.insert(0, f"{workflow.basedir}/workflow/scripts")
from segsweep.config_errors import check_yaml_or_exit  # noqa: E402

check_yaml_or_exit(["config.yaml"])  # file, line and column of a YAML syntax error


configfile: "config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/segment.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"


onstart:
    unthrottle_local_scheduler()


onsuccess:
    report_inputs()


onerror:
    report_inputs()


# Target rules only collect files, and the screened checkpoint reads a few small files:
# they never go to a cluster.
localrules:
    all,
    figures,
    screened,


rule all:
    default_target: True
    input:
        TABLES,
        all_label_maps,
        truth_tables,
        figure_targets,
        "results/report/summary.html",
        "results/provenance.json",


rule figures:
    input:
        figure_targets,
        "results/report/summary.html",
