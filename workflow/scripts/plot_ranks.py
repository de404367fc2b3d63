from segsweep.detail_figures import ranks_main
from segsweep.entry import run

run(snakemake, ranks_main)
