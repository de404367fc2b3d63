from segsweep.entry import run
from segsweep.truth import main

run(snakemake, main)
