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
