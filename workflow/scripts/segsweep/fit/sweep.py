"""Sweep: fit one method setup at every value of its grid and every seed on one image.

A setup's grid holds the values of the parameter it is swept over: k for clustering
methods, a scale of its own for the others (``parameter``, see :mod:`segsweep.fit.methods`), or
one of the options applied after fitting (:func:`segsweep.configuration.method_setup`). When
only such an option changes from one value to the next, the model is fitted once per seed,
the options before the swept one are applied once, and so is the part of the swept option
that does not depend on its value (the hierarchy of boundary merges, cut at each value).

Fitting may use a seeded random sample of pixels (``sample_size``); every pixel is then
assigned with the fitted model, in chunks so memory stays a small multiple of the image.
Methods that need the whole image (``input_kind = "image"``) are always fitted on all pixels.
All quality figures (inertia, eta, log-likelihood) are computed on **all** pixels and on the
colour features alone (without any x, y columns), so every fit in one colour space is judged
the same way; a mixture's log-likelihood, BIC and AIC are those of the model, on the
features it was fitted to (with x, y when ``xy_weight`` is set), whatever options then
change its labels. Each row records ``n_fit``, the number of pixels the model was fitted on
(fewer than the image's when the method subsamples, as Ward, mean shift and DBSCAN do), the
options used (every key of :data:`segsweep.fit.setup.OPTION_DEFAULTS`; see
:mod:`segsweep.fit.postprocess`), and how the Potts smoothing ended (``smoothing_iterations``,
``smoothing_converged``; empty without smoothing).

Labels are relabelled canonically (:func:`segsweep.store.labelmaps.canonical_labels`).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from segsweep.fit import methods
from segsweep.fit.methods import sample_indices
from segsweep.fit.postprocess import (
    BoundaryHierarchy,
    merge_small_regions,
    potts_icm,
    split_connected,
    with_xy,
)
from segsweep.fit.setup import OPTION_DEFAULTS, Setup
from segsweep.store.labelmaps import CHUNK_ROWS, canonical_labels, compactness

#: Columns of the fits table written by :func:`sweep`, in order; method-specific figures
#: (``fit_summary``) follow them.
FIT_COLUMNS = [
    "parameter",
    "value",
    "k",
    "seed",
    "algorithm",
    *OPTION_DEFAULTS,
    "smoothing_iterations",
    "smoothing_converged",
    "n_pixels",
    "n_fit",
    "refined",
    "n_segments",
    "degenerate",
    "inertia",
    "eta",
    "n_iter",
    "converged",
    "log_likelihood",
    "bic",
    "aic",
]


def predict_in_chunks(
    model, X: np.ndarray, chunk_rows: int = CHUNK_ROWS
) -> tuple[np.ndarray, float | None]:
    """Assign every row of ``X`` with the fitted ``model``, ``chunk_rows`` rows at a time.

    Returns
    -------
    labels : ndarray of int32, shape (n_rows,)
    mean_log_likelihood : float or None
        Mean per-row log-likelihood of ``X``, for models that give it in the same pass
        (``predict_and_score``, the mixtures); None for the others.
    """
    labels = np.empty(len(X), dtype=np.int32)
    scores = hasattr(model, "predict_and_score")
    total = 0.0
    for start in range(0, len(X), chunk_rows):
        chunk = X[start : start + chunk_rows]
        if scores:
            labels[start : start + chunk_rows], log_likelihood = model.predict_and_score(chunk)
            total += float(log_likelihood.sum())
        else:
            labels[start : start + chunk_rows] = model.predict(chunk)
    return labels, (total / len(X) if scores else None)


def mean_log_likelihood(model, X: np.ndarray) -> float:
    """Mean per-pixel log-likelihood (nats) of ``X`` under a fitted mixture, chunked."""
    total = 0.0
    for start in range(0, len(X), CHUNK_ROWS):
        total += float(model.score_samples(X[start : start + CHUNK_ROWS]).sum())
    return total / len(X)


def _fit_and_label(model, method, model_features, sample_size, seed, prepared=None):
    """Fit ``model`` (on a sample where allowed) and label every pixel.

    Returns the labels, the number of pixels fitted on and the mean log-likelihood of
    ``model_features`` when the labelling pass gives it (see :func:`predict_in_chunks`).
    A method that prepares (:meth:`~segsweep.fit.methods.ClusteringMethod.prepare`: on the
    feature image, or on every pixel's features for a pixel method) gets ``prepared``.
    """
    height, width, channels = model_features.shape
    shared = {"prepared": prepared} if method.prepares() else {}
    if method.input_kind == "image":
        model.fit(model_features, **shared)
        labels = np.asarray(model.predict(model_features)).reshape(height, width)
        return labels, height * width, None
    flat = model_features.reshape(-1, channels)
    index = sample_indices(len(flat), sample_size, seed)
    model.fit(flat if index is None else flat[index], **shared)
    if index is not None and hasattr(model, "refine"):
        model.refine(flat)  # e.g. k-means: Lloyd iterations on all pixels from the sample's fit
    n_fit = len(flat) if index is None else len(index)
    labels, mean_ll = predict_in_chunks(model, flat)
    return labels.reshape(height, width), n_fit, mean_ll


def fit_one(features: np.ndarray, setup: Setup, value, seed: int, reuse: dict | None = None,
            image: str | None = None) -> tuple[dict, np.ndarray, dict]:  # fmt: skip
    """Fit one (value, seed) of a method setup and measure it on all pixels.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
        Colour features of the image.
    setup : Setup
        Its ``sample_size`` pixels are fitted on (None: all).
    value : int or float
        Value of the setup's swept parameter (k, the method's own, or an option's).
    seed : int
    reuse : dict, optional
        Keeps the last model fit and the labels after each option, reused by a fit that
        differs only in later options (:func:`sweep` passes one).
    image : str, optional
        The image's name, for a method that reads files of its own (``needs_image_name``).

    Returns
    -------
    row : dict
        One row of the fits table (:data:`FIT_COLUMNS` and the method's ``fit_summary``):
        ``parameter`` and ``value`` say what was swept; ``k`` is the k asked for, or the
        number of segments found by a setup swept over another parameter.
    labels : ndarray of unsigned int, shape (H, W)
        Canonical labels of every pixel.
    timing : dict
        ``fit_seconds`` (fit, assignment and options, less what was reused), kept apart
        so tables stay reproducible.
    """
    start = time.perf_counter()
    method_value, options = setup.at_value(value)
    fitted = _fitted(features, setup, method_value, options["xy_weight"], seed, reuse, image)
    labels, outcome = _apply_options(features, fitted, options, reuse)
    elapsed = time.perf_counter() - start
    X, n_found = features.reshape(-1, features.shape[-1]), int(labels.max()) + 1
    inertia, eta = compactness(X, labels.ravel())
    model = fitted.model
    row = {
        "parameter": setup.parameter,
        "value": float(value),
        "k": setup.k_of(value),
        "seed": seed,
        "algorithm": setup.method,
        **options,
        **outcome,
        "n_pixels": len(X),
        "n_fit": fitted.n_fit,
        "refined": bool(getattr(model, "refined_", False)),
        "n_segments": n_found,
        "degenerate": setup.is_k_sweep and n_found < value,
        "inertia": inertia,
        "eta": eta,
        "n_iter": getattr(model, "n_iter_", np.nan),
        "converged": getattr(model, "converged_", np.nan),
        **_likelihood_columns(fitted),
        **(model.fit_summary() if model is not None else {}),
    }
    return row, labels, {"fit_seconds": elapsed}


@dataclass(frozen=True)
class _Fit:
    """A model fitted at one (method value, xy weight, seed), with its canonical labels
    before any option and the features it was fitted to; ``model`` is None when none could
    be fitted. ``mean_log_likelihood`` is a mixture's on those features, when the labelling
    pass gave it."""

    key: tuple
    labels: np.ndarray
    n_fit: int
    model: object
    mean_log_likelihood: float | None
    model_features: np.ndarray


def _fitted(features, setup, method_value, xy_weight, seed, reuse, image=None) -> _Fit:
    """The model of ``setup`` at ``method_value`` fitted on ``features`` (with x, y at
    ``xy_weight``), or the fit kept in ``reuse`` if it was made with the same settings."""
    key = (method_value, xy_weight, seed)
    if reuse is not None and reuse.get("fit") is not None and reuse["fit"].key == key:
        return reuse["fit"]
    height, width, channels = features.shape
    n_pixels = height * width
    method = setup.method_class
    model_features = with_xy(features, xy_weight) if xy_weight else features
    model = methods.create(setup.method, method_value, seed, params=setup.params)
    if method.needs_image_name:
        model.image_name = image
    if method.takes_k and n_pixels < method_value:
        # Fewer pixels than clusters (a 1 x 1 image, say): no model can be fitted; each
        # distinct colour is its own cluster and the row is marked degenerate.
        _, labels = np.unique(features.reshape(n_pixels, channels), axis=0, return_inverse=True)
        labels, n_fit, model, mean_ll = labels.reshape(height, width), n_pixels, None, None
    else:
        prepared = None
        if method.prepares():
            # what every value of the sweep shares (superpixels, their graph): made once
            shared = ("model prepared", xy_weight, seed)
            if reuse is None or shared not in reuse:
                prepared = model.prepare(
                    model_features if method.input_kind == "image"
                    else model_features.reshape(-1, model_features.shape[-1])
                )  # fmt: skip
                if reuse is not None:
                    reuse[shared] = prepared
            else:
                prepared = reuse[shared]
        with warnings.catch_warnings():
            # A degenerate fit (fewer distinct colours than k) is recorded in the table.
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels, n_fit, mean_ll = _fit_and_label(
                model, method, model_features, setup.sample_size, seed, prepared
            )
    n_fit = getattr(model, "n_fit_", n_fit)  # a method that subsamples says how many it used
    fit = _Fit(key, canonical_labels(labels), n_fit, model, mean_ll, model_features)
    if reuse is not None:
        reuse["fit"] = fit
    return fit


class _OptionStep(NamedTuple):
    """One option applied to a fit's labels: ``prepare(features, labels, options)`` does
    the work that does not depend on the option's value, ``apply(prepared, value, options)``
    the rest; it returns the labels, or the labels and columns for the fits table. The step
    also reads the options named in ``settings`` (they key what is reused)."""

    option: str
    apply: Callable
    prepare: Callable = lambda features, labels, options: labels
    settings: tuple[str, ...] = ()
    #: Columns the step reports, empty when the option is off.
    reports: tuple[str, ...] = ()


def _smooth(image, strength, options):
    """Potts smoothing of ``image`` = (features, labels), with its sweeps and convergence."""
    labels, sweeps, converged = potts_icm(*image, strength, options["smoothing_max_iter"])
    return labels, {"smoothing_iterations": sweeps, "smoothing_converged": converged}


#: The options applied to a fit's labels, in this order.
_OPTION_STEPS = (
    _OptionStep(
        "smoothing",
        _smooth,
        prepare=lambda features, labels, options: (features, labels),
        settings=("smoothing_max_iter",),
        reports=("smoothing_iterations", "smoothing_converged"),
    ),
    _OptionStep("split_regions", lambda labels, _, options: split_connected(labels)),
    _OptionStep("min_region", lambda labels, size, options: merge_small_regions(labels, size)),
    _OptionStep(
        "merge_boundaries",
        lambda hierarchy, threshold, options: hierarchy.cut(threshold),
        prepare=lambda features, labels, options: BoundaryHierarchy(
            features, labels, options["merge_sigma"], options["merge_criterion"]
        ),
        settings=("merge_sigma", "merge_criterion"),
    ),
)


def _apply_options(features, fit: _Fit, options: dict, reuse: dict | None):
    """Canonical labels of ``fit`` after the options, in the order of :data:`_OPTION_STEPS`,
    and the columns the steps report (NaN for a step that is off).

    What each step prepares and what it gives are kept in ``reuse`` with the settings they
    were made from, so a sweep over one option redoes only that option's ``apply`` (a cut
    of the boundary hierarchy, say) and the options after it.
    """
    reuse = {} if reuse is None else reuse
    labels, settings = fit.labels, fit.key
    outcome = {}
    for step in _OPTION_STEPS:
        value = options[step.option]
        own = (value, *(options[name] for name in step.settings))
        before, settings = settings, (*settings, *own)
        kept = reuse.get(step.option)
        if kept is not None and kept[0] == settings:
            labels, reported = kept[1], kept[2]
        else:
            reported = dict.fromkeys(step.reports, np.nan)
            if value:
                key = (before, own[1:])
                prepared = reuse.get(("prepared", step.option))
                if prepared is None or prepared[0] != key:
                    prepared = (key, step.prepare(features, labels, options))
                    reuse[("prepared", step.option)] = prepared
                result = step.apply(prepared[1], value, options)
                if isinstance(result, tuple):
                    result, reported = result
                labels = canonical_labels(result)
            reuse[step.option] = (settings, labels, reported)
        outcome.update(reported)
    return labels, outcome


def _likelihood_columns(fit: _Fit) -> dict:
    """``log_likelihood`` (mean per pixel), ``bic`` and ``aic`` of a fitted mixture, on the
    features it was fitted to (whatever options then change its labels); NaN for other
    methods."""
    columns = {"log_likelihood": np.nan, "bic": np.nan, "aic": np.nan}
    model = fit.model
    if model is None or not hasattr(model, "score_samples"):
        return columns
    X = fit.model_features.reshape(-1, fit.model_features.shape[-1])
    mean_ll = fit.mean_log_likelihood
    if mean_ll is None:
        mean_ll = mean_log_likelihood(model, X)
    columns["log_likelihood"] = mean_ll
    if hasattr(model, "n_free_parameters"):
        n_pixels = len(X)
        total_ll, n_params = mean_ll * n_pixels, model.n_free_parameters()
        columns["bic"] = -2.0 * total_ll + n_params * np.log(n_pixels)
        columns["aic"] = -2.0 * total_ll + 2.0 * n_params
    return columns


def sweep(
    features: np.ndarray, setup: Setup, seeds: Sequence[int], image: str | None = None
) -> tuple[pd.DataFrame, dict[tuple[float, int], np.ndarray], pd.DataFrame]:
    """Fit a method setup at every value of its grid and every seed on an image's features.

    Parameters
    ----------
    features : ndarray, shape (H, W, C)
    setup : Setup
    seeds : sequence of int
        A deterministic method (``uses_seed = False``) is fitted with the first seed only.
    image : str, optional
        The image's name (:func:`fit_one`).

    Returns
    -------
    fits : DataFrame
        One row per (value, seed), columns :data:`FIT_COLUMNS` then method-specific ones.
    label_maps : dict of (value, seed) to ndarray, shape (H, W)
    timings : DataFrame
        ``value``, ``seed``, ``fit_seconds``.
    """
    method = setup.method_class
    rows, timings = [], []
    label_maps: dict[tuple[float, int], np.ndarray] = {}
    reuse: dict = {}
    for seed in method.seeds_to_fit(list(seeds)):
        for value in setup.grid:
            row, labels, timing = fit_one(features, setup, value, seed, reuse, image)
            rows.append(row)
            timings.append({"value": row["value"], "seed": seed, **timing})
            label_maps[(row["value"], seed)] = labels
    fits = pd.DataFrame(rows)
    extra = sorted(set(fits.columns) - set(FIT_COLUMNS))
    return fits[FIT_COLUMNS + extra], label_maps, pd.DataFrame(timings)
