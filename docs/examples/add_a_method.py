"""Add a method in a few lines and run it: equally populated brightness bins.

A method is a class with a name, its parameters declared with ``param`` (checked like
any configured value), and scikit-learn's ``fit`` and ``predict``. Saved as a module in
``workflow/scripts/segsweep/fit/methods/`` it joins the pipeline (docs/extending.md); here
it is swept over k on a bundled image and scored, as the pipeline would. Run from the
repository's root: ``PYTHONPATH=workflow/scripts python docs/examples/add_a_method.py``.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from segsweep.fit.methods import ClusteringMethod, param
from segsweep.fit.spaces import to_features
from segsweep.score.measures import ImageTruth, score_fit


class BrightnessBins(ClusteringMethod):
    name = "brightness_bins"
    summary = "k equally populated bins of the mean feature value"
    channel: int = param(-1, "feature to bin; -1: their mean", minimum=-1)

    def fit(self, X, y=None):
        values = X.mean(axis=1) if self.channel < 0 else X[:, self.channel]
        self.edges_ = np.quantile(values, np.linspace(0, 1, self.n_clusters + 1)[1:-1])
        return self

    def predict(self, X):
        values = X.mean(axis=1) if self.channel < 0 else X[:, self.channel]
        return np.searchsorted(self.edges_, values, side="right")


DATA = Path(__file__).resolve().parents[2] / "data"
rgb = np.asarray(Image.open(DATA / "images" / "shaded_ball.png").convert("RGB"))
truth = ImageTruth.of([np.asarray(Image.open(DATA / "truth" / "shaded_ball.png"))])
pixels = to_features(rgb, "rgb").reshape(-1, 3)
for k in (2, 4, 6):
    labels = BrightnessBins(n_clusters=k).fit(pixels).predict(pixels).reshape(rgb.shape[:2])
    print(f"brightness_bins, k = {k}: covering {score_fit(truth, labels)['covering']:.3f}")
