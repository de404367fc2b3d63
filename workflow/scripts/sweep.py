from segsweep.entry import run
from segsweep.sweep import main

run(snakemake, main)
