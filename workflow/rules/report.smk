rule summary:
    input:
        meta=expand("results/ingest/{image}.json", image=IMAGES),
        picks="results/tables/picks.csv",
    output:
        html=report(
            "results/report/summary.html",
            caption="../report/summary.rst",
            category="Summary",
        ),
    conda:
        "../../environment.yml"
    log:
        "results/logs/summary.log",
    params:
        method_setups=METHOD_SETUPS,
    script:
        "../scripts/summary.py"


rule provenance:
    input:
        images=list(IMAGES.values()),
    output:
        provenance="results/provenance.json",
    conda:
        "../../environment.yml"
    log:
        "results/logs/provenance.log",
    params:
        images=list(IMAGES),
    script:
        "../scripts/provenance.py"
