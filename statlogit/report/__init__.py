"""Rendering: summary tables, full reports and plots."""
