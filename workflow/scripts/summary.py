from segsweep import summary
from segsweep.entry import run_rule

run_rule(snakemake, summary)  # noqa: F821 (Snakemake injects snakemake)
