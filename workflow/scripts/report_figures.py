from segsweep.entry import run
from segsweep.report_figures import thumbnails_main

run(snakemake, thumbnails_main)
