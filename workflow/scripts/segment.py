from segsweep import segment
from segsweep.entry import run_rule

run_rule(snakemake, segment)  # noqa: F821 (Snakemake injects snakemake)
