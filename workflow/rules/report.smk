rule summary:
    input:
        unpack(summary_inputs),
    output:
        html=report(
            "results/report/summary.html",
            caption="../report/summary.rst",
            category="Summary",
        ),
    log:
        "results/logs/summary.log",
    priority: SHORT_JOB_PRIORITY
    conda:
        "../../environment.yml"
    params:
        code=code_version("summary"),
        run={
            "spaces": SPACES,
            "k": KS,
            "seeds": SEEDS,
            "silhouette_sample": config["criteria"]["silhouette_sample"],
            "max_segments": config["criteria"]["max_segments"],
        },
        method_setups={label: setup.to_dict() for label, setup in METHOD_SETUPS.items()},
        ignored=IGNORED,
        alpha=config["leaderboard"]["alpha"],
    script:
        "../scripts/run_rule.py"


rule provenance:
    input:
        images=list(IMAGES.values()),
        truth=[path for paths in TRUTH.values() for path in paths],
    output:
        provenance="results/provenance.json",
    log:
        "results/logs/provenance.log",
    conda:
        "../../environment.yml"
    params:
        code=code_version("provenance"),
        images=list(IMAGES),
        truth=TRUTH,
        config=config,  # as a param, so a changed configuration writes it again
    script:
        "../scripts/run_rule.py"
