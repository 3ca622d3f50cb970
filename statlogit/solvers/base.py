"""The record every solver returns, so inference never knows which solver ran."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Fit:
    """Outcome of one optimisation of the (possibly penalized) logistic likelihood.

    Attributes
    ----------
    params : coefficients on the columns of X (log-odds scale).
    information : observed information ``X' W X`` at ``params`` (for Firth: the
        information of the unpenalized likelihood at the penalized estimate).
    loglik : log-likelihood at ``params`` (unpenalized).
    converged : whether the solver's own convergence rule was met.
    n_iter : iterations (Newton steps, GD steps or SGD epochs) taken.
    history : one dict per iteration (``iteration``, ``loglik``, ``step_size``, ...).
    method : the solver's name.
    message : why it stopped, in words.
    penalized_loglik : the penalized log-likelihood (Firth), else None.
    """

    params: np.ndarray
    information: np.ndarray
    loglik: float
    converged: bool
    n_iter: int
    history: list[dict] = field(default_factory=list)
    method: str = "newton"
    message: str = ""
    penalized_loglik: float | None = None
    #: When set, the solver ran on ``X / column_scale`` (columns with values beyond
    #: 1e+-50): ``params`` are on X's scale, ``information`` is for the scaled columns,
    #: and the covariance of ``params`` is ``inv(information) / outer(scale, scale)``.
    column_scale: np.ndarray | None = None
    #: The exact separation check's finding when it ran at fit time (a
    #: :class:`~statlogit.diagnostics.separation.SeparationResult`), else None.
    separation: object | None = None
    #: Rows with ``|eta| > 25`` at ``params`` (fitted probability numerically 0 or 1),
    #: counted by the pass that computed ``information``; None when the solver did not count.
    n_extreme: int | None = None
