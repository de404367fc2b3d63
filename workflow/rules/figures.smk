# One job draws every figure of the images of a part of a batch (half the images one segment
# job fits): starting a job costs more than drawing an image's figures. It starts as soon as
# its batch is measured. Its output is the record of the files it drew
# (segsweep.figures.drawn): which images a batch holds is known only once they are screened.
rule plot_images:
    input:
        standard=part_standard_forms,
        labels=batch_labels,
        fits=batch_fits,
        measures=batch_measures,
    output:
        drawn=DRAWN_RECORD,
    log:
        "results/logs/figures/{batch}/part{part}.log",
    wildcard_constraints:
        part=r"\d+",
    # the parts with most images first, so that the last ones to finish are short
    priority: lambda wildcards: len(part_images(wildcards))
    conda:
        "../../environment.yml"
    resources:
        runtime=lambda wildcards: int(10 + len(part_images(wildcards))),
    params:
        **PLOT_IMAGES_PARAMS,
        images=part_images,
        truth=part_truth,
        code=code_version("plot_images"),
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
        cutout_path=lambda wildcards: CUTOUT_PATH,
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
    priority: SHORT_JOB_PRIORITY
    conda:
        "../../environment.yml"
    params:
        code=code_version("plot_leaderboard"),
    script:
        "../scripts/run_rule.py"


rule plot_precision_recall:
    input:
        curves="results/tables/boundary_curves.csv",
        leaderboard="results/tables/leaderboard.csv",
    output:
        figure=report(
            "results/figures/precision_recall.png",
            caption="../report/precision_recall.rst",
            category="Ground truth",
        ),
    log:
        "results/logs/figures/precision_recall.log",
    priority: SHORT_JOB_PRIORITY
    conda:
        "../../environment.yml"
    params:
        code=code_version("plot_precision_recall"),
        human_f=HUMAN_BOUNDARY_F,
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
    priority: SHORT_JOB_PRIORITY
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
    priority: SHORT_JOB_PRIORITY
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
