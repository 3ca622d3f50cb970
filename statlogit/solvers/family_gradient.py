"""Gradient descent and mini-batch SGD for every likelihood of the family (binary, multinomial,
ordinal): the one implementation behind ``method="gd"`` and ``method="sgd"``.

Both minimise the mean negative log-likelihood ``f(theta) = -l(theta) / W`` (W = sum of the
frequency weights) in *preconditioned* coordinates ``theta = theta0 + T gamma`` with
``T = L^-T``, ``L L' = I(theta0) / W``: the information at the start (the null model's
estimates, one pass over X) whitens the problem, so a unit step suits every data set and
scale. For the binary logit without offset ``I(theta0) = p0 (1 - p0) X'WX`` (p0 the mean
response), which whitens X as centring and decorrelating its columns would. A design that is
not of full column rank makes ``I(theta0)`` singular and is refused up front
(:func:`statlogit.solvers.rank.rank_deficient`), as by Newton.

* ``gd``: ``gamma <- gamma - lr grad f(gamma)``, with the step halved (and kept) whenever it
  fails to lower f or leaves the parameter space (crossing thresholds); stops when
  ``max |grad f(gamma)| <= tol``.
* ``sgd``: SVRG (Johnson & Zhang 2013): per epoch the full gradient ``mu`` at a snapshot, then
  one step per shuffled batch B, ``gamma <- gamma - lr_e [grad_B(gamma) - grad_B(snap) + mu]``,
  ``lr_e = lr0 / (1 + e / 50)``; the variance-reduced steps converge to the exact MLE.

Both end with one exact pass for the information, so standard errors are those of the
estimate returned. Reference: Nesterov (2004) sec. 2.1.5; Johnson R, Zhang T (2013) NeurIPS.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import LinAlgError, cho_solve, cholesky, solve_triangular

from .base import Fit
from .newton import SingularInformation
from .rank import rank_deficient


def _preconditioner(lik, theta0):
    ll, score, H = lik.pieces(theta0)
    W = lik.total_weight()
    # The information is positive definite at any point exactly when the design has full rank;
    # Cholesky alone would pass an exact dependence at rounding level and whiten with garbage.
    if not np.all(np.isfinite(H)) or rank_deficient(H):
        raise SingularInformation(H)
    try:
        L = cholesky(H / W, lower=True)
    except (LinAlgError, ValueError) as exc:
        raise SingularInformation(H) from exc
    return L, W


def _to_theta(theta0, L, gamma):
    return theta0 + solve_triangular(L, gamma, trans="T", lower=True)


def _grad_gamma(L, score, scale):
    # f = -l / W: grad_gamma = -T' score / W = -L^-1 score / W
    return -solve_triangular(L, score, lower=True) / scale


def _progress(total, on, desc):
    if not on:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, leave=False)


def _finish(lik, theta, converged, n_iter, history, method, message):
    ll, _, H = lik.pieces(theta)
    return Fit(params=theta, information=H, loglik=ll, converged=converged, n_iter=n_iter, history=history,
               method=method, message=message)


def fit_gd_likelihood(lik, *, learning_rate: float | None = None, max_iter: int = 100_000, tol: float = 1e-9,
                      progress: bool = False) -> Fit:
    """Full-batch preconditioned gradient descent with step halving (see module docstring)."""
    theta0 = lik.start()
    L, W = _preconditioner(lik, theta0)
    lr = 1.0 if learning_rate is None else float(learning_rate)
    gamma = np.zeros(lik.n_params)
    theta = theta0
    ll, score, _ = lik.pieces(theta, need_hessian=False)
    history: list[dict] = []
    converged = False
    message = f"stopped after max_iter={max_iter} iterations with max |gradient| above tol={tol:g}"
    bar = _progress(max_iter, progress, "gradient descent")
    it = 0
    try:
        for it in range(max_iter + 1):
            g = _grad_gamma(L, score, W)
            gnorm = float(np.max(np.abs(g)))
            history.append({"iteration": it, "loss": -ll / W, "loglik": ll, "grad_norm": gnorm, "step_size": lr})
            if gnorm <= tol:
                converged = True
                message = f"max |gradient| {gnorm:.2e} <= tol {tol:g}"
                break
            if it == max_iter:
                break
            for _ in range(60):
                trial_g = gamma - lr * g
                trial = _to_theta(theta0, L, trial_g)
                if lik.feasible(trial):
                    ll_t, score_t, _ = lik.pieces(trial, need_hessian=False)
                    if np.isfinite(ll_t) and ll_t >= ll - 1e-12 * (1.0 + abs(ll)):
                        break
                lr *= 0.5
            else:
                message = f"no step lowered the loss at iteration {it} (max |gradient| {gnorm:.2e})"
                converged = gnorm <= 1e-5
                break
            gamma, theta, ll, score = trial_g, trial, ll_t, score_t
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return _finish(lik, theta, converged, it, history, "gd", message)


def fit_sgd_likelihood(lik, *, learning_rate: float | None = None, batch_size: int = 64, epochs: int = 100,
                       tol: float = 1e-7, seed: int | None = 0, progress: bool = False) -> Fit:
    """Mini-batch SGD with variance reduction (SVRG) in preconditioned coordinates.

    The steps are taken on ``theta`` directly: with ``M = T T' = (I(theta0) / W)^-1`` the
    gamma step maps to ``theta <- theta + lr_e M [(s_B(theta) - s_B(snap)) / (W |B| / n) + s / W]``
    (``s_B`` the batch score, ``s`` the full score at the snapshot), one p x p product a batch.
    """
    theta0 = lik.start()
    L, W = _preconditioner(lik, theta0)
    M = cho_solve((L, True), np.eye(lik.n_params))
    n = lik.n_rows
    lr0 = 0.5 if learning_rate is None else float(learning_rate)
    rng = np.random.default_rng(seed)
    bs = min(batch_size, n)
    theta = theta0
    history: list[dict] = []
    converged = False
    message = ""
    gnorm = np.inf
    lr = lr0
    bar = _progress(epochs, progress, "SGD epochs")
    try:
        for epoch in range(epochs + 1):
            snap_theta = theta
            ll, score, _ = lik.pieces(snap_theta, need_hessian=False)
            gnorm = float(np.max(np.abs(_grad_gamma(L, score, W))))
            if epoch:
                history.append({"iteration": epoch, "epoch": epoch, "loss": -ll / W, "loglik": ll,
                                "grad_norm": gnorm, "step_size": lr})
            if not np.isfinite(ll) or not np.isfinite(gnorm):
                message = f"diverged in epoch {epoch}: learning_rate={lr0:g} is too large; try a smaller one"
                break
            if gnorm <= tol:
                converged = True
                message = f"max |gradient| {gnorm:.2e} <= tol {tol:g} after {epoch} epochs"
                break
            if epoch == epochs:
                break
            lr = lr0 / (1.0 + epoch / 50.0)
            full_step = M @ (score / W)
            order = rng.permutation(n)
            for start in range(0, n, bs):
                idx = np.sort(order[start:start + bs])
                if not lik.feasible(theta):
                    break
                batch = lik.rows(idx)
                diff = batch.pieces(theta, need_hessian=False)[1] - batch.pieces(snap_theta, need_hessian=False)[1]
                theta = theta + lr * (M @ (diff * (n / (W * len(idx)))) + full_step)
            if not lik.feasible(theta):
                theta = snap_theta  # the epoch left the parameter space: redo it with a smaller step
                lr0 *= 0.5
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if not message:
        message = f"{epochs} epochs; max |gradient| {gnorm:.2e} > tol {tol:g}"
    return _finish(lik, theta, converged, len(history), history, "sgd", message)
