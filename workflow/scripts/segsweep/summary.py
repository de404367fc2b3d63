"""Summary page: what was run, which k each criterion picks, and the library versions.

Produces one self-contained HTML fragment (scoped inline styles, no scripts) that opens on
its own in any browser and that the Snakemake report's start page embeds
(``workflow/report/workflow.rst``), so the report opens with it.
"""

from __future__ import annotations

import html

import pandas as pd

from segsweep.selection import CRITERIA, GROUP

# Styles are scoped to the summary's own <div>, so the page can also be embedded in the
# Snakemake report's start page without restyling the report.
_STYLE = """
.segsweep-summary { font-family: system-ui, sans-serif; color: #222; overflow-x: auto; }
.segsweep-summary h1 { font-size: 1.4em; } .segsweep-summary h2 { font-size: 1.15em; }
.segsweep-summary table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
.segsweep-summary th, .segsweep-summary td { border: 1px solid #ccc; padding: 0.2em 0.5em;
  text-align: right; }
.segsweep-summary th { background: #f0f0f0; }
.segsweep-summary td:first-child, .segsweep-summary th:first-child { text-align: left; }
.segsweep-summary p.note { color: #555; max-width: 50em; }
"""


def picked_k_table(picks: pd.DataFrame) -> pd.DataFrame:
    """Pivot the picked-k table: one row per (image, space, method), one column per criterion."""
    if picks.empty:
        return pd.DataFrame(columns=GROUP)
    table = picks.pivot_table(index=GROUP, columns="criterion", values="k", aggfunc="first")
    ordered = [name for name in CRITERIA if name in table.columns]
    table = table[ordered].astype("Int64").astype(object).where(table[ordered].notna(), "")
    table.columns.name = None
    return table.reset_index()


def run_table(config: dict, images: pd.DataFrame, method_setups: dict[str, dict]) -> pd.DataFrame:
    """Two-column table of what was run."""
    methods = "; ".join(
        f"{label} = {setup['method']}({', '.join(f'{k}={v}' for k, v in setup['params'].items())})"
        for label, setup in method_setups.items()
    )
    rows = [
        ("images", ", ".join(f"{r.image} ({r.width}x{r.height})" for r in images.itertuples())),
        ("colour spaces", ", ".join(config["spaces"])),
        ("methods", methods),
        ("k", ", ".join(str(k) for k in config["k"])),
        ("seeds", ", ".join(str(s) for s in config["seeds"])),
        ("pixels fitted per model", str(config["sample_size"])),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def input_problems(rejected, ignored, table) -> list[str]:
    """HTML parts listing rejected images and ignored files (nothing if there are none)."""
    parts = []
    if rejected is not None and not rejected.empty:
        parts += [
            "<h2>Rejected images</h2>",
            "<p class='note'>These files could not be used and were left out of every table "
            "and figure (set images.on_error: fail to stop the run instead).</p>",
            table(rejected),
        ]
    if ignored:
        parts += [
            "<h2>Ignored files</h2>",
            "<p class='note'>Not PNG, JPEG or TIFF by their ending: "
            + html.escape(", ".join(ignored))
            + "</p>",
        ]
    return parts


def summary_html(
    config: dict,
    images: pd.DataFrame,
    method_setups: dict[str, dict],
    picks: pd.DataFrame,
    versions: dict[str, str],
    leaderboard: pd.DataFrame | None = None,
    choice_summary: pd.DataFrame | None = None,
    rejected: pd.DataFrame | None = None,
    ignored: list[str] = (),
) -> str:
    """Render the summary page.

    Parameters
    ----------
    config : dict
        The validated configuration.
    images : DataFrame
        Columns ``image, width, height`` (from the ingest metadata).
    method_setups : dict
        Method label -> ``{"method": name, "params": {...}}``.
    picks : DataFrame
        The picked-k table (:func:`segsweep.selection.pick_k`).
    versions : dict
        Package -> version.
    leaderboard, choice_summary : DataFrame, optional
        From :mod:`segsweep.leaderboard`, when some image has ground truth.
    rejected : DataFrame, optional
        Columns ``image, source, reason``: images left out.
    ignored : list of str
        Files in the image folder that are not images.
    """

    def table(frame: pd.DataFrame) -> str:
        return frame.to_html(
            index=False, na_rep="", escape=True, border=0, float_format=lambda x: f"{x:.4g}"
        )

    if leaderboard is None or leaderboard.empty:
        truth_parts = [
            "<h2>Scores against ground truth</h2>",
            "<p class='note'>No image has ground truth, so nothing is scored. Put label images "
            "in the truth folder (see README) to get a leaderboard.</p>",
        ]
    else:
        truth_parts = [
            "<h2>Leaderboard</h2>",
            "<p class='note'>Ranked by segmentation covering at the optimal dataset scale "
            "(covering_ods: one k for all labelled images, as in the Berkeley benchmark; "
            "higher is better). OIS: best k per image. PRI and ARI: higher is better; VI (bits): "
            "lower is better.</p>",
            table(leaderboard),
            "<h2>How good is the automatic choice of k</h2>",
            "<p class='note'>Mean adjusted Rand index (and covering) at the k each criterion "
            "picks, beside the best over all k (oracle); regret = oracle - picked; hit_rate: "
            "share of cases where the criterion picked the oracle's k.</p>",
            table(choice_summary),
        ]

    versions_frame = pd.DataFrame(sorted(versions.items()), columns=["package", "version"])
    parts = [
        "<meta charset='utf-8'><title>segsweep summary</title>",
        f"<style>{_STYLE}</style>",
        "<div class='segsweep-summary'>",
        "<h1>segsweep: segmentation by clustering, summary</h1>",
        "<h2>What was run</h2>",
        table(run_table(config, images, method_setups)),
        *input_problems(rejected, ignored, table),
        *truth_parts,
        "<h2>Which k each criterion picks</h2>",
        "<p class='note'>elbow: knee of the inertia curve; bic, aic: lowest (mixtures only); "
        "silhouette, calinski_harabasz: highest; davies_bouldin: lowest. Criteria are averaged "
        "over seeds before picking.</p>",
        table(picked_k_table(picks)),
        "<h2>Software</h2>",
        table(versions_frame),
        "</div>",
    ]
    return "\n".join(parts) + "\n"


def main(snakemake) -> None:
    """Snakemake entry: write ``output.html`` from the tables and ingest metadata."""
    from segsweep.provenance import package_versions
    from segsweep.storage import read_csv, read_json, write_text

    records = [read_json(path) for path in snakemake.input.meta]
    metas = [m for m in records if m["status"] == "accepted"]
    rejected = pd.DataFrame(
        [{k: m[k] for k in ("image", "source", "reason")} for m in records if m not in metas],
        columns=["image", "source", "reason"],
    )
    # leaderboard.csv, choice_of_k.csv, choice_of_k_summary.csv when there is ground truth
    truth_tables = (
        [snakemake.input.truth_tables[i] for i in (0, 2)] if snakemake.input.truth_tables else []
    )
    images = pd.DataFrame(
        [{"image": m["image"], "width": m["width"], "height": m["height"]} for m in metas],
        columns=["image", "width", "height"],
    )
    page = summary_html(
        snakemake.config,
        images,
        snakemake.params.method_setups,
        read_csv(snakemake.input.picks),
        package_versions(),
        *(read_csv(path) for path in truth_tables),
        rejected=rejected,
        ignored=list(snakemake.params.ignored),
    )
    write_text(snakemake.output.html, page)
