from segsweep import ingest
from segsweep.entry import run_rule

run_rule(snakemake, ingest)  # noqa: F821 (Snakemake injects snakemake)
