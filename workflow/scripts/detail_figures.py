from segsweep import detail_figures
from segsweep.entry import run_rule

run_rule(snakemake, detail_figures)
