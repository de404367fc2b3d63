checkpoint screen:
    input:
        image=image_source,
        truth=truth_sources,
    output:
        meta="results/ingest/{image}.json",
    log:
        "results/logs/screen/{image}.log",
    conda:
        "../../environment.yml"
    params:
        max_pixels=config["images"]["max_pixels"],
        oversize=config["images"]["oversize"],
        on_error=config["images"]["on_error"],
    script:
        "../scripts/screen.py"


rule ingest:
    input:
        image=image_source,
        meta="results/ingest/{image}.json",
    output:
        image="results/ingest/{image}.png",
    log:
        "results/logs/ingest/{image}.log",
    conda:
        "../../environment.yml"
    params:
        max_pixels=config["images"]["max_pixels"],
        oversize=config["images"]["oversize"],
    script:
        "../scripts/ingest.py"


rule ingest_truth:
    input:
        truth=truth_sources,
        meta="results/ingest/{image}.json",
    output:
        truth="results/truth/{image}.npz",
    log:
        "results/logs/ingest_truth/{image}.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/ingest_truth.py"
