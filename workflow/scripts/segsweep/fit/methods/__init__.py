"""Clustering methods as plug-ins.

Every module in this package defines one :class:`ClusteringMethod` subclass. The registry
finds them by importing the package's modules, so adding a method means adding one file:

.. code-block:: python

    from segsweep.fit.methods import ClusteringMethod, param

    class MyMethod(ClusteringMethod):
        name = "my_method"              # used in config.yaml
        summary = "One line for listings."
        alpha: float = param(1.0, "what alpha does", minimum=0.0)
        # A method swept over its own parameter instead of k gives that one a grid:
        # scale: float = param(100.0, "...", minimum=0.0, grid=(50.0, 100.0, 200.0))
        # optional: input_kind = "image" (fit/predict get the (H, W, C) feature image),
        # uses_seed = False (deterministic: fitted once, not per seed),
        # supported_spaces = ("grey",), max_k = 6

        def fit(self, X): ...           # X: (n_pixels, n_features) float32; return self
        def predict(self, X): ...       # return (n_pixels,) integer labels

Each parameter is declared once, with :func:`param`: its default, help line and allowed
values. A method is swept over k (the configured ``k``) unless one parameter declares a
``grid``: then that parameter is swept over that grid (``methods.LABEL.grid`` in the config
replaces it), and ``n_clusters`` is unused. Every subclass becomes a dataclass whose fields
are ``n_clusters``, ``random_state`` and the declared parameters. The libraries a method
fits with are imported inside ``fit``, so listing and validating methods (the workflow's
parse step) loads none of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from segsweep.errors import ConfigError


@dataclass(frozen=True)
class Param:
    """Declaration of one method parameter, used to validate ``config.yaml``.

    Parameters
    ----------
    kind : type
        ``int``, ``float``, ``str`` or ``bool``. An int is accepted where a float is asked.
    choices : tuple, optional
        Allowed values.
    minimum, maximum : float, optional
        Smallest and largest allowed values for numbers (both included).
    help : str
        One line for listings and error messages.
    grid : tuple, optional
        Default values to sweep; set on the one parameter a method is swept over.
    effect : str, optional
        What a larger value of the swept parameter does, one of :data:`EFFECTS` (required
        with ``grid``; a test checks it on an input chosen to be sensitive to it).
    """

    kind: type
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    grid: tuple | None = None
    effect: str | None = None

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` if it is valid, else raise :class:`ConfigError` naming ``where``."""
        kind_ok = isinstance(value, self.kind) and not (
            self.kind is not bool and isinstance(value, bool)
        )
        if self.kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, kind_ok = float(value), True
        if not kind_ok:
            raise ConfigError(f"{where}: expected {self.kind.__name__}, got {value!r}")
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{where}: {value!r} is not one of {list(self.choices)}")
        if self.minimum is not None and value < self.minimum:
            raise ConfigError(f"{where}: {value!r} is below the minimum {self.minimum}")
        if self.maximum is not None and value > self.maximum:
            raise ConfigError(f"{where}: {value!r} is above the maximum {self.maximum}")
        return value

    def allowed(self) -> str:
        """The allowed values in words (``", one of [...]"``, ``", from 0 to 1"``, ``", >= 2"``),
        for listings; empty where any value of the kind is allowed."""
        if self.choices is not None:
            return f", one of {list(self.choices)}"
        if self.minimum is not None and self.maximum is not None:
            return f", from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f", >= {self.minimum:g}"
        if self.maximum is not None:
            return f", <= {self.maximum:g}"
        return ""


#: What a larger value of a swept parameter may do to a segmentation (``param(effect=...)``).
EFFECTS = ("more regions", "fewer regions", "more background")


def param(
    default: Any,
    help: str,
    *,
    choices: tuple | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    grid: tuple | None = None,
    effect: str | None = None,
):
    """Declare a method parameter: a dataclass field whose type is that of ``default``.

    Parameters
    ----------
    default : int, float, str or bool
        The default value; write floats as floats (``1.0``).
    help : str
        One line for ``make methods`` and error messages.
    choices : tuple, optional
        Allowed values.
    minimum, maximum : float, optional
        Smallest and largest allowed values for numbers (both included): a value outside
        them, as a parameter or in a grid, stops the run before any job with one line.
    grid : tuple, optional
        The default values to sweep, for the parameter the method is swept over (at most
        one per method; ``default`` is then used only outside sweeps).
    effect : str, optional
        With ``grid``: what a larger value does, one of :data:`EFFECTS`.
    """
    spec = Param(
        type(default), choices=choices, minimum=minimum, maximum=maximum, help=help, grid=grid,
        effect=effect,
    )  # fmt: skip
    return field(default=default, metadata={"param": spec})


#: Inputs of the common checks (``CheckCase``): a 4 x 6 grid of flat patches whose
#: neighbours differ by graded amounts, on which every scale of a method finds another number
#: of regions; and uniform colour noise, with many local optima and no structure.
CHECK_INPUTS = ("graded patches", "colour noise")
#: In ``CheckCase.alternatives``: another folder of a file-reading method's files, which the
#: checks write (from another image than the one fitted).
OTHER_FILES = "<another folder of files, written by the checks>"


@dataclass(frozen=True)
class CheckCase:
    """What the common checks over every method (``tests/test_method_checks.py``) need to
    know of one method, declared beside it as scikit-learn's estimator tags are: inputs and
    values on which its declarations can be seen to hold.

    Parameters
    ----------
    sensitive : tuple
        Three increasing values of the swept parameter between which the declared
        ``effect`` shows strictly on the graded patches (grey for a grey-only method).
    sensitive_params : dict
        Parameters for that input.
    quicker : dict
        Settings that make every check's fits on the small test images quicker.
    alternatives : dict
        Swept value -> {parameter: a value other than its default}: every declared
        parameter besides the swept one, each of which must change the fit at that value.
    on_noise : tuple of str
        The parameters whose change shows on colour noise only.
    variants : tuple of (values, params)
        Other settings whose ``sensitive`` values must show the effect the same way.
    seed_input : str
        One of :data:`CHECK_INPUTS`: where a seeded method's fit depends on its seed.
    seed_params : dict
        Parameters with which it does (a small sample, enough superpixels).
    """

    sensitive: tuple
    sensitive_params: dict = field(default_factory=dict)
    quicker: dict = field(default_factory=dict)
    alternatives: dict = field(default_factory=dict)
    on_noise: tuple = ()
    variants: tuple = ()
    seed_input: str = "colour noise"
    seed_params: dict = field(default_factory=dict)


@dataclass(eq=False)
class ClusteringMethod:
    """Base class of segsweep's clustering methods (scikit-learn's fit/predict conventions).

    Subclasses set the class attributes below, declare their parameters with :func:`param`,
    and implement ``fit`` and ``predict``. After ``fit`` they may set ``n_iter_`` and
    ``converged_``, and ``n_fit_``, the pixels the model was really fitted on when the method
    subsamples what it is given (the fits table's ``n_fit``). Mixtures may also implement
    ``score_samples`` (per-pixel log-likelihood) and ``n_free_parameters`` for BIC and AIC.

    Attributes
    ----------
    n_clusters : int
        k (unused by methods swept over a parameter of their own).
    random_state : int
        The fit's seed.
    name : str
        The name used in ``config.yaml``.
    summary : str
        One line for listings.
    sweeps : str
        The parameter the method is swept over: ``"k"``, or the declared parameter with a
        ``grid`` (set from the :func:`param` fields).
    takes_k : bool
        Whether the method is swept over k; then the k-choice criteria (elbow, BIC, ...)
        apply to it.
    effect : str
        What a larger value of the swept parameter does (:data:`EFFECTS`): "more regions"
        for k, else its parameter's declared ``effect``.
    input_kind : {"pixels", "image"}
        "pixels": ``fit`` gets an (n_pixels, n_features) array, possibly a random sample, and
        ``predict`` labels any such array. "image": ``fit`` and ``predict`` get the whole
        (H, W, n_features) image (methods that need neighbours or the corner pixel); they are
        never fitted on a sample.
    uses_seed : bool
        False for deterministic methods: they are fitted with the first seed only.
    supported_spaces : tuple of str or None
        Colour spaces the method works in (None: all). Other spaces are skipped.
    max_k : int or None
        Largest k the method can fit in reasonable time (None: no limit); larger k are skipped.
    fit_seconds : float
        About how long one fit of a BSDS500 image (481 x 321 pixels) takes on one core,
        assigning every pixel included. Only the order of jobs uses it (the costliest start
        first); the values come from the one-image profile (docs/benchmark.md) and the val
        study of the families (docs/bsds500.md).
    needs_image_name : bool
        True for a method that reads files of its own per image (another tool's output): a
        sweep then sets ``image_name`` on each model before fitting it.
    takes_position : bool
        False for a method that cannot fit the features with x and y appended (the
        ``xy_weight`` option): the configuration check then rejects a nonzero weight.
    param_specs : dict of str to Param
        The declared parameters (set from the :func:`param` fields).
    checks : CheckCase
        The inputs and values the common checks use (:class:`CheckCase`); every method
        declares one.
    """

    n_clusters: int = 2
    random_state: int = 0

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    sweeps: ClassVar[str] = "k"
    takes_k: ClassVar[bool] = True
    effect: ClassVar[str] = "more regions"
    input_kind: ClassVar[str] = "pixels"
    uses_seed: ClassVar[bool] = True
    supported_spaces: ClassVar[tuple[str, ...] | None] = None
    max_k: ClassVar[int | None] = None
    fit_seconds: ClassVar[float] = 0.1
    needs_image_name: ClassVar[bool] = False
    takes_position: ClassVar[bool] = True
    param_specs: ClassVar[dict[str, Param]] = {}
    image_name: ClassVar[str | None] = None
    checks: ClassVar[CheckCase | None] = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        dataclass(cls, eq=False)
        declared = [f for f in fields(cls) if "param" in f.metadata]
        cls.param_specs = {f.name: f.metadata["param"] for f in declared}
        swept = [name for name, spec in cls.param_specs.items() if spec.grid is not None]
        if len(swept) > 1:
            raise TypeError(f"{cls.__name__}: only one parameter may declare a grid: {swept}")
        cls.sweeps = swept[0] if swept else "k"
        cls.takes_k = cls.sweeps == "k"
        if swept:
            cls.effect = cls.param_specs[cls.sweeps].effect
            if cls.effect not in EFFECTS:
                raise TypeError(
                    f"{cls.__name__}.{cls.sweeps}: a swept parameter declares its effect, one "
                    f"of {EFFECTS}; got {cls.effect!r}"
                )

    def get_params(self) -> dict[str, Any]:
        """``n_clusters``, ``random_state`` and every declared parameter, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def fit_summary(self) -> dict[str, Any]:
        """Extra per-fit figures for the results table (column name -> value); none by default."""
        return {}

    @classmethod
    def works_in(cls, space: str) -> bool:
        """Whether the method runs in colour space ``space``."""
        return cls.supported_spaces is None or space in cls.supported_spaces

    @classmethod
    def default_grid(cls, ks: list[int]) -> list:
        """The values swept when the config names none: the configured ``ks`` up to
        ``max_k`` for a method swept over k, else its parameter's declared grid."""
        if cls.takes_k:
            return [k for k in ks if cls.max_k is None or k <= cls.max_k]
        return list(cls.param_specs[cls.sweeps].grid)

    def set_swept(self, value) -> ClusteringMethod:
        """Set the swept parameter (k or the method's own) to ``value``; return self."""
        setattr(self, "n_clusters" if self.takes_k else self.sweeps, value)
        return self

    @classmethod
    def check_files(cls, params: dict[str, Any], where: str) -> None:
        """Checks of the files a setup's resolved parameters name (a folder that must exist,
        say), made where the workflow finds its images, after the configuration's own
        checks: a config can be valid on a machine that lacks its data. Raise
        :class:`ConfigError` naming ``where.KEY``. None by default."""

    @classmethod
    def seeds_to_fit(cls, seeds: list[int]) -> list[int]:
        """The seeds actually fitted (the first only for deterministic methods)."""
        return list(seeds) if cls.uses_seed else list(seeds[:1])

    def prepare(self, X: np.ndarray):
        """Work on the fit's input that does not depend on the swept value (superpixels and
        their graph, say), or None (the default). A sweep calls it once per seed, with the
        feature image for an image method and every pixel's features for a pixel method,
        and passes the result to every fit as ``fit(X, prepared=...)``; a method that
        overrides it takes that keyword and must not change what it is given."""
        return None

    @classmethod
    def prepares(cls) -> bool:
        """Whether the method overrides :meth:`prepare`."""
        return cls.prepare is not ClusteringMethod.prepare

    def fit(self, X: np.ndarray, y=None) -> ClusteringMethod:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Default value of every declared parameter."""
        return {f.name: f.default for f in fields(cls) if "param" in f.metadata}


def sample_indices(n_pixels: int, sample_size: int | None, seed: int) -> np.ndarray | None:
    """Seeded random pixel indices to fit on, or None to fit on every pixel.

    Parameters
    ----------
    n_pixels : int
    sample_size : int or None
        None means all pixels; so does any size of at least ``n_pixels``.
    seed : int

    Returns
    -------
    ndarray of int64, sorted, or None
    """
    if sample_size is None or sample_size >= n_pixels:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n_pixels, size=sample_size, replace=False))


def subsample(X: np.ndarray, max_rows: int, seed: int) -> np.ndarray:
    """At most ``max_rows`` rows of ``X``, a seeded random subset in their original order
    (:func:`sample_indices`), for methods whose fit is too slow on every pixel given."""
    index = sample_indices(len(X), max_rows, seed)
    return X if index is None else X[index]


class NearestKeptLabel:
    """Labels of a clustered pixel sample spread to every pixel: each pixel takes the label
    of its nearest kept sample pixel (DBSCAN's core pixels, OPTICS' clustered ones), so
    none is left as noise. With none kept, every pixel is one region.

    Parameters
    ----------
    sample : ndarray, shape (n, n_features)
    kept : ndarray of int
        Indices of the sample pixels whose labels spread.
    labels : ndarray of int, shape (n,)
        The sample's labels.
    """

    def __init__(self, sample: np.ndarray, kept: np.ndarray, labels: np.ndarray):
        from sklearn.neighbors import NearestNeighbors

        if len(kept):
            sample, self.labels = sample[kept], labels[kept]
        else:
            sample, self.labels = sample[:1], np.zeros(1, dtype=np.int64)
        self.neighbours = NearestNeighbors(n_neighbors=1).fit(sample)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """The label of each row's nearest kept sample pixel."""
        _, nearest = self.neighbours.kneighbors(X)
        return self.labels[nearest[:, 0]]


class RegionMethod(ClusteringMethod):
    """Base of methods that segment the whole image into regions (graph-based, region
    merging): ``input_kind = "image"``, deterministic unless a subclass says otherwise.

    Subclasses implement :meth:`segment`; ``fit`` keeps its labels and ``predict`` returns
    them for the image fitted on. A subclass that overrides ``prepare`` (work shared by every
    swept value) takes it as ``segment(image, prepared)``.
    """

    input_kind = "image"
    uses_seed = False

    def segment(self, image: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        """Labels (H, W) of ``image`` (H, W, C)."""
        raise NotImplementedError

    def fit(self, image, y=None, prepared=None):
        """Segment ``image`` (H, W, C), in float64, and keep its labels in ``labels_``."""
        image = np.asarray(image, dtype=np.float64)
        if self.prepares():
            prepared = self.prepare(image) if prepared is None else prepared
            self.labels_ = np.asarray(self.segment(image, prepared))
        else:
            self.labels_ = np.asarray(self.segment(image))
        return self

    def predict(self, image):
        """The labels of the fitted image, shape (H, W); ``image`` must be that image."""
        if np.shape(image)[:2] != self.labels_.shape:
            raise ValueError(f"{self.name} labels the image it was fitted on only")
        return self.labels_

    def fit_summary(self):
        """``segments``: the number of regions found (before any option)."""
        return {"segments": int(len(np.unique(self.labels_)))}


class FittedMixture:
    """``predict`` and ``score_samples`` of the fitted scikit-learn mixture in ``model_``.

    Mixture methods inherit from this as well as :class:`ClusteringMethod`.
    """

    def predict(self, X):
        """Label each row of ``X`` with its most probable component."""
        return self.model_.predict(X)

    def score_samples(self, X):
        """Log-likelihood of each row of ``X`` under the fitted mixture (nats), computed in
        float64: on float32 features scikit-learn would compute it in float32, whose
        rounding (about 1e-7 per pixel) shows in a likelihood summed over megapixels."""
        return self.model_.score_samples(np.asarray(X, dtype=np.float64))

    def predict_and_score(self, X):
        """``predict(X)`` and ``score_samples(X)`` (in float64) in one pass.

        scikit-learn's ``predict`` and ``score_samples`` each compute every pixel's weighted
        log-probability under every component; this computes it once
        (:func:`~segsweep.fit.methods._mixture.labels_and_log_likelihood`). A test checks that
        labels and scores equal the public methods'.
        """
        from segsweep.fit.methods._mixture import labels_and_log_likelihood

        return labels_and_log_likelihood(self.model_, np.asarray(X, dtype=np.float64))


def mixture_free_parameters(covariance_type: str, n_components: int, n_features: int) -> int:
    """Free parameters of a Gaussian mixture (for BIC and AIC): weights, means and
    covariances of the given form (a test checks it against scikit-learn's ``bic``)."""
    per_covariance = n_features * (n_features + 1) // 2
    covariances = {
        "full": n_components * per_covariance,
        "tied": per_covariance,
        "diag": n_components * n_features,
        "spherical": n_components,
    }[covariance_type]
    return covariances + n_components * n_features + n_components - 1


_REGISTRY: dict[str, type[ClusteringMethod]] | None = None


def registry() -> dict[str, type[ClusteringMethod]]:
    """Return every method of this package by name, importing its modules once."""
    global _REGISTRY
    if _REGISTRY is None:
        found: dict[str, type[ClusteringMethod]] = {}
        for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if module_info.name.startswith("_"):  # helpers of some methods, not methods
                continue
            module = importlib.import_module(f"{__name__}.{module_info.name}")
            for obj in vars(module).values():
                if (
                    isinstance(obj, type)
                    and issubclass(obj, ClusteringMethod)
                    and obj.name
                    and obj.__module__ == module.__name__
                ):
                    if obj.name in found:
                        raise ConfigError(
                            f"methods: two modules define a method named {obj.name!r}"
                        )
                    found[obj.name] = obj
        _REGISTRY = found
    return _REGISTRY


def get_method(name: str, where: str = "methods") -> type[ClusteringMethod]:
    """Return the method class called ``name`` or raise a :class:`ConfigError` listing all."""
    methods = registry()
    if name not in methods:
        raise ConfigError(f"{where}: unknown method {name!r}; available: {sorted(methods)}")
    return methods[name]


def resolve_params(name: str, params: dict | None, where: str = "methods") -> dict[str, Any]:
    """Validate configured parameters of method ``name`` and fill in the defaults.

    Raises
    ------
    ConfigError
        For an unknown method, an unknown parameter (the message lists the known ones) or a
        value of the wrong type or range.
    """
    method = get_method(name, where)
    params = dict(params or {})
    unknown = sorted(set(params) - set(method.param_specs))
    if unknown:
        known = {key: spec.help for key, spec in method.param_specs.items()}
        raise ConfigError(
            f"{where}.params: unknown parameter(s) {unknown} for method {name!r}; known: {known}"
        )
    if method.sweeps in params:
        raise ConfigError(
            f"{where}.params.{method.sweeps}: {method.sweeps} is the parameter {name!r} is swept "
            f"over; give its values as {where}.grid instead"
        )
    resolved = method.defaults()
    for key, value in params.items():
        resolved[key] = method.param_specs[key].check(value, f"{where}.params.{key}")
    return resolved


def resolve_grid(name: str, grid: list | None, ks: list[int], where: str = "methods") -> list:
    """The values method ``name`` is swept over: ``grid`` checked, sorted and without
    repeats, or its default grid (:meth:`ClusteringMethod.default_grid`) when None.

    Raises
    ------
    ConfigError
        For a value of the wrong type or range, or a grid left empty (every k above the
        method's largest).
    """
    method = get_method(name, where)
    if grid is None:
        values = method.default_grid(list(ks))
    elif method.takes_k:
        for k in grid:
            if isinstance(k, bool) or not isinstance(k, int) or k < 2:
                raise ConfigError(f"{where}.grid: k must be whole numbers >= 2, got {k!r}")
        values = method.default_grid(list(grid))
    else:
        spec = method.param_specs[method.sweeps]
        values = [spec.check(value, f"{where}.grid") for value in grid]
    if not values:
        raise ConfigError(
            f"{where}: {name!r} fits k up to {method.max_k} only, and no k that small is "
            f"configured; add one to {where}.grid or k"
        )
    return sorted(set(values))


def create(name: str, value, random_state: int, params: dict) -> ClusteringMethod:
    """Build an unfitted instance of method ``name`` at swept value ``value`` (k, or the
    method's own swept parameter).

    ``params`` are resolved parameters (:func:`resolve_params`, which the configuration
    step calls once per method setup); parameters left out take their declared defaults.
    """
    return get_method(name)(random_state=random_state, **params).set_swept(value)
