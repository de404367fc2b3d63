from segsweep.entry import run
from segsweep.ingest import main

run(snakemake, main)
