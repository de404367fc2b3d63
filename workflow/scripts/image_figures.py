from segsweep import image_figures
from segsweep.entry import run_rule

run_rule(snakemake, image_figures)  # noqa: F821 (Snakemake injects snakemake)
