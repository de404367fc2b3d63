from segsweep.entry import run
from segsweep.figures import segmentation_main

run(snakemake, segmentation_main)
