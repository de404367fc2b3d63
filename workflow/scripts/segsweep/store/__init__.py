"""Files: every step's file I/O, atomic and byte-reproducible (:mod:`.files`), and label
maps, their canonical form and their batch files (:mod:`.labelmaps`)."""
