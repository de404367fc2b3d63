from segsweep.entry import run
from segsweep.image_figures import image_figures_main

run(snakemake, image_figures_main)
