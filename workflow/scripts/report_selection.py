from segsweep.entry import run
from segsweep.report_figures import selection_main

run(snakemake, selection_main)
