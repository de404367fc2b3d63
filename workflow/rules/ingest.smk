# Screening decodes each image and its ground truth once: the JSON record says whether the
# image is used (and what was done to it), the .npz holds its standard form and truth.
rule screen:
    input:
        image=image_source,
        truth=truth_sources,
    output:
        meta="results/ingest/{image}.json",
        standard="results/ingest/{image}.npz",
    log:
        "results/logs/screen/{image}.log",
    conda:
        "../../environment.yml"
    params:
        code=code_version("screen"),
        max_pixels=config["images"]["max_pixels"],
        oversize=config["images"]["oversize"],
        on_error=config["images"]["on_error"],
    script:
        "../scripts/run_rule.py"


# Which images the run uses, once every image is screened: one checkpoint for the whole run
# (a checkpoint per image made Snakemake rebuild its job graph once per image).
checkpoint screened:
    input:
        meta=expand("results/ingest/{image}.json", image=IMAGES),
    output:
        accepted="results/screened.json",
    log:
        "results/logs/screened.log",
    conda:
        "../../environment.yml"
    params:
        code=code_version("screened"),
    script:
        "../scripts/run_rule.py"
