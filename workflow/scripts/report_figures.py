from segsweep import report_figures
from segsweep.entry import run_rule

run_rule(snakemake, report_figures)  # noqa: F821 (Snakemake injects snakemake)
