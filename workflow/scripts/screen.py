from segsweep.entry import run
from segsweep.ingest import screen_main

run(snakemake, screen_main)
