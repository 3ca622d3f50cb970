"""Tests of formula terms and nested model comparison, as R's car::Anova, drop1 and anova.

- **Type II** (car's default, Fox 2016 sec. 8.2): each term is tested after every term that
  does not contain it (marginality): ``A`` in ``A + B + A:B`` is tested with ``A:B`` left out.
  LR: ``2 (l(model without the term's higher-order relatives) - l(that model also without
  the term))``. Wald: the hypothesis matrix is car's ``ConjComp`` construction, the part of
  the term's coefficients conjugate (in the covariance) to its relatives' coefficients.
- **Type III**: each term given all others. LR: drop the term's columns and refit; Wald:
  the term's coefficients = 0 (with an ``Intercept`` row, as car).
- **drop1**: R's ``drop1(fit, test = "Chisq")`` over the terms not contained in another term.
- **compare**: R's ``anova(m0, m1, ..., test = "Chisq")`` after checking that the models are
  nested (one family; same response, event or levels, rows and weights; each column space inside
  the next). Multinomial fits with different reference levels are accepted: the reference only
  reparametrises the model, so the likelihoods and the LR test do not depend on it.

The multinomial and ordinal models get the same tests through :mod:`statlogit.inference.term_view`:
a term's test covers its columns in every equation (mlogit: df = columns x (K - 1), as
``car::Anova`` for ``multinom``); ordinal thresholds are never tested; LR refits use the family's
own likelihood.

A term with ``k`` design columns is one test on ``k`` df (a 4-level factor: 3 df). LR tests
refit by Newton on the same rows, weights and offset; Wald tests use the results' covariance
(``cov_type``, so they are robust when the fit is).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ConvergenceWarning, OptionError, warn

_TYPES = (2, 3)
_TESTS = ("lr", "wald")


def model_terms(design) -> list[tuple[str, list[int], frozenset]]:
    """``(name, columns, factors)`` per non-intercept formula term (arrays: one per column)."""
    out = []
    info = design.design_info
    if info is None:
        for j, name in enumerate(design.column_names):
            if j != design.intercept_index:
                out.append((name, [j], frozenset([name])))
        return out
    factors = {term.name(): frozenset(term.factors) for term in info.term_slices if term.factors}
    for t in design.terms:  # columns as the design holds them (an ordinal design has no intercept column)
        if t.kind != "intercept":
            out.append((t.name, list(t.columns), factors[t.name]))
    return out  # the design keeps R's term order (main effects as written, then interactions)


def _relatives(i: int, terms) -> list[int]:
    """Terms that contain every factor of term ``i`` (car's ``relatives``)."""
    fi = terms[i][2]
    return [j for j, t in enumerate(terms) if j != i and fi <= t[2]]


def _refit_loglik(res, keep: list[int], scratch: dict | None = None, start: np.ndarray | None = None) -> float:
    """Log-likelihood of the model on the columns ``keep`` (same rows, weights, offset).

    Newton starts from the full fit's coefficients moved to the constrained maximum of the
    full log-likelihood's quadratic approximation (:func:`_warm_start`), so a refit takes two
    or three passes instead of a cold start's subsample fit and five or six. The columns are
    taken from the caller's predictors when the design has not built ``[1, X]`` (the intercept
    stays implicit), into a buffer reused between refits of the same width (``scratch``).
    A given ``start`` (from :func:`statlogit.inference.refit_starts.refit_starts`, its score
    steps already taken together with the other refits') replaces the warm start and its steps.
    """
    from ..kernel import log_likelihood
    from ..parallel import blas_single_thread
    from ..solvers.newton import fit_newton

    d = res.design
    m = res.model
    off = m.offset if m.offset is not None else np.zeros(d.nobs)
    if not keep:
        return float(log_likelihood(np.zeros((d.nobs, 0)), d.y, np.zeros(0), off, m.weights))
    scale = res.fit_info.column_scale
    icpt = keep.index(d.intercept_index) if d.intercept_index in keep else None
    implicit = bool(d.implicit_intercept and icpt == 0 and d.intercept_index == 0 and scale is None)
    if implicit:  # X = [1, predictors]: read the predictors, never build X
        src, cols = d.predictors, [j - 1 for j in keep[1:]]
    else:
        src, cols = d.X, keep
    X = _take_columns(src, cols, scratch)
    if scale is not None:
        X /= scale[keep]
    with blas_single_thread(d.nobs >= 4 * 8192):
        if start is None:
            start = _warm_start(res, keep)
            if start is not None:
                start = _score_steps(X, d.y, m.offset, m.weights, start, res, keep, implicit)
        fit = fit_newton(X, d.y, offset=m.offset, weights=m.weights, intercept_index=icpt,
                         start=start, implicit_intercept=implicit)
    if not fit.converged:
        names = [d.column_names[j] for j in keep]
        warn(f"the reduced model on {', '.join(names)} did not converge ({fit.message}); its likelihood-ratio "
             "statistic may be wrong", ConvergenceWarning)
    return float(fit.loglik)


def _take_columns(src: np.ndarray, cols: list[int], scratch: dict | None) -> np.ndarray:
    """``src[:, cols]`` as a new C-ordered array, in a buffer reused across calls when given;
    copied as runs of adjacent columns, row ranges in threads."""
    if scratch is None:
        return src[:, cols]
    from ..parallel import map_ranges, row_ranges

    shape = (src.shape[0], len(cols))
    buf = scratch.get(shape)
    if buf is None:
        buf = scratch[shape] = np.empty(shape)
    runs = []  # (first source column, first buffer column, width)
    for i, c in enumerate(cols):
        if runs and c == runs[-1][0] + runs[-1][2] and i == runs[-1][1] + runs[-1][2]:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((c, i, 1))

    def copy(lo: int, hi: int) -> None:
        for c, i, w in runs:
            buf[lo:hi, i:i + w] = src[lo:hi, c:c + w]

    map_ranges(copy, row_ranges(shape[0], 8192))
    return buf


def _score_steps(X, y, offset, weights, beta, res, keep, implicit, max_steps: int = 4) -> np.ndarray:
    """Steps ``b + H_KK^-1 g(b)`` with the full fit's information ``H_KK`` (score-only passes,
    a fraction of an exact Newton pass's cost) while they raise the log-likelihood and their
    decrement exceeds 1e-10; exact Newton then only confirms convergence (usually one pass).
    The fixed information changes the path, not the maximum that Newton's ``tol`` certifies."""
    from scipy.linalg import cho_factor, cho_solve

    from ..kernel import logit_pass

    try:
        chol = cho_factor(np.asarray(res.fit_info.information, dtype=float)[np.ix_(keep, keep)])
    except np.linalg.LinAlgError:
        return beta
    ll_prev, prev = -np.inf, beta
    for _ in range(max_steps):
        out = logit_pass(X, y, beta, offset, weights, need_hessian=False, implicit_intercept=implicit)
        if not (np.isfinite(out.loglik) and out.loglik >= ll_prev):
            return prev
        d = cho_solve(chol, out.score)
        if not np.all(np.isfinite(d)):
            return beta
        decrement = float(np.sqrt(max(out.score @ d, 0.0)))
        if decrement <= 1e-10:
            return beta
        ll_prev, prev = out.loglik, beta
        beta = beta + d
    return beta


def _warm_start(res, keep: list[int]) -> np.ndarray | None:
    """Start for the refit on ``keep`` (the solver's scaled columns): the maximum of the full
    fit's quadratic approximation with the dropped coefficients at 0,
    ``b_K + H_KK^-1 H_KD b_D`` (H the observed information at the full fit). None (a cold
    start) when the information is not usable (e.g. separation)."""
    fi = res.fit_info
    b = np.asarray(fi.params, dtype=float) * (1.0 if fi.column_scale is None else fi.column_scale)
    H = np.asarray(fi.information, dtype=float)
    drop = [j for j in range(b.shape[0]) if j not in keep]
    if not (np.all(np.isfinite(b)) and np.all(np.isfinite(H))):
        return None
    try:
        start = b[keep] + np.linalg.solve(H[np.ix_(keep, keep)], H[np.ix_(keep, drop)] @ b[drop])
    except np.linalg.LinAlgError:
        return None
    return start if np.all(np.isfinite(start)) else None


def _lr_keeps(terms, k: int, type: int) -> list[list[int]]:  # noqa: A002
    """The column sets :func:`anova`'s likelihood-ratio tests refit, in the order it refits them."""
    keeps = []
    for i, (_, cols, _) in enumerate(terms):
        if type == 3:
            keeps.append([j for j in range(k) if j not in cols])
            continue
        rel_cols = [j for r in _relatives(i, terms) for j in terms[r][1]]
        keep2 = [j for j in range(k) if j not in rel_cols]
        if rel_cols:
            keeps.append(keep2)
        keeps.append([j for j in keep2 if j not in cols])
    return keeps


def _chi2_p(stat: float, df: int) -> float:
    from scipy.special import chdtrc

    return float(chdtrc(df, max(stat, 0.0)))


def _wald(b, V, L) -> float:
    d = L @ b
    return float(d @ np.linalg.solve(L @ V @ L.T, d))


def _conj_comp(X: np.ndarray, Z: np.ndarray, ip: np.ndarray) -> np.ndarray:
    """car's ``ConjComp`` (G. Monette): the part of span(Z) conjugate to X w.r.t. ``ip``."""
    from scipy.linalg import qr

    M = Z.T @ ip @ X
    Q, R, _ = qr(M, pivoting=True)
    tol = max(M.shape) * np.finfo(float).eps * (abs(R[0, 0]) if R.size else 0.0)
    rank = int(np.sum(np.abs(np.diag(R)) > tol)) if R.size else 0
    if rank == 0:
        return Z
    return Z @ Q[:, rank:]


def anova(res, type: int = 2, test: str = "lr") -> pd.DataFrame:  # noqa: A002
    """Term tests; a DataFrame indexed by term with ``statistic``, ``df``, ``p``."""
    if type in ("II", "2"):
        type = 2  # noqa: A001
    if type in ("III", "3"):
        type = 3  # noqa: A001
    if type not in _TYPES:
        raise OptionError(f"type={type!r} is not valid; choose 2 (marginality respected, car's default) or 3")
    test = test.lower() if isinstance(test, str) else test
    if test not in _TESTS:
        raise OptionError(f"test={test!r} is not valid; choose 'lr' (likelihood ratio) or 'wald'")
    from .term_view import flat_params, term_view

    terms = model_terms(res.design)
    if not terms:
        raise OptionError("the model has no terms besides the intercept; there is nothing to test")
    view = term_view(res)
    b = flat_params(res)
    k = view.k_design
    if test == "lr":
        if getattr(res, "method", "") == "firth":
            raise OptionError("likelihood-ratio term tests need the unpenalized maximum likelihood; for a Firth fit "
                              "use test='wald' (or refit with method='newton')")
        res._require_mle("likelihood-ratio tests")
    else:
        V = res.cov_params().to_numpy()
        eye = np.eye(len(b))
        if not np.all(np.isfinite(V)):
            from ..exceptions import NotFittedError

            raise NotFittedError("the coefficient covariance is not finite (separation?); use test='lr'")
    rows = []
    if test == "lr" and hasattr(view, "prepare_refits"):
        view.prepare_refits(_lr_keeps(terms, k, type))
    if type == 3 and test == "wald" and view.intercept_flat:
        rows.append(("Intercept", _wald(b, V, eye[view.intercept_flat]), len(view.intercept_flat)))
    for i, (name, cols, _) in enumerate(terms):
        df = len(view.flat(cols))
        if type == 3:
            if test == "wald":
                stat = _wald(b, V, eye[view.flat(cols)])
            else:
                keep = [j for j in range(k) if j not in cols]
                stat = 2.0 * (res.llf - view.refit_loglik(keep))
            rows.append((name, stat, df))
            continue
        rel_cols = [j for r in _relatives(i, terms) for j in terms[r][1]]
        if test == "lr":
            keep2 = [j for j in range(k) if j not in rel_cols]
            keep1 = [j for j in keep2 if j not in cols]
            l2 = res.llf if not rel_cols else view.refit_loglik(keep2)
            stat = 2.0 * (l2 - view.refit_loglik(keep1))
            rows.append((name, stat, df))
        else:
            rel = view.flat(rel_cols)
            H2 = eye[rel + view.flat(cols)]
            L = H2 if not rel else _conj_comp(eye[rel].T, H2.T, V).T
            L = L[~np.all(L == 0, axis=1)]
            rows.append((name, _wald(b, V, L), L.shape[0]))
    out = pd.DataFrame(rows, columns=["term", "statistic", "df"]).set_index("term")
    out["df"] = out["df"].astype(int)
    out["p"] = [_chi2_p(s, d) for s, d in zip(out["statistic"], out["df"])]
    out.index.name = None
    out.attrs.update(type=type, test=test,
                     cov_type=getattr(res, "cov_type", "nonrobust") if test == "wald" else "nonrobust")
    return out


def drop1(res) -> pd.DataFrame:
    """R's ``drop1(fit, test = "Chisq")``: ``df, deviance, aic, lrt, p``; row ``<none>`` first."""
    from .term_view import term_view

    res._require_mle("likelihood-ratio tests")
    terms = model_terms(res.design)
    view = term_view(res)
    k = view.k_design
    scope = [i for i, t in enumerate(terms) if not any(t[2] < u[2] for u in (x for x in terms))]
    rows = [("<none>", np.nan, res.deviance, res.aic, np.nan, np.nan)]
    for i in scope:
        name, cols, _ = terms[i]
        keep = [j for j in range(k) if j not in cols]
        dev = -2.0 * view.refit_loglik(keep)
        lrt = max(dev - res.deviance, 0.0)
        df = len(view.flat(cols))
        rows.append((name, df, dev, dev + 2.0 * view.n_params(keep), lrt, _chi2_p(lrt, df)))
    out = pd.DataFrame(rows, columns=["term", "df", "deviance", "aic", "lrt", "p"]).set_index("term")
    out.index.name = None
    return out


# --------------------------------------------------------------------------- compare


def _label(i: int) -> str:
    return f"model {i + 1}"


def _family(m) -> str:
    return getattr(m, "kind", "") or "binary logit"


def _df_resid(m) -> float:
    """Residual df as R's ``anova``: the binary logit's ``n - k``; multinomial ``n (K - 1) - k``
    with n the rows (nnet's ``anova.multinom``); ordinal the sum of the frequency weights minus
    the parameters (MASS ``polr``'s ``df.residual``)."""
    if hasattr(m, "df_resid"):
        return m.df_resid
    if _family(m) == "multinomial":
        return m.nobs * (m.K - 1) - m.k_params
    return m._weight_total - m.k_params


def _same_rows(a, b) -> str | None:
    """Why two results were not fitted to the same rows and response, or None."""
    da, db = a.design, b.design
    if da.response_name != db.response_name:
        return f"different responses ({da.response_name!r} and {db.response_name!r})"
    ya, yb = da.y, db.y
    same_set = len(da.levels or ()) == len(db.levels or ()) and set(da.levels or ()) == set(db.levels or ())
    if _family(a) == "multinomial" and da.levels != db.levels and same_set:
        # another reference level only reparametrises a multinomial model: the likelihood, hence
        # the LR test, AIC and BIC, are the same; compare the responses as labels
        ya = np.asarray(da.levels, dtype=object)[np.asarray(da.y, dtype=np.int64)]
        yb = np.asarray(db.levels, dtype=object)[np.asarray(db.y, dtype=np.int64)]
    elif da.levels != db.levels:
        return (f"different response levels or level order ({', '.join(map(str, da.levels or ()))} and "
                f"{', '.join(map(str, db.levels or ()))}; the same reference / levels= for both)")
    if da.event != db.event:
        return f"different events ({da.response_name} = {da.event!r} and {db.response_name} = {db.event!r})"
    if da.nobs != db.nobs:
        return f"different numbers of rows ({da.nobs} and {db.nobs}; missing values in other variables?)"
    if not (da.row_labels.equals(db.row_labels) and np.array_equal(ya, yb)):
        return "different rows (the same count, but other rows or other response values)"
    wa, wb = a.model.weights, b.model.weights
    if (wa is None) != (wb is None) or (wa is not None and not np.array_equal(wa, wb)):
        return "different weights"
    oa, ob = a.model.offset, b.model.offset
    if (oa is None) != (ob is None) or (oa is not None and not np.array_equal(oa, ob)):
        return "different offsets"
    return None


def _inside(small, big) -> bool:
    """Whether the column space of ``small``'s design lies inside ``big``'s."""
    from .term_view import span_matrix

    Xs, Xb = span_matrix(small), span_matrix(big)
    Q, _ = np.linalg.qr(Xb / np.maximum(np.abs(Xb).max(axis=0), 1e-300))
    S = Xs / np.maximum(np.abs(Xs).max(axis=0), 1e-300)
    resid = S - Q @ (Q.T @ S)
    return bool(np.all(np.linalg.norm(resid, axis=0) <= 1e-8 * np.maximum(np.linalg.norm(S, axis=0), 1.0)))


def compare(*models) -> pd.DataFrame:
    """Nested likelihood-ratio tests in R ``anova(m0, m1, ..., test = "Chisq")``'s layout.

    Columns ``df_resid, deviance, df, stat, p, aic, bic``, one row per model in the order
    given (``df``, ``stat``, ``p`` compare each model with the one before it). Models of the
    same response on the same rows that are not nested get ``aic`` and ``bic`` only, with a
    note in ``.attrs["note"]``.
    """
    if len(models) == 1 and isinstance(models[0], (list, tuple)):
        models = tuple(models[0])
    if len(models) < 2:
        raise OptionError("compare() needs at least two fitted models")
    for i, m in enumerate(models):
        if not hasattr(m, "design") or not hasattr(m, "llf"):
            raise OptionError(f"{_label(i)} is a {type(m).__name__}, not a fitted statlogit model")
        m._require_mle("likelihood-ratio tests")
    kinds = [_family(m) for m in models]
    if len(set(kinds)) > 1:
        raise OptionError(
            f"compare() needs models of one family; got {' and '.join(dict.fromkeys(kinds))} models. Their "
            "likelihoods are not nested in one another; compare such models by AIC on the same rows yourself"
        )
    for i in range(1, len(models)):
        why = _same_rows(models[0], models[i])
        if why:
            if why.startswith(("different weights", "different offsets")):
                fix = "Fit both with the same weights= and offset="
            elif why.startswith("different rows") or why.startswith("different numbers of rows"):
                fix = ("Fit both to the same rows (drop the rows with missing values in either model's "
                       "variables first)")
            else:
                fix = "Fit both to the same response, with the same event (or levels and reference)"
            raise OptionError(f"model 1 and {_label(i)} cannot be compared: {why}. {fix}")
    nested = True
    for i in range(1, len(models)):
        a, b = models[i - 1], models[i]
        small, big = (a, b) if a.k_params <= b.k_params else (b, a)
        if not _inside(small, big):
            nested = False
        elif small.k_params == big.k_params:
            raise OptionError(
                f"{_label(i - 1)} and {_label(i)} span the same columns (the same model); there is nothing to test"
            )
    table = pd.DataFrame(
        {
            "df_resid": [_df_resid(m) for m in models],
            "deviance": [m.deviance for m in models],
        },
        index=[f"{_label(i)}: {m.formula or ', '.join(m.names)}" for i, m in enumerate(models)],
    )
    if nested:
        df = -np.diff(table["df_resid"].to_numpy()).astype(float)
        dev = -np.diff(table["deviance"].to_numpy())
        stat = dev * np.sign(df)
        table["df"] = np.r_[np.nan, df]
        table["stat"] = np.r_[np.nan, dev]
        table["p"] = np.r_[np.nan, [_chi2_p(s, abs(int(d))) for s, d in zip(stat, df)]]
    table["aic"] = [m.aic for m in models]
    table["bic"] = [m.bic for m in models]
    if not nested:
        table.attrs["note"] = (
            "the models are not nested (no column space lies inside the other's), so no likelihood-ratio test "
            "applies; compare them by AIC and BIC (smaller is better)"
        )
    return table
