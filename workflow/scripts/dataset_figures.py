from segsweep import dataset_figures
from segsweep.entry import run_rule

run_rule(snakemake, dataset_figures)  # noqa: F821 (Snakemake injects snakemake)
