from segsweep.entry import run
from segsweep.leaderboard import main

run(snakemake, main)
