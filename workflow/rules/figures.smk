rule plot_segmentations:
    input:
        image="results/ingest/{image}.png",
        labels=expand("results/labels/{{image}}/{{space}}/{method}.npz", method=METHODS),
    output:
        recolour=report(
            "results/figures/{image}/{space}_recolour.png",
            caption="../report/recolour.rst",
            category="Segmentations",
            subcategory="{image}",
            labels={"image": "{image}", "space": "{space}", "figure": "recoloured"},
        ),
        labels=report(
            "results/figures/{image}/{space}_labels.png",
            caption="../report/labels.rst",
            category="Label maps",
            subcategory="{image}",
            labels={"image": "{image}", "space": "{space}", "figure": "label maps"},
        ),
    log:
        "results/logs/figures/{image}/{space}_segmentations.log",
    conda:
        "../../environment.yml"
    params:
        methods=METHODS,
        ks=KS,
        seed=FIGURE_SEED,
    script:
        "../scripts/plot_segmentations.py"


rule plot_elbow:
    input:
        fits="results/tables/fits.csv",
        picks="results/tables/picks.csv",
    output:
        figure=report(
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
    log:
        "results/logs/figures/{image}/elbow.log",
    conda:
        "../../environment.yml"
    script:
        "../scripts/plot_elbow.py"


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


rule plot_edges:
    input:
        image="results/ingest/{image}.png",
        labels=space_labels,
        picks="results/tables/picks.csv",
    output:
        figure=report(
            "results/figures/{image}/{space}_edges.png",
            caption="../report/edges.rst",
            category="Edges and boundaries",
            subcategory="{image}",
            labels={"image": "{image}", "space": "{space}", "figure": "edges"},
        ),
    log:
        "results/logs/figures/{image}/{space}_edges.log",
    conda:
        "../../environment.yml"
    params:
        methods=lambda wildcards: methods_in(wildcards.space),
        seed=FIGURE_SEED,
        k=config["figures"]["k"],
        sigma=config["figures"]["canny_sigma"],
    script:
        "../scripts/plot_edges.py"


rule plot_details:
    input:
        image="results/ingest/{image}.png",
        features=f"results/features/{{image}}/{DETAIL_SPACE}.npy",
        labels=f"results/labels/{{image}}/{DETAIL_SPACE}/{DETAIL_METHOD}.npz",
        picks="results/tables/picks.csv",
    output:
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
    log:
        "results/logs/figures/{image}/details.log",
    conda:
        "../../environment.yml"
    params:
        space=DETAIL_SPACE,
        method=DETAIL_METHOD,
        seed=FIGURE_SEED,
        k=config["figures"]["k"],
    script:
        "../scripts/plot_details.py"


rule cutouts:
    input:
        image="results/ingest/{image}.png",
        labels=f"results/labels/{{image}}/{DETAIL_SPACE}/{DETAIL_METHOD}.npz",
    output:
        cluster="results/cutouts/{image}_cluster.png",
        baseline="results/cutouts/{image}_baseline.png",
    log:
        "results/logs/cutouts/{image}.log",
    conda:
        "../../environment.yml"
    params:
        seed=FIGURE_SEED,
        k=config["figures"]["cutout_k"],
    script:
        "../scripts/cutouts.py"


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
