# One job per (image, method label) fits every colour space, swept value and seed and
# measures every fit (criteria, and scores against the ground truth): starting a job costs
# more than fitting a small image at one k. On a cluster, --group-components segment=N bundles N of these jobs
# into one submission (see workflow/profiles/slurm).
rule segment:
    input:
        standard="results/ingest/{image}.npz",
    output:
        labels="results/labels/{image}/{method}.npz",
        fits="results/fits/{image}/{method}.csv",
        timings="results/timings/{image}/{method}.csv",
    log:
        "results/logs/segment/{image}/{method}.log",
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
        setup=lambda wildcards: METHOD_SETUPS[wildcards.method],
        spaces=lambda wildcards: spaces_of(wildcards.method),
        seeds=SEEDS,
        criteria=config["criteria"],
    script:
        "../scripts/segment.py"
