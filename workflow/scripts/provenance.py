from segsweep import provenance
from segsweep.entry import run_rule

run_rule(snakemake, provenance)  # noqa: F821 (Snakemake injects snakemake)
