# One job draws every figure of an image: starting a job costs as much as drawing a figure.
# It reads that image's own rows and maps of its batch's tables, so it starts as soon as the
# batch is segmented. Images with ground truth also get the truth figure, from the same job
# (a rule of their own, since a rule's outputs are the same for every image).
rule plot_image:
    input:
        standard="results/ingest/{image}.npz",
        labels=image_labels,
        fits=image_fits,
        measures=image_measures,
    output:
        **image_figure_outputs(),
        cutout="results/cutouts/{image}_cluster.png",
        baseline="results/cutouts/{image}_baseline.png",
    log:
        "results/logs/figures/{image}.log",
    wildcard_constraints:
        image=image_pattern(with_truth=False),
    conda:
        "../../environment.yml"
    params:
        **PLOT_IMAGE_PARAMS,
        code=code_version("plot_image"),
    script:
        "../scripts/run_rule.py"


rule plot_image_with_truth:
    input:
        standard="results/ingest/{image}.npz",
        labels=image_labels,
        fits=image_fits,
        measures=image_measures,
    output:
        **image_figure_outputs(),
        **{name: FIGURE_PATH.replace("{name}", name) for name in TRUTH_FIGURE},
        cutout="results/cutouts/{image}_cluster.png",
        baseline="results/cutouts/{image}_baseline.png",
    log:
        "results/logs/figures/{image}.log",
    wildcard_constraints:
        image=image_pattern(with_truth=True),
    conda:
        "../../environment.yml"
    params:
        **PLOT_IMAGE_PARAMS,
        code=code_version("plot_image_with_truth"),
    script:
        "../scripts/run_rule.py"


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
        code=code_version("plot_background"),
        images=lambda wildcards: accepted_images(),
        width=config["report"]["thumbnail_width"],
    script:
        "../scripts/run_rule.py"


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
    params:
        code=code_version("plot_leaderboard"),
    script:
        "../scripts/run_rule.py"


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
        code=code_version("plot_ranks"),
        alpha=config["leaderboard"]["alpha"],
    script:
        "../scripts/run_rule.py"


# The report shows the figures of a selection of images, as small copies (see
# workflow/scripts/segsweep/figures/report.py); every figure stays full size in results/figures/.
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
        code=code_version("report_selection"),
        images=lambda wildcards: accepted_images(),
        max_images=config["report"]["max_images"],
    script:
        "../scripts/run_rule.py"


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
        code=code_version("report_figures"),
        figures=IMAGE_FIGURES | TRUTH_FIGURE,
        captions=figure_captions(FIGURE_SPACES),
        figure_path=lambda wildcards: FIGURE_PATH,
        width=config["report"]["thumbnail_width"],
    script:
        "../scripts/run_rule.py"
