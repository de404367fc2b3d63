"""segsweep: a reproducible comparison of image segmentation by clustering.

Each step of the Snakemake workflow calls one module of this package. Every module has a
pure core (arrays and tables in, arrays and tables out) that the tests call directly, and a
``main(snakemake)`` entry used by the thin scripts in ``workflow/scripts/``.
"""

__version__ = "0.1.0"
