"""Measuring fits: scores against ground truth (:mod:`.scores` for regions,
:mod:`.boundaries` for boundary precision and recall), internal criteria (:mod:`.criteria`),
both for every fit of a sweep (:mod:`.evaluate`), and the benchmark's dataset scores, ODS
and OIS (:mod:`.benchmark`)."""
