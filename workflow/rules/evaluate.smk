rule criteria:
    input:
        features="results/features/{image}/{space}.npy",
        labels="results/labels/{image}/{space}/{method}.npz",
        fits="results/fits/{image}/{space}/{method}.csv",
    output:
        criteria="results/criteria/{image}/{space}/{method}.csv",
    log:
        "results/logs/criteria/{image}/{space}/{method}.log",
    conda:
        "../../environment.yml"
    params:
        silhouette_sample=config["criteria"]["silhouette_sample"],
    script:
        "../scripts/criteria.py"


rule tables:
    input:
        fits=sweep_outputs("fits"),
        criteria=sweep_outputs("criteria"),
        timings=sweep_outputs("timings"),
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
