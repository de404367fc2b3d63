from segsweep.detail_figures import cutouts_main
from segsweep.entry import run

run(snakemake, cutouts_main)
