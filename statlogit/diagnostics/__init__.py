"""Assumption diagnostics: tables and verdicts computed from a fitted model."""
