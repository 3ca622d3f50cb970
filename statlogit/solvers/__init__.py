"""Solvers: pure functions of arrays (X, y, offset, weights) returning a :class:`Fit`."""

from .base import Fit

__all__ = ["Fit"]
