from segsweep.entry import run
from segsweep.evaluate import main

run(snakemake, main)
