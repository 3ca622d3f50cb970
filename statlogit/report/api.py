"""Report and plot methods attached to :class:`~statlogit.results.LogitResults`."""

from __future__ import annotations


class ReportMixin:
    """``res.report()`` and ``res.plot_<name>()`` (see :mod:`statlogit.report`)."""
