rule ingest:
    input:
        image=image_source,
    output:
        image="results/ingest/{image}.png",
        meta="results/ingest/{image}.json",
    log:
        "results/logs/ingest/{image}.log",
    conda:
        "../../environment.yml"
    params:
        max_pixels=config["images"]["max_pixels"],
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
