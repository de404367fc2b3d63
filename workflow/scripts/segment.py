from segsweep.entry import run
from segsweep.segment import main

run(snakemake, main)
