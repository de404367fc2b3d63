from segsweep import leaderboard
from segsweep.entry import run_rule

run_rule(snakemake, leaderboard)  # noqa: F821 (Snakemake injects snakemake)
