from segsweep.entry import run
from segsweep.features import main

run(snakemake, main)
