from segsweep.detail_figures import background_main
from segsweep.entry import run

run(snakemake, background_main)
