"""Input: which images and ground truth a run has (:mod:`.discovery`), reading annotations
(:mod:`.truth`), and screening each image into its standard form (:mod:`.ingest`)."""
