rule features:
    input:
        image="results/ingest/{image}.png",
    output:
        features="results/features/{image}/{space}.npy",
    log:
        "results/logs/features/{image}/{space}.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/features.py"
