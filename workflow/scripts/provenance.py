from segsweep.entry import run
from segsweep.provenance import main

run(snakemake, main)
