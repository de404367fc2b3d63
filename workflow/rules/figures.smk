# One job draws every figure of an image: starting a job costs as much as drawing a figure.
# It reads that image's own tables only, so it starts as soon as the image is segmented and
# adding an image redraws no other image's figures.
rule plot_image:
    input:
        standard="results/ingest/{image}.npz",
        labels=image_labels,
        fits=image_fits,
    output:
        **image_figure_outputs(),
        cutout="results/cutouts/{image}_cluster.png",
        baseline="results/cutouts/{image}_baseline.png",
    log:
        "results/logs/figures/{image}.log",
    conda:
        "../../environment.yml"
    params:
        methods=METHODS,
        spaces=FIGURE_SPACES,
        methods_in_space={space: methods_in(space) for space in FIGURE_SPACES},
        parameters={m: METHOD_SETUPS[m]["parameter"] for m in METHODS},
        seed=FIGURE_SEED,
        k=config["figures"]["k"],
        sigma=config["figures"]["canny_sigma"],
        detail_space=DETAIL_SPACE,
        detail_method=DETAIL_METHOD,
        cutout_k=config["figures"]["cutout_k"],
    script:
        "../scripts/image_figures.py"


rule plot_truth:
    input:
        standard="results/ingest/{image}.npz",
        fits=image_fits,
        labels=image_labels,
    output:
        figure=FIGURE_PATH.replace("{name}", "truth"),
    log:
        "results/logs/figures/{image}/truth.log",
    conda:
        "../../environment.yml"
    params:
        seed=FIGURE_SEED,
        methods=METHODS,
    script:
        "../scripts/image_figures.py"


rule plot_background:
    input:
        unpack(background_inputs),
    output:
        figure="results/figures/background_removal.png",
        report_copy=report(
            "results/report/background_removal.jpg",
            caption="../report/background.rst",
            category="Background removal",
        ),
    log:
        "results/logs/figures/background_removal.log",
    conda:
        "../../environment.yml"
    params:
        images=lambda wildcards: accepted_images(),
        width=config["report"]["thumbnail_width"],
    script:
        "../scripts/dataset_figures.py"


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
        "../scripts/dataset_figures.py"


rule plot_ranks:
    input:
        per_image="results/tables/leaderboard_per_image.csv",
    output:
        figure=report(
            "results/figures/ranks.png",
            caption="../report/ranks.rst",
            category="Ground truth",
        ),
    log:
        "results/logs/figures/ranks.log",
    conda:
        "../../environment.yml"
    params:
        alpha=config["leaderboard"]["alpha"],
    script:
        "../scripts/dataset_figures.py"


# The report shows the figures of a selection of images, as small copies (see
# workflow/scripts/segsweep/report_figures.py); every figure stays full size in results/figures/.
rule report_selection:
    input:
        unpack(selection_inputs),
    output:
        selection="results/report/images.txt",
    log:
        "results/logs/report_selection.log",
    conda:
        "../../environment.yml"
    params:
        images=lambda wildcards: accepted_images(),
        max_images=config["report"]["max_images"],
    script:
        "../scripts/report_figures.py"


rule report_figures:
    input:
        unpack(thumbnail_inputs),
    output:
        folder=report(
            directory("results/report/figures"),
            patterns=["{category}/{image}/{name}.jpg"],
            caption="../report/image_figure.rst",
            category="{category}",
            subcategory="{image}",
            labels={"image": "{image}", "figure": "{name}"},
        ),
    log:
        "results/logs/report_figures.log",
    conda:
        "../../environment.yml"
    params:
        figures=IMAGE_FIGURES | TRUTH_FIGURE,
        figure_path=lambda wildcards: FIGURE_PATH,
        width=config["report"]["thumbnail_width"],
    script:
        "../scripts/report_figures.py"
