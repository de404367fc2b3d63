rule sweep:
    input:
        features="results/features/{image}/{space}.npy",
    output:
        labels="results/labels/{image}/{space}/{method}.npz",
        fits="results/fits/{image}/{space}/{method}.csv",
        timings="results/timings/{image}/{space}/{method}.csv",
    log:
        "results/logs/sweep/{image}/{space}/{method}.log",
    conda:
        "../../environment.yml"
    threads: 1
    resources:
        # features plus labels, chunk buffers and the model: a few times the feature file
        mem_mb=lambda wildcards, input: int(1000 + 6 * input.size_mb),
        runtime=lambda wildcards, input: int(10 + input.size_mb),
    params:
        method=lambda wildcards: METHOD_SETUPS[wildcards.method],
        ks=KS,
        seeds=SEEDS,
        sample_size=SAMPLE_SIZE,
    script:
        "../scripts/sweep.py"
