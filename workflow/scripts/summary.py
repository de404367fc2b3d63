from segsweep.entry import run
from segsweep.summary import main

run(snakemake, main)
