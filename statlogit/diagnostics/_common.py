"""Helpers shared by the diagnostics modules (no heavy imports)."""

from __future__ import annotations

import numpy as np

from ..exceptions import DiagnosticError, NotFittedError  # noqa: F401  (re-exported)


def format_p(p: float) -> str:
    """``2.4e-07`` below 0.001, else three decimals (for messages and advice only)."""
    if not np.isfinite(p):
        return "n/a"
    return f"{p:.1e}" if p < 1e-3 else f"{p:.3f}"


def require_finite_fit(res, what: str) -> None:
    """Raise :class:`NotFittedError` unless ``res`` holds a converged, finite estimate.

    Firth fits always qualify (the penalized estimate is finite even under separation).
    """
    if res.method == "firth" and res.converged:
        return
    if not res.converged:
        sep = res.separation
        why = sep.message if sep.status != "none" else res.fit_info.message
        raise NotFittedError(
            f"{what} needs a converged fit with finite coefficients; this {res.method} fit did "
            f"not converge ({why}). Refit with method='firth' or fix the model first"
        )
    if res.separation.status != "none":
        raise NotFittedError(
            f"{what} needs a finite maximum-likelihood estimate, which does not exist here: "
            f"{res.separation.message}"
        )


def prior_weights(res) -> np.ndarray | None:
    return res.model.weights
