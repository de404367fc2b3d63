rule features:
    input:
        image="results/ingest/{image}.png",
    output:
        features="results/features/{image}/{space}.npy",
    conda:
        "../../environment.yml"
    log:
        "results/logs/features/{image}/{space}.log",
    script:
        "../scripts/features.py"
