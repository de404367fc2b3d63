"""scikit-learn's ``GaussianMixture`` with faster EM steps for full covariances.

:class:`FullCovarianceGaussianMixture` keeps scikit-learn's EM (initialisation, iterations,
convergence test, ``n_init``, every public attribute and method) and replaces the three
steps that cost most on many pixels and few features, each with the same formulas:

- each component's log-density: one product of the pixels with every component's
  precision factor at once, and the squared norms summed by a product with a block of ones
  (scikit-learn loops over components and sums five numbers per row with ``sum``);
- the log-sum-exp of the E-step, in place;
- the M-step's covariances from the pixels' second moments about their mean, computed once
  per fit, and one product with the responsibilities (scikit-learn forms every component's
  deviations again at every iteration); a component left with no responsibility gets a
  covariance of ``reg_covar`` alone, as in scikit-learn.

Each step works in the features' precision, as scikit-learn's (float32 features: float32
EM), except the second moments, kept in float64. On float64 input the means, covariances
and labels agree with scikit-learn's to rounding, with the same number of iterations
(tested). In float32 the different order of additions can move EM a little: on BSDS500
images a fit's labels differ on up to a few pixels in 10 000 and its log-likelihood by
about 1e-5 nats per pixel (`make bench-bsds` reports it). EM takes about half the time on
a BSDS500 image's 30 000-pixel sample. The other covariance types are scikit-learn's own.

This module is the one place segsweep uses scikit-learn's private API: it overrides three
private methods of ``GaussianMixture`` (``_estimate_log_prob``, ``_estimate_log_prob_resp``,
``_m_step``), calls two private helpers, and :func:`labels_and_log_likelihood` calls
``_estimate_weighted_log_prob``. They are stable within the release ``requirements.txt`` pins
(:data:`SCIKIT_LEARN_RELEASE`); :data:`PRIVATE_SOURCES` holds a digest of each one's source
in that release, and a test recomputes them, so an upgrade that changes any of them fails
loudly, naming it, besides the tests that compare with the public class.
"""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import (
    _compute_log_det_cholesky,
    _compute_precision_cholesky,
)

#: The scikit-learn release the overrides below were written against (requirements.txt).
SCIKIT_LEARN_RELEASE = "1.9.1"
#: Each private object of scikit-learn this module overrides or calls (module, qualified
#: name) -> the first 16 hex digits of the SHA-256 of its source in that release.
PRIVATE_SOURCES = {
    ("sklearn.mixture._gaussian_mixture", "GaussianMixture._estimate_log_prob"): "247852ef7c35e26f",
    ("sklearn.mixture._gaussian_mixture", "GaussianMixture._m_step"): "8b60355aeb1697c2",
    ("sklearn.mixture._base", "BaseMixture._estimate_log_prob_resp"): "c00ca11a86644314",
    ("sklearn.mixture._base", "BaseMixture._estimate_weighted_log_prob"): "5ac6af2cc88b752a",
    ("sklearn.mixture._base", "BaseMixture.fit_predict"): "8267883508769372",
    ("sklearn.mixture._gaussian_mixture", "_compute_log_det_cholesky"): "890112515f56e8de",
    ("sklearn.mixture._gaussian_mixture", "_compute_precision_cholesky"): "2a02a979374afef2",
}


def labels_and_log_likelihood(model, X):
    """The most probable component of each row of ``X`` and its log-likelihood (nats) under
    a fitted scikit-learn mixture, from one computation of the weighted log-probabilities
    (``_estimate_weighted_log_prob``, which ``predict`` and ``score_samples`` both call)."""
    from scipy.special import logsumexp

    weighted = model._estimate_weighted_log_prob(X)
    return np.argmax(weighted, axis=1), logsumexp(weighted, axis=1)


class FullCovarianceGaussianMixture(GaussianMixture):
    """``sklearn.mixture.GaussianMixture`` with faster EM steps when
    ``covariance_type="full"`` (module docstring)."""

    #: Working arrays of one fit (the sample's second moments), dropped when it ends.
    _PER_FIT = ("_moments", "_moments_of", "_centre", "_centred")

    def fit_predict(self, X, y=None):
        """scikit-learn's ``fit_predict`` (``fit`` calls it); a fitted model keeps no
        reference to the sample or its moments."""
        try:
            return super().fit_predict(X, y)
        finally:
            for key in self._PER_FIT:
                self.__dict__.pop(key, None)

    def _estimate_log_prob(self, X, xp=None):
        if self.covariance_type != "full":
            return super()._estimate_log_prob(X, xp=xp)
        factors = self.precisions_cholesky_
        n_components, n_features, _ = factors.shape
        # every component's standardised deviations: (X - mean) @ factor, side by side
        side_by_side = factors.transpose(1, 0, 2).reshape(n_features, -1)
        deviations = X @ side_by_side
        deviations -= np.einsum("kd,kde->ke", self.means_, factors).reshape(-1)
        deviations *= deviations
        block_ones = np.repeat(np.eye(n_components, dtype=deviations.dtype), n_features, axis=0)
        squared_norms = deviations @ block_ones
        squared_norms += n_features * np.log(2 * np.pi)
        squared_norms *= -0.5
        squared_norms += _compute_log_det_cholesky(factors, "full", n_features)
        return squared_norms

    def _estimate_log_prob_resp(self, X, xp=None):
        if self.covariance_type != "full":
            return super()._estimate_log_prob_resp(X, xp=xp)
        log_resp = self._estimate_weighted_log_prob(X, xp=xp)
        largest = log_resp.max(axis=1)
        log_resp -= largest[:, None]
        with np.errstate(under="ignore"):
            log_sum = np.log(np.exp(log_resp).sum(axis=1))
        log_resp -= log_sum[:, None]
        return log_sum + largest, log_resp

    def _m_step(self, X, log_resp, xp=None):
        if self.covariance_type != "full":
            return super()._m_step(X, log_resp, xp=xp)
        if getattr(self, "_moments_of", None) is not X:  # once per fit: X is EM's sample
            # in float64 whatever the features: the covariances below are differences of
            # these, which float32 would round to more than reg_covar (flat regions)
            self._centre = X.mean(axis=0, dtype=np.float64)
            self._centred = X - self._centre
            self._moments = (self._centred[:, :, None] * self._centred[:, None, :]).reshape(
                len(X), -1
            )
            self._moments_of = X
        resp = np.exp(log_resp)
        responsibility = resp.sum(axis=0)
        counts = responsibility + 10 * np.finfo(resp.dtype).eps
        means = (resp.T @ X) / counts[:, None]
        n_components, n_features = means.shape
        # sum of r (x - mean)(x - mean)^T from the moments about the pixels' mean c: with
        # y = x - c, b = sum of r y and d = mean - c, it is S - b d^T - d b^T + (sum of r) d d^T
        # (exact, and 0 for a component with no responsibility, as scikit-learn's)
        # (every term from the same float64 weights: the float32 sum of r was off by up to
        # 1e-6 of it, which left a flat component's variance below -reg_covar)
        weights = resp.T.astype(np.float64)
        spread = (weights @ self._moments).reshape(n_components, n_features, n_features)
        first = weights @ self._centred
        offsets = means - self._centre
        spread -= first[:, :, None] * offsets[:, None, :]
        spread -= offsets[:, :, None] * first[:, None, :]
        spread += weights.sum(axis=1)[:, None, None] * offsets[:, :, None] * offsets[:, None, :]
        covariances = (spread / counts[:, None, None]).astype(X.dtype)
        covariances[:, np.arange(n_features), np.arange(n_features)] += self.reg_covar
        self.weights_ = counts / counts.sum()
        self.means_ = means
        self.covariances_ = covariances
        self.precisions_cholesky_ = _compute_precision_cholesky(covariances, "full")
