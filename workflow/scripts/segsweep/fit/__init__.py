"""Fitting: colour spaces (:mod:`.spaces`), the method registry (:mod:`.methods`, one file
per method), a sweep of a setup over its values and seeds (:mod:`.sweep`), the options
applied after fitting (:mod:`.postprocess`), UCMs cut at a threshold (:mod:`.ucm`), batches
of images per job (:mod:`.batches`) and the segment job (:mod:`.segment`)."""
