from segsweep.detail_figures import leaderboard_main
from segsweep.entry import run

run(snakemake, leaderboard_main)
