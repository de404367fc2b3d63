"""Errors a user can act on.

A :class:`SegsweepError` carries a one-line message that names the file or configuration key,
what is wrong, and what to do. The Snakemake entry points print that line instead of a
traceback (see :mod:`segsweep.entry`).
"""

import sys


def tell_user(line: str) -> None:
    """Write ``line`` and its newline to stderr in one write call.

    Jobs share Snakemake's stderr; ``print`` writes the text and the newline apart, and
    another job's or Snakemake's output could land between them (seen in CI).
    """
    sys.stderr.write(f"{line}\n")
    sys.stderr.flush()


class SegsweepError(Exception):
    """A problem with the user's input or configuration, explained in one line."""


class ConfigError(SegsweepError):
    """A configuration value is missing, of the wrong type or not allowed."""


class InputImageError(SegsweepError):
    """An input image cannot be read or cannot be turned into the standard form."""


class FitError(SegsweepError):
    """A method's library could not fit one image (one line: the image, the entry and the
    library's message)."""


class ExternalFileError(SegsweepError):
    """A method's own input file for one image (another tool's segmentation) is missing or
    unusable: that image is left out of that method, the others go on."""
