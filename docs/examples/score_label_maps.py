"""Score your own label maps against a BSDS500 image's annotations.

Any integer label image will do (from your method, or read from a PNG with
``np.asarray(Image.open("mine.png"))``); here two of scikit-image's SLIC superpixel maps
stand in for yours. They are scored against every annotation of BSDS500 test image 2018
(the `.mat` file of the dataset, kept in the tests' fixture) as the Berkeley benchmark
does: region scores averaged over the annotations, covering pooled, boundary recall and
precision over all of them. Run from the repository's root:
``PYTHONPATH=workflow/scripts python docs/examples/score_label_maps.py``.
"""

from pathlib import Path

import numpy as np
from PIL import Image
from skimage.segmentation import slic

from segsweep.data.truth import read_annotations
from segsweep.score.measures import ImageTruth, score_fit

BSDS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "bsds-bench"
annotations = read_annotations([BSDS / "groundTruth" / "2018.mat"])
truth = ImageTruth.of(annotations)
photo = np.asarray(Image.open(BSDS / "images" / "2018.jpg"))

print(f"image 2018: {photo.shape[1]} x {photo.shape[0]}, {len(annotations)} annotations")
for n_segments in (20, 200):
    labels = slic(photo, n_segments=n_segments, start_label=0)  # your label map here
    scores = score_fit(truth, labels)
    print(
        f"SLIC, {labels.max() + 1} regions: covering {scores['covering']:.3f}, "
        f"PRI {scores['rand']:.3f}, VI {scores['vi']:.2f}, boundary precision "
        f"{scores['bdry_precision']:.3f}, recall {scores['bdry_recall']:.3f}"
    )
