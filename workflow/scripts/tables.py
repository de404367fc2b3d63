from segsweep.entry import run
from segsweep.selection import main

run(snakemake, main)
