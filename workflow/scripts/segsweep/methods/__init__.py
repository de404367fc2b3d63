"""Clustering methods as plug-ins.

Every module in this package defines one :class:`ClusteringMethod` subclass. The registry
finds them by importing the package's modules, so adding a method means adding one file:

.. code-block:: python

    from segsweep.methods import ClusteringMethod, Param

    class MyMethod(ClusteringMethod):
        name = "my_method"              # used in config.yaml
        summary = "One line for listings."
        takes_k = True                  # False: the method finds the number of clusters
        param_specs = {"alpha": Param(float, minimum=0.0, help="...")}
        # optional: input_kind = "image" (fit/predict get the (H, W, C) feature image),
        # uses_seed = False (deterministic: fitted once, not per seed),
        # supported_spaces = ("grey",), max_k = 6

        def __init__(self, n_clusters=2, random_state=0, alpha=1.0):
            ...                         # store arguments only (scikit-learn convention)

        def fit(self, X): ...           # X: (n_pixels, n_features) float32; return self
        def predict(self, X): ...       # return (n_pixels,) integer labels

Parameter defaults are read from ``__init__`` (``get_params``), so they are written once.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin

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
    minimum : float, optional
        Smallest allowed value for numbers.
    help : str
        One line for listings and error messages.
    """

    kind: type
    choices: tuple | None = None
    minimum: float | None = None
    help: str = ""

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
        return value


class ClusteringMethod(BaseEstimator, ClusterMixin):
    """Base class of segsweep's clustering methods (scikit-learn estimator conventions).

    Subclasses set the class attributes below, take ``n_clusters`` and ``random_state`` plus
    their declared parameters in ``__init__``, and implement ``fit`` and ``predict``. After
    ``fit`` they may set ``n_iter_`` and ``converged_``. Mixtures may also implement
    ``score_samples`` (per-pixel log-likelihood) and ``n_free_parameters`` for BIC and AIC.

    Attributes
    ----------
    name : str
        The name used in ``config.yaml``.
    summary : str
        One line for listings.
    takes_k : bool
        False for methods that find their own number of clusters; they are fitted once per
        seed whatever the configured k, and ``n_clusters`` is ignored.
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
    param_specs : dict of str to Param
        The parameters ``config.yaml`` may set; defaults are read from ``__init__``.
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    takes_k: ClassVar[bool] = True
    input_kind: ClassVar[str] = "pixels"
    uses_seed: ClassVar[bool] = True
    supported_spaces: ClassVar[tuple[str, ...] | None] = None
    max_k: ClassVar[int | None] = None
    param_specs: ClassVar[dict[str, Param]] = {}

    def fit_summary(self) -> dict[str, Any]:
        """Extra per-fit figures for the results table (column name -> value); none by default."""
        return {}

    @classmethod
    def works_in(cls, space: str) -> bool:
        """Whether the method runs in colour space ``space``."""
        return cls.supported_spaces is None or space in cls.supported_spaces

    @classmethod
    def ks_to_fit(cls, ks: list[int]) -> list[int | None]:
        """The k values actually fitted from the configured ``ks`` ([None] without k)."""
        if not cls.takes_k:
            return [None]
        return [k for k in ks if cls.max_k is None or k <= cls.max_k]

    @classmethod
    def seeds_to_fit(cls, seeds: list[int]) -> list[int]:
        """The seeds actually fitted (the first only for deterministic methods)."""
        return list(seeds) if cls.uses_seed else list(seeds[:1])

    def fit(self, X: np.ndarray, y=None) -> ClusteringMethod:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Default value of every declared parameter, read from ``__init__``."""
        params = cls().get_params()
        return {key: params[key] for key in cls.param_specs}


class FittedMixture:
    """``predict`` and ``score_samples`` of the fitted scikit-learn mixture in ``model_``.

    Mixture methods inherit from this as well as :class:`ClusteringMethod`. It adds
    ``predict_and_score``, which gives both from one evaluation of the component densities,
    the costly part of labelling every pixel.
    """

    def predict(self, X):
        """Label each row of ``X`` with its most probable component."""
        return self.model_.predict(X)

    def score_samples(self, X):
        """Log-likelihood of each row of ``X`` under the fitted mixture (nats)."""
        return self.model_.score_samples(X)

    def predict_and_score(self, X):
        """``predict(X)`` and ``score_samples(X)`` from one pass over ``X``.

        scikit-learn computes both from ``_estimate_weighted_log_prob`` (argmax and
        log-sum-exp); a test checks that this stays equal to calling them apart.
        """
        weighted = self.model_._estimate_weighted_log_prob(X)
        labels = weighted.argmax(axis=1)
        largest = weighted[np.arange(len(weighted)), labels]
        # Log-sum-exp around each row's largest term, the label's. scipy.special.logsumexp
        # agrees to 1e-14, but its general version took 1.3 s per 4.2 Mpx at k = 8; this 0.3 s.
        summed = np.exp(weighted - largest[:, None]) @ np.ones(weighted.shape[1])
        return labels, largest + np.log(summed)


_REGISTRY: dict[str, type[ClusteringMethod]] | None = None


def registry() -> dict[str, type[ClusteringMethod]]:
    """Return every method of this package by name, importing its modules once."""
    global _REGISTRY
    if _REGISTRY is None:
        found: dict[str, type[ClusteringMethod]] = {}
        for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
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
    resolved = method.defaults()
    for key, value in params.items():
        resolved[key] = method.param_specs[key].check(value, f"{where}.params.{key}")
    return resolved


def create(name: str, n_clusters: int, random_state: int, params: dict) -> ClusteringMethod:
    """Build an unfitted instance of method ``name`` with validated ``params``."""
    method = get_method(name)
    return method(n_clusters=n_clusters, random_state=random_state, **resolve_params(name, params))
