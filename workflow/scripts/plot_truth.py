from segsweep.entry import run
from segsweep.figures import truth_main

run(snakemake, truth_main)
