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
    priority: SHORT_JOB_PRIORITY
    conda:
        "../../environment.yml"
    params:
        code=code_version("tables"),
    script:
        "../scripts/run_rule.py"


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
        per_image=report(
            "results/tables/leaderboard_per_image.csv",
            caption="../report/leaderboard_per_image.rst",
            category="Tables",
        ),
        curves=report(
            "results/tables/boundary_curves.csv",
            caption="../report/boundary_curves.rst",
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
    priority: SHORT_JOB_PRIORITY
    conda:
        "../../environment.yml"
    params:
        code=code_version("leaderboard"),
        trust=config["leaderboard"],
    script:
        "../scripts/run_rule.py"
