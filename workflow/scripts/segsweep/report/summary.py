"""Summary page: what was run, which k each criterion picks, and the library versions.

Produces one self-contained HTML fragment (scoped inline styles, no scripts) that opens on
its own in any browser and that the Snakemake report's start page embeds
(``workflow/report/workflow.rst``), so the report opens with it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd

from segsweep.fit.setup import Setup, value_label
from segsweep.tables.selection import CRITERIA

# Styles are scoped to the summary's own <div>, so the page can also be embedded in the
# Snakemake report's start page without restyling the report. That page gives the summary a
# column about 500 pixels wide in a 1280-pixel window, so every table is kept to a handful of
# short columns (the full tables are under Tables in the report, and in results/tables/).
_STYLE = """
.segsweep-summary { font-family: system-ui, sans-serif; color: #222; overflow-x: auto; }
.segsweep-summary h1 { font-size: 1.4em; } .segsweep-summary h2 { font-size: 1.15em; }
.segsweep-summary table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
.segsweep-summary th, .segsweep-summary td { border: 1px solid #ccc; padding: 0.15em 0.35em;
  text-align: right; }
.segsweep-summary th { background: #f0f0f0; }
.segsweep-summary td:first-child, .segsweep-summary th:first-child { text-align: left; }
.segsweep-summary p.note { color: #555; max-width: 50em; }
"""

#: Short column headings of the summary's criteria table.
_CRITERION_HEADINGS = {
    "elbow": "elbow",
    "bic": "BIC",
    "aic": "AIC",
    "silhouette": "silh.",
    "calinski_harabasz": "CH",
    "davies_bouldin": "DB",
}

#: Images listed by name (with their size) in "What was run"; more are summarised.
_LISTED_IMAGES = 20


def picked_k_table(picks: pd.DataFrame) -> pd.DataFrame:
    """The k each criterion picks, per (space, method) over images: median (min-max).

    One row per ``space / method``, one column per criterion (short headings); per-image
    picks are in picks.csv and in each image's picked-k figure.
    """
    if picks.empty:
        return pd.DataFrame(columns=["space / method"])

    def spread(ks: pd.Series) -> str:
        low, mid, high = int(ks.min()), ks.median(), int(ks.max())
        middle = f"{mid:g}"
        return middle if low == high else f"{middle} ({low}-{high})"

    table = picks.pivot_table(
        index=["space", "method"], columns="criterion", values="k", aggfunc=spread
    )
    ordered = [name for name in CRITERIA if name in table.columns]
    table = table[ordered].fillna("").rename(columns=_CRITERION_HEADINGS)
    table.columns.name = None
    table.insert(0, "space / method", [f"{s} / {m}" for s, m in table.index])
    return table.reset_index(drop=True)


def with_interval(leaderboard: pd.DataFrame, score: str) -> list[str]:
    """``score`` with three decimals and, when computed, its bootstrap interval."""
    low, high = leaderboard[f"{score}_low"], leaderboard[f"{score}_high"]
    return [
        f"{value:.3f}" if np.isnan(a) else f"{value:.3f} [{a:.3f}, {b:.3f}]"
        for value, a, b in zip(leaderboard[score], low, high, strict=True)
    ]


def headline_scores(leaderboard: pd.DataFrame) -> list:
    """The leaderboard's scores shown at ODS beside covering, in its order (from the registry
    of measures): every one the table has but covering, its ranking score, and the
    precision-recall curve's, which has a table of its own."""
    from segsweep.score.measures import leaderboard_measures

    ranking, *others = leaderboard_measures()
    return [measure for measure in others if not measure.curve_of
            and f"{measure.leaderboard}_ods" in leaderboard]  # fmt: skip


def leaderboard_table(leaderboard: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard's headline columns: scores with their intervals, the ODS value of the
    swept parameter beside covering ODS, the paired test against the best, and the spread
    over seeds when there is one."""
    covering = with_interval(leaderboard, "covering_ods")
    table = pd.DataFrame(
        {
            "rank": leaderboard["rank"],
            "space / method": leaderboard["space"] + " / " + leaderboard["method"],
            "covering ODS (at)": [
                f"{text} ({value_label(parameter, value)})"
                for text, parameter, value in zip(
                    covering,
                    leaderboard["parameter"],
                    leaderboard["covering_ods_value"],
                    strict=True,
                )  # fmt: skip
            ],
            "covering OIS": with_interval(leaderboard, "covering_ois"),
            **{
                f"{measure.heading} ODS": leaderboard[f"{measure.leaderboard}_ods"].map(
                    "{:.3f}".format
                )
                for measure in headline_scores(leaderboard)
            },
            "vs best": [
                verdict if np.isnan(p) else f"{verdict} (p = {p:.2g})"
                for verdict, p in zip(leaderboard["verdict"], leaderboard["p_value"], strict=True)
            ],
        }
    )
    if "seed_min" in leaderboard:
        table["covering ODS over seeds"] = [
            f"{a:.3f} / {m:.3f} / {b:.3f}"
            for a, m, b in leaderboard[["seed_min", "seed_median", "seed_max"]].to_numpy()
        ]
    return table


def boundary_table(leaderboard: pd.DataFrame) -> pd.DataFrame:
    """The leaderboard's boundary columns, best boundary F first: F at ODS with its interval
    and the swept value there (interpolated between values), F at OIS, and AP."""
    ordered = leaderboard.sort_values("boundary_f_ods", ascending=False, kind="stable")
    ods = with_interval(ordered, "boundary_f_ods")
    return pd.DataFrame({
        "space / method": ordered["space"] + " / " + ordered["method"],
        "boundary F ODS (at)": [
            f"{text} ({value_label(parameter, round(value, 4))})" for text, parameter, value in
            zip(ods, ordered["parameter"], ordered["boundary_f_ods_value"], strict=True)
        ],
        "boundary F OIS": with_interval(ordered, "boundary_f_ois"),
        "AP": with_interval(ordered, "boundary_f_ap"),
    })  # fmt: skip


def ties_sentence(leaderboard: pd.DataFrame, alpha: float) -> str:
    """One sentence saying which entries are statistically tied with the best."""
    from segsweep.tables.uncertainty import MIN_IMAGES, TIED

    names = leaderboard["space"] + " / " + leaderboard["method"]
    if int(leaderboard["n_images"].max()) < MIN_IMAGES:
        return (f"With fewer than {MIN_IMAGES} images with ground truth there are no "
                "intervals or tests: the ranking may be chance.")  # fmt: skip
    tied = list(names[leaderboard["verdict"] == TIED])
    best = names.iloc[0]
    if len(names) == 1:
        return f"Only one entry, {best}: nothing to compare."
    if not tied:
        return (f"{best} is best, and every other entry is significantly worse (paired "
                f"Wilcoxon tests, Holm-corrected, at {alpha}).")  # fmt: skip
    return (f"Statistically tied with the best, {best} (paired Wilcoxon tests, "
            f"Holm-corrected, at {alpha}): {', '.join(tied)}; the differences between "
            "them may be chance on these images.")  # fmt: skip


def choice_table(choice_summary: pd.DataFrame) -> pd.DataFrame:
    """Per criterion: mean ARI at its pick and at the oracle's k, regret and hit rate."""
    return pd.DataFrame(
        {
            "criterion": choice_summary["criterion"],
            "cases": choice_summary["cases"],
            "ARI picked": choice_summary["picked_ari"].map("{:.3f}".format),
            "ARI oracle": choice_summary["oracle_ari"].map("{:.3f}".format),
            "regret": choice_summary["ari_regret"].map("{:.3f}".format),
            "hit rate": choice_summary["hit_rate"].map("{:.0%}".format),
        }
    )


def describe_images(images: pd.DataFrame) -> str:
    """The images as "name (WxH)", or a count by size when there are many."""
    if len(images) <= _LISTED_IMAGES:
        return ", ".join(f"{r.image} ({r.width}x{r.height})" for r in images.itertuples())
    sizes = images.groupby(["width", "height"]).size().sort_values(ascending=False)
    by_size = ", ".join(f"{count} of {w}x{h}" for (w, h), count in sizes.items())
    return f"{len(images)} images: {by_size}"


def caps_table(fits: pd.DataFrame, run: dict) -> pd.DataFrame:
    """What was computed on less than everything, with the setting that decides it and how
    many fits it touched: sampled fits, the silhouette's sample, Calinski-Harabasz and
    Davies-Bouldin above their segment limit, smoothing stopped before it converged, and
    criteria of one-segment fits.

    Parameters
    ----------
    fits : DataFrame
        The fits table (``n_fit``, ``n_pixels``, ``smoothing``, ``smoothing_converged``,
        ``skipped``).
    run : dict
        ``silhouette_sample`` and ``max_segments`` as configured (``criteria``).
    """
    n = len(fits)
    skipped = fits["skipped"].fillna("").astype(str)
    sampled = int((fits["n_fit"] < fits["n_pixels"]).sum())
    smoothed = fits["smoothing"] > 0
    stopped = int((smoothed & (fits["smoothing_converged"].astype(str) == "False")).sum())
    limit = run["max_segments"]
    rows = [
        ("model fitted on a sample of the pixels",
         "sample_size (per setup); Ward, mean shift, DBSCAN: params.max_fit_pixels",
         f"{sampled} of {n} fits"),
        ("silhouette", f"a sample of {run['silhouette_sample']} pixels "
         "(criteria.silhouette_sample)", "every fit"),
        ("Calinski-Harabasz, Davies-Bouldin left empty",
         f"above {limit} segments (criteria.max_segments)" if limit is not None else "no limit",
         f"{int(skipped.str.contains('criteria.max_segments').sum())} of {n} fits"),
        ("Potts smoothing stopped before it converged", "smoothing_max_iter (per setup)",
         f"{stopped} of {int(smoothed.sum())} smoothed fits"),
        ("criteria left empty: one segment", "",
         f"{int(skipped.str.contains('one segment').sum())} of {n} fits"),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["what", "setting", "fits"])


def run_table(run: dict, images: pd.DataFrame, method_setups: dict[str, dict]) -> pd.DataFrame:
    """Two-column table of what was run.

    ``run`` holds the swept settings: ``spaces``, ``k``, ``seeds``, and the criteria's
    ``silhouette_sample`` and ``max_segments``.
    """
    rows = [
        ("images", describe_images(images)),
        ("colour spaces", ", ".join(run["spaces"])),
        (
            "methods",
            "<br>".join(
                html.escape(Setup.from_dict(label, setup).describe())
                for label, setup in method_setups.items()
            ),
        ),  # fmt: skip
        ("k (methods swept over k without a grid)", ", ".join(str(k) for k in run["k"])),
        ("seeds", ", ".join(str(s) for s in run["seeds"])),
        ("silhouette sample", f"{run['silhouette_sample']} pixels"),
        (
            "Calinski-Harabasz, Davies-Bouldin",
            f"fits of at most {run['max_segments']} segments"
            if run.get("max_segments")
            else "every fit",
        ),  # fmt: skip
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def table(frame: pd.DataFrame, escape: bool = True) -> str:
    """One table of the page: no index, empty cells for missing values."""
    return frame.to_html(
        index=False, na_rep="", escape=escape, border=0, float_format=lambda x: f"{x:.4g}"
    )


def input_problems(rejected, ignored: dict[str, str]) -> list[str]:
    """HTML parts listing rejected images and ignored files (nothing if there are none)."""
    parts = []
    if rejected is not None and not rejected.empty:
        parts += [
            "<h2>Rejected images</h2>",
            "<p class='note'>These files could not be used and were left out of every table "
            "and figure (set images.on_error: fail to stop the run instead).</p>",
            table(rejected[["image", "reason"]]),
        ]
    if ignored:
        frame = pd.DataFrame(sorted(ignored.items()), columns=["file", "why it is not used"])
        parts += ["<h2>Ignored files</h2>", table(frame)]
    return parts


def missing_figures_section(missing: Sequence[tuple[str, str, str]]) -> list[str]:
    """HTML parts listing the figures that could not be drawn, with why (nothing if every
    figure was)."""
    if not missing:
        return []
    frame = pd.DataFrame(list(missing), columns=["image", "figure", "why it is missing"])
    return [
        "<h2>Figures not drawn</h2>",
        "<p class='note'>These figures could not be drawn and are left out of results/figures "
        "and of this report; every table, score and other figure of these images is "
        "there (the log of each image's plot_images job has the same lines).</p>",
        table(frame),
    ]


def directions(measures: list) -> str:
    """Which way is better for each of ``measures``, in one sentence
    (``"PRI, ARI: higher is better; VI: lower is better."``)."""
    parts = []
    for better, word in ((True, "higher"), (False, "lower")):
        headings = [m.heading for m in measures if m.higher_is_better is better]
        if headings:
            parts.append(f"{', '.join(headings)}: {word} is better")
    return "; ".join(parts) + "." if parts else ""


def truth_section(
    leaderboard: pd.DataFrame | None, choice_summary: pd.DataFrame | None, alpha: float | None
) -> list[str]:
    """The leaderboard and choice-of-k part of the page, or why there is none."""
    if leaderboard is None or leaderboard.empty:
        return [
            "<h2>Scores against ground truth</h2>",
            "<p class='note'>No image has ground truth, so nothing is scored. Put label images "
            "in the truth folder (see README) to get a leaderboard.</p>",
        ]
    n_scored = int(leaderboard["n_images"].max())
    return [
        "<h2>Leaderboard</h2>",
        f"<p class='note'>Over the {n_scored} images with ground truth, ranked by "
        "segmentation covering at the optimal dataset scale (ODS: one k for all images, as "
        "in the Berkeley benchmark, shown in brackets; higher is better). OIS: best k per "
        f"image. {directions(headline_scores(leaderboard))} Every column is "
        "in leaderboard.csv. In brackets after a score: its bootstrap interval over images "
        "(leaderboard.level, 95% by default); 'vs best': paired test against the top entry.</p>",
        f"<p><strong>{ties_sentence(leaderboard, alpha)}</strong></p>",
        table(leaderboard_table(leaderboard)),
        *boundary_section(leaderboard),
        *choice_section(choice_summary),
    ]


def choice_section(choice_summary: pd.DataFrame | None) -> list[str]:
    """How well each criterion picks k, or why nothing picks k."""
    parts = ["<h2>How good is the automatic choice of k</h2>"]
    if choice_summary is None or choice_summary.empty:
        return parts + [
            "<p class='note'>No entry is swept over k (with two values of k at least) and "
            "scored, so no criterion picks k here.</p>"
        ]
    return parts + [
        "<p class='note'>Mean adjusted Rand index at the k each criterion picks, beside the "
        "best over all k (oracle); regret = oracle - picked; hit rate: share of cases where "
        "the criterion picked the oracle's k. Covering columns are in "
        "choice_of_k_summary.csv.</p>",
        table(choice_table(choice_summary)),
    ]


def boundary_section(leaderboard: pd.DataFrame) -> list[str]:
    """The boundary benchmark's part of the page (nothing when boundary scores are off)."""
    if "boundary_f_ods" not in leaderboard:
        return []
    return [
        "<h3>Boundaries</h3>",
        "<p class='note'>The Berkeley benchmark's boundary precision and recall of the same "
        "fits: F at ODS (one value of the swept parameter for all images, interpolated "
        "between values) and OIS, and the average precision (AP) of the precision-recall "
        "curve (precision_recall.png, boundary_curves.csv); higher is better.</p>",
        table(boundary_table(leaderboard)),
    ]


def caps_section(caps: pd.DataFrame | None) -> list[str]:
    """HTML parts of :func:`caps_table` (nothing without it)."""
    if caps is None:
        return []
    return [
        "<h2>Samples, limits and skipped measures</h2>",
        "<p class='note'>Where a number rests on less than every pixel or fit, the setting "
        "that decides it and how many fits it touched; the fits table's skipped column names "
        "each empty measure and why.</p>",
        table(caps),
    ]


def picks_section(picks: pd.DataFrame) -> list[str]:
    """The k each criterion picks, summarised over images (:func:`picked_k_table`)."""
    return [
        "<h2>Which k each criterion picks</h2>",
        "<p class='note'>Median (and range) over images of the k each criterion picks. elbow: "
        "knee of the inertia curve; BIC, AIC: lowest (mixtures only); silh. (silhouette) and "
        "CH (Calinski-Harabasz): highest; DB (Davies-Bouldin): lowest. Criteria are averaged "
        "over seeds before picking; the picks per image are in picks.csv.</p>",
        table(picked_k_table(picks)),
    ]


def summary_html(
    run: dict,
    images: pd.DataFrame,
    method_setups: dict[str, dict],
    picks: pd.DataFrame,
    versions: dict[str, str],
    leaderboard: pd.DataFrame | None = None,
    choice_summary: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
    ignored: dict[str, str] | None = None,
    alpha: float | None = None,
    caps: pd.DataFrame | None = None,
    missing_figures: Sequence[tuple[str, str, str]] = (),
) -> str:
    """Render the summary page.

    Parameters
    ----------
    run : dict
        ``spaces``, ``k``, ``seeds``, ``silhouette_sample`` and ``max_segments``.
    images : DataFrame
        Columns ``image, width, height`` (from the ingest metadata).
    method_setups : dict
        Method label -> ``{"method": name, "params": {...}}``.
    picks : DataFrame
        The picked-k table (:func:`segsweep.tables.selection.pick_k`).
    versions : dict
        Package -> version.
    leaderboard, choice_summary : DataFrame, optional
        From :mod:`segsweep.tables.leaderboard`, when some image has ground truth.
    rejected, ignored : DataFrame (``image, source, reason``) and dict, optional
        Images left out, and entries of the image folder that are not used -> why.
    alpha : float, optional
        Level of the leaderboard's paired tests (config ``leaderboard.alpha``), for the
        sentence on ties; needed with a leaderboard.
    caps : DataFrame, optional
        What was computed on less than everything (:func:`caps_table`).
    missing_figures : sequence of (str, str, str)
        (image, figure, why) of every figure that could not be drawn.
    """
    versions_frame = pd.DataFrame(sorted(versions.items()), columns=["package", "version"])
    parts = [
        "<meta charset='utf-8'><title>segsweep summary</title>",
        f"<style>{_STYLE}</style>",
        "<div class='segsweep-summary'>",
        "<h1>segsweep: segmentation by clustering, summary</h1>",
        "<h2>What was run</h2>",
        table(run_table(run, images, method_setups), escape=False),
        *input_problems(rejected, ignored or {}),
        *missing_figures_section(missing_figures),
        *truth_section(leaderboard, choice_summary, alpha),
        *caps_section(caps),
        *picks_section(picks),
        "<h2>Software</h2>",
        table(versions_frame),
        "</div>",
    ]
    return "\n".join(parts) + "\n"


def main(snakemake) -> None:
    """Snakemake entry: write ``output.html`` from the tables and ingest metadata."""
    from segsweep.data.discovery import accepted
    from segsweep.figures.drawn import not_drawn
    from segsweep.report.provenance import package_versions
    from segsweep.store.files import read_csv, read_json, write_text

    records = [read_json(path) for path in snakemake.input.meta]
    metas = accepted(records)
    rejected = pd.DataFrame(
        [{k: m[k] for k in ("image", "source", "reason")} for m in records if m not in metas],
        columns=["image", "source", "reason"],
    )
    images = pd.DataFrame(
        [{"image": m["image"], "width": m["width"], "height": m["height"]} for m in metas],
        columns=["image", "width", "height"],
    )
    truth = {name: read_csv(path) for name, path in snakemake.input.items()
             if name in ("leaderboard", "choice_summary")}  # fmt: skip
    caps = caps_table(read_csv(snakemake.input.fits), snakemake.params.run)
    page = summary_html(
        snakemake.params.run,
        images,
        snakemake.params.method_setups,
        read_csv(snakemake.input.picks),
        package_versions(),
        leaderboard=truth.get("leaderboard"),
        choice_summary=truth.get("choice_summary"),
        rejected=rejected,
        ignored=dict(snakemake.params.ignored),
        alpha=snakemake.params.alpha,
        caps=caps,
        missing_figures=not_drawn(snakemake.input.get("drawn", [])),
    )
    write_text(snakemake.output.html, page)
