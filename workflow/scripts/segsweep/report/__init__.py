"""Report: the summary page (:mod:`.summary`) and the record of versions, configuration and
inputs (:mod:`.provenance`)."""
