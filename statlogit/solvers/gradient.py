"""First-order solvers: full-batch gradient descent and mini-batch SGD.

Both minimise the mean log-loss ``f(b) = -(1/n) sum_i [y_i eta_i - log(1 + e^eta_i)]``
with the seeds' update ``b <- b - lr * X'(p - y) / n``, carried out in internally
*standardised* coordinates so that one learning rate suits every data set:
the non-constant columns are centred and whitened, ``Z = (X_s - mean) L^-T`` with
``L L' = cov(X_s)`` (Cholesky), so that ``Z'Z/n = I``. Then the log-loss Hessian in
those coordinates is bounded by ``I/4`` and the safe step is ``lr = 4``.
Coefficients map back linearly, ``b = A g``; gradients map by ``A'``. X is never copied.

Reference: Nesterov (2004), *Introductory Lectures on Convex Optimization*, sec. 2.1.5
(gradient descent on an L-smooth convex function converges for step <= 1/L).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cholesky, solve_triangular
from scipy.special import expit

from ..kernel import log_likelihood_terms, loglik_score_information
from .base import Fit
from .newton import SingularInformation


def standardising_map(X: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The matrix ``A`` with ``b = A g`` mapping whitened coefficients back to X's scale."""
    n, p = X.shape
    w = np.ones(n) if weights is None else weights
    sw = w.sum()
    mean = (w @ X) / sw
    gram = (X * w[:, None]).T @ X / sw if weights is not None else (X.T @ X) / n
    cov = gram - np.outer(mean, mean)
    var = np.diag(cov)
    const = np.flatnonzero(var <= 1e-14 * np.maximum(1.0, np.diag(gram)))
    icpt = next((j for j in const if mean[j] != 0), None)
    var_cols = np.setdiff1d(np.arange(p), const)
    if len(const) > 1 or (icpt is None and len(const) == 1):
        raise SingularInformation(gram)
    A = np.zeros((p, p))
    if len(var_cols):
        S = cov[np.ix_(var_cols, var_cols)] if icpt is not None else gram[np.ix_(var_cols, var_cols)]
        try:
            L = cholesky(S, lower=True)
        except LinAlgError as exc:
            raise SingularInformation(gram) from exc
        if np.min(np.diag(L)) ** 2 < 1e-12 * np.max(np.diag(S)):
            raise SingularInformation(gram)
        Linv_T = solve_triangular(L, np.eye(len(var_cols)), lower=True).T  # L^-T
        A[np.ix_(var_cols, var_cols)] = Linv_T
        if icpt is not None:
            A[icpt, var_cols] = -(mean[var_cols] @ Linv_T)
    if icpt is not None:
        A[icpt, icpt] = 1.0 / mean[icpt]
    return A


def _mean_loss_and_grad(X, y, beta, offset, weights, sw):
    eta = X @ beta
    if offset is not None:
        eta = eta + offset
    mu = expit(eta)
    r = mu - y
    ll = log_likelihood_terms(eta, y)
    if weights is not None:
        r = r * weights
        ll = ll * weights
    return -ll.sum() / sw, (X.T @ r) / sw


def _progress(total, enabled, desc):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)


def _finish(X, y, beta, offset, weights, converged, n_iter, history, method, message):
    ll, _, hess = loglik_score_information(X, y, beta, offset, weights)
    return Fit(beta, hess, ll, converged, n_iter, history, method, message)


def fit_gd(
    X: np.ndarray,
    y: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    learning_rate: float | None = None,
    max_iter: int = 100_000,
    tol: float = 1e-9,
    progress: bool = False,
) -> Fit:
    """Full-batch gradient descent; stops when ``max |grad|`` (standardised) <= ``tol``.

    ``learning_rate`` applies in the standardised coordinates; the default 4 = 1/L is the
    largest step the Lipschitz bound guarantees.
    """
    n, p = X.shape
    A = standardising_map(X, weights)
    lr = 4.0 if learning_rate is None else float(learning_rate)
    sw = n if weights is None else float(weights.sum())
    gamma = np.zeros(p)
    beta = A @ gamma
    history = []
    bar = _progress(max_iter, progress, "gradient descent")
    converged = False
    message = f"stopped after max_iter={max_iter} iterations with max |gradient| above tol={tol:g}"
    it = 0
    try:
        for it in range(max_iter + 1):
            loss, g_beta = _mean_loss_and_grad(X, y, beta, offset, weights, sw)
            g = A.T @ g_beta
            gnorm = float(np.max(np.abs(g)))
            history.append({"iteration": it, "loss": loss, "loglik": -loss * sw, "grad_norm": gnorm, "step_size": lr})
            if not np.isfinite(loss):
                message = f"diverged at iteration {it}: learning_rate={lr:g} is too large; try a smaller one"
                break
            if gnorm <= tol:
                converged = True
                message = f"max |gradient| {gnorm:.2e} <= tol {tol:g}"
                break
            if it == max_iter:
                break
            gamma = gamma - lr * g
            beta = A @ gamma
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return _finish(X, y, beta, offset, weights, converged, it, history, "gd", message)


def fit_sgd(
    X: np.ndarray,
    y: np.ndarray,
    *,
    offset: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    learning_rate: float | None = None,
    batch_size: int = 64,
    epochs: int = 100,
    tol: float = 1e-7,
    seed: int | None = 0,
    progress: bool = False,
) -> Fit:
    """Mini-batch stochastic gradient descent with variance reduction and a decaying step.

    Each epoch computes the full-data gradient ``mu`` at a snapshot ``g_s`` of the
    standardised coefficients, shuffles the rows (``seed``) and takes one step per batch B:

        g <- g - lr_e * [ grad_B(g) - grad_B(g_s) + mu ],   lr_e = lr0 / (1 + e / 50)

    (SVRG, Johnson & Zhang 2013, *NeurIPS*). The correction makes the batch gradient an
    unbiased estimate whose variance vanishes at the optimum, so unlike plain SGD the
    iterates converge to the exact maximum-likelihood estimate. ``lr0`` is
    ``learning_rate`` (default 1, in standardised coordinates). It stops early, as
    converged, when ``max |mu| <= tol``; ``history`` has the loss per epoch.
    """
    n, p = X.shape
    A = standardising_map(X, weights)
    lr0 = 1.0 if learning_rate is None else float(learning_rate)
    rng = np.random.default_rng(seed)
    sw = n if weights is None else float(weights.sum())
    gamma = np.zeros(p)
    history = []
    bar = _progress(epochs, progress, "SGD epochs")
    bs = min(batch_size, n)
    converged = False
    message = ""
    gnorm = np.inf
    lr = lr0

    def batch_residual(idx, beta):
        eta = X[idx] @ beta
        if offset is not None:
            eta = eta + offset[idx]
        r = expit(eta) - y[idx]
        return r if weights is None else r * weights[idx] * (n / sw)

    try:
        for epoch in range(epochs + 1):
            snap_beta = A @ gamma
            loss, g_beta = _mean_loss_and_grad(X, y, snap_beta, offset, weights, sw)
            mu = A.T @ g_beta
            gnorm = float(np.max(np.abs(mu)))
            if epoch:
                history.append({"iteration": epoch, "epoch": epoch, "loss": loss, "loglik": -loss * sw,
                                "grad_norm": gnorm, "step_size": lr})
            if not np.isfinite(loss) or not np.isfinite(gnorm):
                message = f"diverged in epoch {epoch}: learning_rate={lr0:g} is too large; try a smaller one"
                break
            if gnorm <= tol:
                converged = True
                message = f"max |gradient| {gnorm:.2e} <= tol {tol:g} after {epoch} epochs"
                break
            if epoch == epochs:
                break
            lr = lr0 / (1.0 + epoch / 50.0)
            order = rng.permutation(n)
            snap = gamma.copy()
            for start in range(0, n, bs):
                idx = order[start : start + bs]
                r = batch_residual(idx, A @ gamma) - batch_residual(idx, snap_beta)
                gamma = gamma - lr * ((A.T @ (X[idx].T @ r)) / len(idx) + mu)
            del snap
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if not message:
        message = f"{epochs} epochs; max |gradient| {gnorm:.2e} > tol {tol:g}"
    return _finish(X, y, A @ gamma, offset, weights, converged, len(history), history, "sgd", message)
