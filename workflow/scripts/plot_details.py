from segsweep.detail_figures import details_main
from segsweep.entry import run

run(snakemake, details_main)
