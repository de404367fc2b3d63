"""Snakemake logger plugin ``segsweep``: Snakemake's own console output, with each progress
line saying about how long is left.

``snakemake --logger segsweep`` (the Makefile's ``make run`` uses it, with
``workflow/plugins`` on ``PYTHONPATH``) prints exactly what Snakemake prints, through
Snakemake's default formatter and filter, except that each "N of M steps (P%) done" line
goes on with the time elapsed and an estimate of the time left at the pace so far, for
example ``40 of 120 steps (33%) done; 5 min elapsed, about 10 min left``. Plain lines, so it
reads the same in a terminal, a pipe, a file or a cluster job's output; Snakemake's log file
under ``.snakemake/log`` is written by Snakemake's own file handler and does not change.

The estimate is the pace since the job graph last grew: the time since then times the steps
left over the steps done since then. A run first screens every image (hundreds of steps of a
fraction of a second each), and only then, once the screening checkpoint is through, does
the graph gain the long segment, measure and figure jobs; pacing the whole run by the
screening steps said "4 min left" 2 minutes into a 32-minute run. The jobs after it take
similar times (one batch of images each), so their pace holds.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

from snakemake_interface_logger_plugins.base import LogHandlerBase
from snakemake_interface_logger_plugins.common import LogEvent
from snakemake_interface_logger_plugins.settings import LogHandlerSettingsBase


@dataclass
class LogHandlerSettings(LogHandlerSettingsBase):
    """No settings of its own."""


def duration(seconds: float) -> str:
    """``45 s``, ``12 min`` or ``1 h 05 min``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def progress_note(
    done: int, total: int, elapsed: float, since: tuple[int, float] = (0, 0.0)
) -> str:
    """``; E elapsed, about L left`` for ``done`` of ``total`` steps after ``elapsed``
    seconds, at the pace since ``since`` = (steps done, seconds elapsed) when the job graph
    last grew (nothing before a step is done at that pace, and no estimate after the last)."""
    if done >= total > 0:
        return f"; {duration(elapsed)} elapsed"
    steps, start = since
    if done <= steps or done <= 0:
        return f"; {duration(elapsed)} elapsed" if steps else ""
    left = (elapsed - start) * (total - done) / (done - steps)
    return f"; {duration(elapsed)} elapsed, about {duration(left)} left"


class Pace:
    """Where the pace of :func:`progress_note` starts: the steps done and the time when the
    total number of steps last changed."""

    def __init__(self) -> None:
        self.total, self.since = None, (0, 0.0)

    def note(self, done: int, total: int, elapsed: float) -> str:
        """:func:`progress_note` for this progress line."""
        if self.total is not None and total != self.total:
            self.since = (done, elapsed)
        self.total = total
        return progress_note(done, total, elapsed, self.since)


class LogHandler(LogHandlerBase, logging.StreamHandler):
    """Snakemake's default console output (its formatter and filter are attached, since this
    handler has none of its own), progress lines with the time left."""

    def __post_init__(self) -> None:
        logging.StreamHandler.__init__(self, sys.stdout if self.common_settings.stdout
                                       else sys.stderr)  # fmt: skip
        self.started = time.monotonic()
        self.pace = Pace()

    def emit(self, record: logging.LogRecord) -> None:
        logging.StreamHandler.emit(self, record)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if getattr(record, "event", None) == LogEvent.PROGRESS:
            done, total = int(record.done), int(record.total)
            text += self.pace.note(done, total, time.monotonic() - self.started)
        return text

    # what Snakemake asks of a log handler: a stream, no file, no filter or formatter of its own
    writes_to_stream = property(lambda self: True)
    writes_to_file = property(lambda self: False)
    has_filter = property(lambda self: False)
    has_formatter = property(lambda self: False)
    needs_rulegraph = property(lambda self: False)
