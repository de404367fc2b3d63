# One job per (batch of images, method label) fits every image of the batch in every colour
# space, swept value and seed, and measures every fit (criteria, and scores against the
# ground truth): starting a job costs as much as segmenting an image. `batch_size` in the
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
        criteria=config["criteria"],
    script:
        "../scripts/run_rule.py"
