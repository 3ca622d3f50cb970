"""``device="cuda"``: the Newton passes on a GPU through CuPy, when CuPy and a GPU are present.

The block function here is the one of :mod:`statlogit.kernel` written against an array
namespace ``xp`` (numpy or cupy): per row block ``eta = X_b b (+ offset)``, the stable
log-likelihood ``sum w (y eta - softplus(eta))``, the score ``X_b' w (y - mu)`` and the
information ``X_b' diag(w mu (1 - mu)) X_b``, summed over blocks. With ``xp = numpy`` it
gives the CPU kernel's numbers (tested everywhere); with ``xp = cupy`` the same arithmetic
runs on the device and only ``p + p^2 + 1`` numbers come back per pass. Newton runs on the
host with the same rule as :mod:`statlogit.solvers.newton`. CuPy is never required: without
it (or without a GPU) ``device="cuda"`` is an :class:`~statlogit.exceptions.OptionError`.
"""

from __future__ import annotations

import numpy as np

from ..exceptions import OptionError

#: Rows per device block: 2^20 x 20 doubles is 168 MB, small beside a GPU's memory.
GPU_BLOCK_ROWS = 1 << 20


def gpu_available() -> bool:
    try:
        import cupy
    except ImportError:
        return False
    try:
        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def require_gpu() -> None:
    if not gpu_available():
        raise OptionError(
            "device='cuda' needs CuPy and a CUDA GPU (pip install cupy-cuda12x); none was found, so use "
            "device='cpu' (the default)"
        )


def block_pieces(xp, X_b, y_b, beta, off_b=None, wt_b=None, need_hessian: bool = True):
    """``(loglik, score, information)`` of one row block, on ``xp`` arrays (no overflow for any eta)."""
    eta = X_b @ beta
    if off_b is not None:
        eta = eta + off_b
    e = xp.exp(-xp.abs(eta))
    inv = 1.0 / (1.0 + e)
    mu = xp.where(eta >= 0, inv, e * inv)
    terms = y_b * eta - xp.maximum(eta, 0.0) - xp.log1p(e)
    # y * eta - max(eta, 0) is inf - inf only for |eta| near the double limit: branch form then.
    terms = xp.where(xp.isfinite(terms), terms, xp.where(y_b > 0, -(xp.maximum(-eta, 0.0) + xp.log1p(e)),
                                                        -(xp.maximum(eta, 0.0) + xp.log1p(e))))
    var = e * inv * inv
    resid = y_b - mu
    if wt_b is not None:
        terms, resid, var = terms * wt_b, resid * wt_b, var * wt_b
    ll = terms.sum()
    grad = X_b.T @ resid
    if not need_hessian:
        return ll, grad, None
    Xs = X_b * xp.sqrt(var)[:, None]
    return ll, grad, Xs.T @ Xs


def loglik_score_information_xp(xp, X, y, beta, offset=None, weights=None, need_hessian: bool = True,
                                block_rows: int = GPU_BLOCK_ROWS):
    """Sum of :func:`block_pieces` over row blocks; host numbers out (float, ndarray, ndarray)."""
    n, p = X.shape
    beta = xp.asarray(beta, dtype=xp.float64)
    ll = xp.zeros(())
    grad = xp.zeros(p)
    hess = xp.zeros((p, p)) if need_hessian else None
    for s in range(0, n, block_rows):
        sl = slice(s, min(s + block_rows, n))
        b_ll, b_g, b_h = block_pieces(xp, X[sl], y[sl], beta, None if offset is None else offset[sl],
                                      None if weights is None else weights[sl], need_hessian)
        ll, grad = ll + b_ll, grad + b_g
        if need_hessian:
            hess = hess + b_h
    host = (lambda a: a.get()) if hasattr(grad, "get") else np.asarray
    return float(ll), host(grad), None if hess is None else host(hess)


def loglik_score_information_gpu(X, y, beta, offset=None, need_hessian: bool = True, weights=None):
    """One pass on the GPU over host arrays (a Dask partition): copied in once, sums copied back."""
    import cupy as cp

    return loglik_score_information_xp(
        cp, cp.asarray(X), cp.asarray(y), beta, None if offset is None else cp.asarray(offset),
        None if weights is None else cp.asarray(weights), need_hessian,
    )


def fit_on_device(model, method: str, device: str, options: dict):
    """``Logit.fit(device="cuda")``: X copied to the GPU once; Newton passes there."""
    from ..config import make_options
    from ..model import _after_fit, rank_deficiency_error
    from ..results import LogitResults
    from ..solvers.newton import SingularInformation
    from .dask_fit import newton_dask

    if device != "cuda":
        raise OptionError(f"device={device!r} is not valid; choose 'cpu' or 'cuda'")
    if method != "newton":
        raise OptionError(f"device='cuda' runs Newton only; method={method!r} runs on the CPU (device='cpu')")
    require_gpu()
    import cupy as cp

    opts = make_options(method=method, **options)
    d = model.design
    from ..model import extreme_column_scale

    if extreme_column_scale(d) is not None:
        raise OptionError("columns with values beyond 1e+-50 are fitted on the CPU only; use device='cpu'")
    Xd, yd = cp.asarray(d.X), cp.asarray(d.y)
    off = None if model.offset is None else cp.asarray(model.offset)
    wt = None if model.weights is None else cp.asarray(model.weights)

    def passer(beta):
        ll, g, H = loglik_score_information_xp(cp, Xd, yd, beta, off, wt)
        return {"ll": ll, "g": g, "H": H}

    beta = np.zeros(d.X.shape[1])
    if d.intercept_index is not None and model.offset is None:
        ybar = float(np.average(d.y, weights=model.weights))
        if 0 < ybar < 1:
            beta[d.intercept_index] = np.log(ybar / (1 - ybar))
    try:
        fit, _ = newton_dask(passer, beta, tol=opts.tol_, max_iter=opts.max_iter_, notes=("passes on the GPU",))
    except SingularInformation as exc:
        raise rank_deficiency_error(d) from exc
    fit = _after_fit(model, fit, opts)
    res = LogitResults(model, fit, opts)
    res._check_cov()
    return res
