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
