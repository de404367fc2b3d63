from segsweep.entry import run_rule

run_rule(snakemake)  # noqa: F821 (Snakemake injects snakemake; segsweep.entry.ENTRIES names the code)
