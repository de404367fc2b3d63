"""A method setup, typed: what one entry of the config's ``methods`` fits.

:func:`segsweep.configuration.method_setup` builds it, validated, once per label when the
workflow is parsed. Every step reads it (rule params carry :meth:`Setup.to_dict`, rebuilt by
:meth:`Setup.from_dict`) instead of deciding again what is swept: the swept parameter and
its grid, whether it is k, the settings of one fit, how to label a value, how to describe
itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from segsweep.fit.postprocess import BOUNDARY_SIGMA, SMOOTHING_MAX_ITER

#: Options every method setup has, with their defaults (see :mod:`segsweep.fit.postprocess`;
#: the schema describes them, a test checks they agree). A setup may sweep one of
#: :data:`SWEEPABLE_OPTIONS` by giving it a list of values.
OPTION_DEFAULTS = {
    "xy_weight": 0.0,
    "smoothing": 0.0,
    "smoothing_max_iter": SMOOTHING_MAX_ITER,
    "split_regions": False,
    "min_region": 0,
    "merge_boundaries": 0.0,
    "merge_sigma": BOUNDARY_SIGMA,
    "merge_criterion": "boundary",
}
SWEEPABLE_OPTIONS = ("xy_weight", "smoothing", "min_region", "merge_boundaries")

#: About how long one label map of a BSDS500 image takes to post-process, store and score,
#: in seconds on one core (docs/benchmark.md's one-image profile): only for ordering jobs.
MAP_SECONDS = 0.1


@dataclass(frozen=True)
class Setup:
    """One method setup, completed and validated.

    Attributes
    ----------
    label : str
        Its name in the config's ``methods`` (the tables' ``method`` column).
    method : str
        Registered method name.
    params : dict
        The method's parameters, every one resolved to a value.
    options : dict
        Every option of :data:`OPTION_DEFAULTS`; the swept one holds its grid.
    parameter : str
        What the setup is swept over: ``k``, the method's own parameter, or an option.
    grid : tuple
        The swept values, increasing.
    method_value : int, float or None
        The one value of the method's own parameter when an option is swept, else None.
    sample_size : int or None
        Pixels a pixel method is fitted on (None: all).
    spaces : tuple of str or None
        The colour spaces the setup names (None: every configured one its method takes).
    """

    label: str
    method: str
    params: dict = field(default_factory=dict)
    options: dict = field(default_factory=lambda: dict(OPTION_DEFAULTS))
    parameter: str = "k"
    grid: tuple = ()
    method_value: Any = None
    sample_size: int | None = None
    spaces: tuple[str, ...] | None = None

    @property
    def method_class(self):
        """The registered method class."""
        from segsweep.fit import methods

        return methods.get_method(self.method)

    @property
    def is_k_sweep(self) -> bool:
        """Whether the swept values are k (numbers of clusters asked for)."""
        return self.parameter == "k"

    @property
    def k_values(self) -> list[int]:
        """The k the setup fits: its grid when swept over k, the one k of a method swept
        over k whose setup sweeps an option, else none."""
        if self.is_k_sweep:
            return list(self.grid)
        if self.method_value is not None and self.method_class.takes_k:
            return [self.method_value]
        return []

    def at_value(self, value) -> tuple[Any, dict]:
        """Settings of the fit at ``value`` of the swept parameter: the value of the
        method's own parameter, and every option (the swept one at ``value``)."""
        options = dict(self.options)
        if self.parameter in OPTION_DEFAULTS:
            options[self.parameter] = value
            return self.method_value, options
        return value, options

    def k_of(self, value) -> float:
        """The k asked for by the fit at ``value`` (NaN for a method without k)."""
        k_values = self.k_values
        if self.is_k_sweep:
            return value
        return k_values[0] if k_values else float("nan")

    @property
    def models_per_value_set(self) -> int:
        """Models fitted per image, colour space and seed: one per swept value, or one for
        every value when the swept option only changes what is done to the fit
        (``smoothing``, ``min_region``, ``merge_boundaries``; the key of
        :func:`segsweep.fit.sweep._fitted`)."""
        refits = self.parameter not in OPTION_DEFAULTS or self.parameter == "xy_weight"
        return len(self.grid) if refits else 1

    def seconds_per_image(self, n_seeds: int, n_spaces: int) -> float:
        """About how long segmenting and measuring a BSDS500-sized image takes, from the
        method's declared ``fit_seconds`` and :data:`MAP_SECONDS` per label map: only to
        start the costliest jobs first (Snakemake ``priority``), so that the cores finish
        together."""
        seeds = n_seeds if self.method_class.uses_seed else 1
        fits = self.models_per_value_set * self.method_class.fit_seconds
        return n_spaces * seeds * (fits + len(self.grid) * MAP_SECONDS)

    def runs_in(self, space: str) -> bool:
        """Whether the setup runs in colour space ``space``: its method works there and
        the setup's own ``spaces``, if it names some, include it."""
        named = self.spaces
        return self.method_class.works_in(space) and (named is None or space in named)

    def own_boundaries(self, image: str, shape: tuple[int, int]):
        """``at(value)``: the boundary map the method gives itself for ``image`` at a swept
        value (a UCM's, thresholded: :meth:`boundary_map`), scored instead of the labels'
        boundaries; None for a method without one."""
        if not hasattr(self.method_class, "boundary_map") or self.changes_labels():
            return None  # options redraw the regions: their own boundaries are scored
        from segsweep.fit import methods

        def at(value):
            method_value, _ = self.at_value(value)
            model = methods.create(self.method, method_value, 0, self.params)
            return model.boundary_map(image, shape)

        return at

    def changes_labels(self) -> bool:
        """Whether an option changes the method's regions (any option but ``xy_weight``
        away from its default)."""
        return any(self.options[name] != OPTION_DEFAULTS[name] for name in
                   ("smoothing", "split_regions", "min_region", "merge_boundaries"))  # fmt: skip

    def value_label(self, value) -> str:
        """``k = 4`` or ``scale = 300``: a swept value as figures and tables show it."""
        return value_label(self.parameter, value)

    def describe(self) -> str:
        """One line: method, parameters, swept values and options (a swept option named
        once, with its values), and the sample fitted on."""
        params = ", ".join(f"{key}={value}" for key, value in self.params.items())
        swept = f"swept over {self.parameter} = {', '.join(f'{v:g}' for v in self.grid)}"
        if self.method_value is not None:
            swept += f" at {self.method_class.sweeps} = {self.method_value:g}"
        parts = [swept]
        fixed = {key: value for key, value in self.options.items() if key != self.parameter}
        parts += [f"{key} {fixed[key]}" for key in ("xy_weight", "smoothing") if fixed.get(key)]
        if fixed.get("split_regions"):
            parts.append("split_regions")
        if fixed.get("min_region"):
            parts.append(f"regions under {fixed['min_region']} pixels merged")
        if fixed.get("merge_boundaries"):
            parts.append(f"merged across boundaries under {fixed['merge_boundaries']:g}")
        parts.append(f"fitted on {'all' if self.sample_size is None else self.sample_size} pixels")
        return f"{self.label} = {self.method}({params}); {'; '.join(parts)}"

    def to_dict(self) -> dict:
        """The setup as plain data, for rule params and JSON (the label is the key it is
        stored under). Its layout is that of the untyped setups before this class, so
        finished jobs do not rerun for it."""
        data = {**self.options, "method": self.method, "params": dict(self.params),
                "parameter": self.parameter, "grid": list(self.grid),
                "method_value": self.method_value, "sample_size": self.sample_size}  # fmt: skip
        if self.spaces is not None:
            data["spaces"] = list(self.spaces)
        return data

    @classmethod
    def from_dict(cls, label: str, data: dict) -> Setup:
        """The setup :meth:`to_dict` wrote."""
        spaces = data.get("spaces")
        return cls(
            label=label, method=data["method"], params=dict(data["params"]),
            options={key: data[key] for key in OPTION_DEFAULTS}, parameter=data["parameter"],
            grid=tuple(data["grid"]), method_value=data["method_value"],
            sample_size=data["sample_size"], spaces=None if spaces is None else tuple(spaces),
        )  # fmt: skip


def value_label(parameter: str, value) -> str:
    """``k = 4`` or ``scale = 300``: a value of a swept parameter as figures and tables show
    it (for tables that hold the parameter's name, not the setup)."""
    return f"{parameter} = {value:g}"
