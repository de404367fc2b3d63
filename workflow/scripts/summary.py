from segsweep import summary
from segsweep.entry import run_rule

run_rule(snakemake, summary)
