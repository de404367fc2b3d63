"""Figures: drawing helpers shared by all (:mod:`.canvas`), per-image figures
(:mod:`.image`), dataset figures (:mod:`.dataset`) and the report's selection and
thumbnails (:mod:`.report`)."""
