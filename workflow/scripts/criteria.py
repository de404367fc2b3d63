from segsweep.criteria import main
from segsweep.entry import run

run(snakemake, main)
