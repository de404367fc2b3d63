rule summary:
    input:
        meta=summary_metas,
        picks="results/tables/picks.csv",
        truth_tables=truth_tables,
    output:
        html=report(
            "results/report/summary.html",
            caption="../report/summary.rst",
            category="Summary",
        ),
    log:
        "results/logs/summary.log",
    conda:
        "../../environment.yml"
    params:
        method_setups=METHOD_SETUPS,
        ignored=IGNORED,
    script:
        "../scripts/summary.py"


rule provenance:
    input:
        images=list(IMAGES.values()),
    output:
        provenance="results/provenance.json",
    log:
        "results/logs/provenance.log",
    conda:
        "../../environment.yml"
    params:
        images=list(IMAGES),
    script:
        "../scripts/provenance.py"
