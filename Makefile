# segsweep: the two commands of README.md are `make run` and `make test`.
# Both create the virtual environment .venv on first use (Python 3.11+, pip; no conda).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# the console shows how far a run is and about how long is left (workflow/plugins);
# --logger=NAME, since --logger takes several names and would swallow a target after it
SNAKEMAKE := PYTHONPATH=workflow/plugins $(BIN)/snakemake --workflow-profile workflow/profiles/default \
	--logger=segsweep
REPORT := results/report.html
# the rules that draw figures, from the registry of figures (segsweep.figures.registry)
FIGURE_RULES = $(shell PYTHONPATH=workflow/scripts $(BIN)/python -m segsweep.cli figure-rules)

.PHONY: run figures report test test-fast test-configs test-slurm lint format methods data bench \
	bench-scale bench-bsds coverage-study val-study mutation lock clean

$(INSTALLED): requirements.txt requirements-dev.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-dev.txt -c constraints.txt
	touch $@

# CONFIG=my.yaml: run with your own configuration file on top of config.yaml
CONFIGFILE := $(if $(CONFIG),--configfile $(CONFIG))

## run: the whole pipeline on the configured images, then the HTML report
run: $(INSTALLED)
	$(if $(CONFIG),PYTHONPATH=workflow/scripts $(BIN)/python -m segsweep.cli check-config $(CONFIG))
	$(SNAKEMAKE) $(CONFIGFILE)
	$(SNAKEMAKE) $(CONFIGFILE) --report $(REPORT)
	@echo "Report: $(REPORT) (open it in a browser)"

## figures: redraw figures and the summary from stored tables and label maps, then the report
## (CONFIG=my.yaml: the configuration the run used)
figures: $(INSTALLED)
	$(SNAKEMAKE) figures $(CONFIGFILE) --forcerun $(FIGURE_RULES) --rerun-triggers mtime
	$(SNAKEMAKE) $(CONFIGFILE) --report $(REPORT)

## report: rebuild the HTML report from what is in results/ (CONFIG=my.yaml as for the run)
report: $(INSTALLED)
	$(SNAKEMAKE) $(CONFIGFILE) --report $(REPORT)

## test: formatting and lint checks, then the whole test suite but the runs of test-configs
test: $(INSTALLED) lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not configs"

## test-configs: whole runs to the report (tests/test_run_shapes.py): every shipped
## configuration (workflow/configs) on a tiny stand-in for its data, every shape of
## configuration and of image (CI runs it)
test-configs: $(INSTALLED)
	$(BIN)/python -m pytest -n 2 -m configs

## test-fast: the unit tests only (no pipeline runs), for the edit-test loop
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -m "not workflow" -n 2

## test-slurm: run the tiny pipeline on a local single-node SLURM (needs root; CI runs it)
test-slurm: $(INSTALLED)
	timeout -k 10 420 bash tests/slurm/slurm_ci.sh

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(SNAKEMAKE) --lint --cores 1

## format: apply ruff and snakefmt formatting
format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/snakefmt Snakefile workflow/rules

## methods: list the registered clustering methods and their parameters
methods: $(INSTALLED)
	PYTHONPATH=workflow/scripts $(BIN)/python -m segsweep.cli methods

## data: regenerate the bundled labelled images and their ground truth
data: $(INSTALLED)
	PYTHONPATH=workflow/scripts:tests $(BIN)/python -m tools.synthetic data

## bench: the benchmark (not a test); prints a table, writes results/bench/benchmark.md
bench: $(INSTALLED)
	PYTHONPATH=workflow/scripts:tests $(BIN)/python -m bench.cases

## coverage-study: coverage of every 95% interval the leaderboard prints, at 10, 30 and 100
## images (not a test; docs/bsds500.md): synthetic datasets (DATASETS per cell, 1000 by
## default), or a run's own images resampled with FITS=results/tables/fits.csv (ENTRIES=
## "lab/kmeans ..." some of its entries); CURVE=1: boundary F and AP only. Writes
## results/bench/coverage.md (coverage-real.md with FITS, coverage-curve.md with CURVE)
DATASETS ?= 1000
coverage-study: $(INSTALLED)
	PYTHONPATH=workflow/scripts:tests $(BIN)/python -m bench.intervals --datasets $(DATASETS) \
		$(if $(FITS),--fits $(FITS) --out results/bench/coverage-real.md) \
		$(if $(ENTRIES),--entries $(ENTRIES)) $(if $(CURVE),--curve-only --out results/bench/coverage-curve.md)

## bench-scale: pipeline against a plain loop on 10, 50 and 200 labelled images
## (writes results/bench/scale.md; BENCH_ARGS="--bsds PATH" runs on a BSDS500 copy)
bench-scale: $(INSTALLED)
	$(BIN)/python tests/bench/scale.py $(BENCH_ARGS)

## bench-bsds: the published BSDS500 configuration end to end (tables, figures, report) on the
## first N test images, this checkout against the code of b81c82c run side by side
## (BSDS=PATH, N=10 by default); prints times, job-seconds per rule and whether results match
N ?= 10
bench-bsds: $(INSTALLED)
	$(BIN)/python tests/bench/bsds.py --bsds $(BSDS) --n $(N)

## val-study: the BSDS500 val studies that chose the published setups (not a test; see
## docs/bsds500.md for their run times); BSDS=PATH names your BSDS500 copy (default
## data/BSDS500), STUDY=setup or families runs one, LIMIT=N the first N val images.
## Writes results/studies/val-NAME/study.md
BSDS ?= data/BSDS500
val-study: $(INSTALLED)
	$(BIN)/python tests/studies/val.py --bsds $(BSDS) $(if $(STUDY),--study $(STUDY)) \
		$(if $(LIMIT),--limit $(LIMIT))

## mutation: mutation testing of every module a published number passes through, in one
## run from scratch (cosmic-ray's mutants, each tested with the fast tests that run its line;
## docs/mutation.md); writes results/mutation/report.md, fails below 85% killed (overall, in
## score/, tables/ and fit/postprocess.py) or with a survivor docs/mutation.md does not
## explain alone. ONLY="score/*" mutates some modules, for the edit-test loop.
mutation: $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check cosmic-ray==8.7.0 \
		pytest-cov==7.1.0 coverage==7.18.0
	$(BIN)/python tests/mutation/run.py $(if $(ONLY),--only $(ONLY))

## lock: re-pin constraints.txt from the current environment
lock: $(INSTALLED)
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf results .snakemake
