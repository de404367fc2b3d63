from segsweep import figures
from segsweep.entry import run_rule

run_rule(snakemake, figures)
