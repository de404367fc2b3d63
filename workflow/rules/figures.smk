# One job draws every figure of an image: starting a job costs as much as drawing a figure.
rule plot_image:
    input:
        image="results/ingest/{image}.png",
        features=f"results/features/{{image}}/{DETAIL_SPACE}.npy",
        labels=image_labels,
        fits="results/tables/fits.csv",
        picks="results/tables/picks.csv",
    output:
        **image_figure_outputs(),
        elbow=report(
            "results/figures/{image}/elbow.png",
            caption="../report/elbow.rst",
            category="Choice of k",
            labels={"image": "{image}", "figure": "elbow curves"},
        ),
        picks=report(
            "results/figures/{image}/picks.png",
            caption="../report/picks_figure.rst",
            category="Choice of k",
            labels={"image": "{image}", "figure": "picked k"},
        ),
        scatter=report(
            "results/figures/{image}/scatter.png",
            caption="../report/scatter.rst",
            category="Pixels in colour space",
            labels={"image": "{image}", "figure": "channel pairs"},
        ),
        scatter3d=report(
            "results/figures/{image}/scatter3d.png",
            caption="../report/scatter.rst",
            category="Pixels in colour space",
            labels={"image": "{image}", "figure": "3-D"},
        ),
        clusters=report(
            "results/figures/{image}/clusters.png",
            caption="../report/clusters.rst",
            category="Clusters and masks",
            labels={"image": "{image}", "figure": "masks"},
        ),
        cutout="results/cutouts/{image}_cluster.png",
        baseline="results/cutouts/{image}_baseline.png",
    log:
        "results/logs/figures/{image}.log",
    conda:
        "../../environment.yml"
    params:
        sweeps=lambda wildcards: [(s, m) for _, s, m in sweeps([wildcards.image])],
        spaces=FIGURE_SPACES,
        ks=KS,
        seed=FIGURE_SEED,
        k=config["figures"]["k"],
        sigma=config["figures"]["canny_sigma"],
        detail_space=DETAIL_SPACE,
        detail_method=DETAIL_METHOD,
        cutout_k=config["figures"]["cutout_k"],
    script:
        "../scripts/plot_image.py"


rule plot_truth:
    input:
        image="results/ingest/{image}.png",
        truth="results/truth/{image}.npz",
        fits="results/tables/fits.csv",
        labels=expand("results/labels/{{image}}/{space}/{method}.npz", space=SPACES, method=METHODS),
    output:
        figure=report(
            "results/figures/{image}/truth.png",
            caption="../report/truth.rst",
            category="Ground truth",
            labels={"image": "{image}", "figure": "truth and errors"},
        ),
    log:
        "results/logs/figures/{image}/truth.log",
    conda:
        "../../environment.yml"
    params:
        seed=FIGURE_SEED,
    script:
        "../scripts/plot_truth.py"


rule plot_background:
    input:
        unpack(background_inputs),
    output:
        figure=report(
            "results/figures/background_removal.png",
            caption="../report/background.rst",
            category="Background removal",
        ),
    log:
        "results/logs/figures/background_removal.log",
    conda:
        "../../environment.yml"
    params:
        images=lambda wildcards: accepted_images(),
    script:
        "../scripts/plot_background.py"


rule plot_leaderboard:
    input:
        leaderboard="results/tables/leaderboard.csv",
    output:
        figure=report(
            "results/figures/leaderboard.png",
            caption="../report/leaderboard.rst",
            category="Ground truth",
        ),
    log:
        "results/logs/figures/leaderboard.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot_leaderboard.py"
