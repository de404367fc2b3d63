from segsweep import selection
from segsweep.entry import run_rule

run_rule(snakemake, selection)  # noqa: F821 (Snakemake injects snakemake)
