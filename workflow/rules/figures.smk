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
            category="Elbow curves",
            labels={"image": "{image}", "figure": "elbow curves"},
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
