# One job per (batch of images, method label) fits every image of the batch in every colour
# space, swept value and seed; another measures those fits (criteria, and scores against the
# ground truth) from the stored label maps, so editing a score never refits a model:
# starting a job costs as much as segmenting an image. `batch_size` in the
# config sets about how many images a batch holds (segsweep.fit.batches). On a cluster,
# --group-components segment=N bundles N of these jobs into one submission (see
# workflow/profiles/slurm).
rule segment:
    input:
        standard=batch_standard_forms,
    output:
        labels="results/labels/{batch}/{method}.npz",
        fits="results/fits/{batch}/{method}.csv",
        timings="results/timings/{batch}/{method}.csv",
    log:
        "results/logs/segment/{batch}/{method}.log",
    priority: costliest_first
    group:
        "segment"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        # per colour space: features, label maps, chunk buffers and the model
        mem_mb=lambda wildcards: int(1000 + 300 * segment_megapixels(wildcards)),
        runtime=lambda wildcards: int(10 + 10 * segment_megapixels(wildcards)),
    params:
        images=batch_images,
        setup=lambda wildcards: METHOD_SETUPS[wildcards.method].to_dict(),
        spaces=lambda wildcards: spaces_of(wildcards.method),
        seeds=SEEDS,
        code=lambda wildcards: code_version("segment", METHOD_SETUPS[wildcards.method].method),
    script:
        "../scripts/run_rule.py"


rule measure:
    input:
        standard=batch_standard_forms,
        labels="results/labels/{batch}/{method}.npz",
    output:
        measures="results/measures/{batch}/{method}.csv",
        timings="results/measure_timings/{batch}/{method}.csv",
    log:
        "results/logs/measure/{batch}/{method}.log",
    priority: costliest_first
    group:
        "segment"
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        mem_mb=lambda wildcards: int(1000 + 300 * segment_megapixels(wildcards)),
        runtime=lambda wildcards: int(10 + 10 * segment_megapixels(wildcards)),
    params:
        images=batch_images,
        criteria=config["criteria"],
        scores=config["scores"],
        setup=lambda wildcards: METHOD_SETUPS[wildcards.method].to_dict(),
        code=code_version("measure"),
    script:
        "../scripts/run_rule.py"
