rule evaluate:
    input:
        features="results/features/{image}/{space}.npy",
        labels="results/labels/{image}/{space}/{method}.npz",
        fits="results/fits/{image}/{space}/{method}.csv",
        truth=truth_of_image,
    output:
        evaluation="results/evaluation/{image}/{space}/{method}.csv",
    log:
        "results/logs/evaluate/{image}/{space}/{method}.log",
    conda:
        "../../environment.yml"
    resources:
        mem_mb=lambda wildcards, input: int(1000 + 4 * input.size_mb),
        runtime=lambda wildcards, input: int(10 + input.size_mb),
    params:
        silhouette_sample=config["criteria"]["silhouette_sample"],
    script:
        "../scripts/evaluate.py"


rule tables:
    input:
        unpack(table_inputs),
    output:
        fits=report(
            "results/tables/fits.csv",
            caption="../report/fits.rst",
            category="Tables",
        ),
        picks=report(
            "results/tables/picks.csv",
            caption="../report/picks.rst",
            category="Tables",
        ),
        timings="results/tables/timings.csv",
    log:
        "results/logs/tables.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/tables.py"


rule leaderboard:
    input:
        fits="results/tables/fits.csv",
        picks="results/tables/picks.csv",
    output:
        leaderboard=report(
            "results/tables/leaderboard.csv",
            caption="../report/leaderboard.rst",
            category="Tables",
        ),
        choice="results/tables/choice_of_k.csv",
        choice_summary=report(
            "results/tables/choice_of_k_summary.csv",
            caption="../report/choice_of_k.rst",
            category="Tables",
        ),
    log:
        "results/logs/leaderboard.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/leaderboard.py"
