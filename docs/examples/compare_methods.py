"""Compare three methods on one bundled image with the Berkeley scores.

Each method is fitted in the Lab colour space at one value of what it sweeps (k, or
Felzenszwalb's scale) and scored against the image's annotation as the BSDS500 benchmark
scores: segmentation covering, probabilistic Rand index, variation of information and
boundary F. Run from the repository's root:
``PYTHONPATH=workflow/scripts python docs/examples/compare_methods.py``.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from segsweep.fit import methods
from segsweep.fit.spaces import to_features
from segsweep.score.measures import ImageTruth, score_fit

DATA = Path(__file__).resolve().parents[2] / "data"
rgb = np.asarray(Image.open(DATA / "images" / "mri_phantom.png").convert("RGB"))
truth = ImageTruth.of([np.asarray(Image.open(DATA / "truth" / "mri_phantom.png"))])
features = to_features(rgb, "lab")  # (H, W, 3), each channel scaled to [0, 1]

for name, value in [("kmeans", 6), ("gmm", 6), ("felzenszwalb", 400.0)]:
    model = methods.create(name, value, random_state=0, params=methods.resolve_params(name, {}))
    data = features if model.input_kind == "image" else features.reshape(-1, 3)
    labels = model.fit(data).predict(data).reshape(rgb.shape[:2])
    scores = score_fit(truth, labels)
    print(
        f"{name:>12} at {value:g}: {len(np.unique(labels))} regions, covering "
        f"{scores['covering']:.3f}, PRI {scores['rand']:.3f}, VI {scores['vi']:.2f}, "
        f"boundary F {scores['bdry_f']:.3f}"
    )
