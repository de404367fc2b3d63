from segsweep.entry import run
from segsweep.figures import elbow_main

run(snakemake, elbow_main)
