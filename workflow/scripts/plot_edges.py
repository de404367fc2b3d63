from segsweep.entry import run
from segsweep.figures import edges_main

run(snakemake, edges_main)
