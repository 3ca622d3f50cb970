"""Diagnostic methods attached to :class:`~statlogit.results.LogitResults`."""

from __future__ import annotations


class DiagnosticsMixin:
    """``res.vif()``, ``res.box_tidwell()``, ``res.influence()``, ... (see each module)."""
