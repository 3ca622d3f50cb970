"""How each model family maps formula terms to parameters and refits without them.

The term tests (:mod:`statlogit.inference.anova`) work on design columns and a flat parameter
vector; a *view* of the results says, for its family,

- ``flat(cols)``: the flat parameter indices of design columns ``cols``. Binary: the columns
  themselves. Multinomial (level-major ``theta``, ``p`` columns, ``K - 1`` equations):
  ``k p + j`` for every equation ``k`` -- a term's test covers its columns in every equation
  (df = columns x (K - 1)), as ``car::Anova`` for a ``multinom``. Ordinal (``[beta, zeta]``):
  the betas; thresholds are never tested (they replace the intercept, as ``car::Anova`` for
  ``polr``).
- ``refit_loglik(keep)``: the maximised log-likelihood on design columns ``keep`` through the
  family's own likelihood and solver (same rows, frequency weights and offset), so LR tests are
  ``2 (l - l_reduced)`` with refits, never a Wald approximation.
- ``n_params(keep)``: parameters of that reduced model (for drop1's AIC).
- ``intercept_flat``: the flat intercept indices for type III Wald (none for ordinal).
"""

from __future__ import annotations

import numpy as np

from ..exceptions import ConvergenceWarning, warn


class BinaryView:
    """The binary logit: one equation, parameters = design columns."""

    def __init__(self, res):
        self.res = res
        self.k_design = len(res.design.column_names)
        self._scratch: dict = {}  # column buffers reused by the refits (one per width)
        self._starts: dict = {}  # refit starts computed together (prepare_refits)

    def flat(self, cols: list[int]) -> list[int]:
        return list(cols)

    @property
    def intercept_flat(self) -> list[int]:
        j = self.res.design.intercept_index
        return [] if j is None else [j]

    def n_params(self, keep: list[int]) -> int:
        return len(keep)

    def refit_loglik(self, keep: list[int]) -> float:
        from .anova import _refit_loglik

        return _refit_loglik(self.res, keep, self._scratch, self._starts.get(tuple(keep)))

    def prepare_refits(self, keeps: list[list[int]]) -> None:
        """Take the score-only steps of all these refits together (one pass over X per step)."""
        from .refit_starts import refit_starts

        if self.res.fit_info.information is not None:
            self._starts.update(refit_starts(self.res, keeps))


class _FamilyView:
    """Shared by the multinomial and ordinal views: refits through ``Likelihood``."""

    def __init__(self, res):
        self.res = res
        self.k_design = len(res.design.column_names)

    def _likelihood(self, keep: list[int]):
        raise NotImplementedError

    def refit_loglik(self, keep: list[int]) -> float:
        from ..models.likelihood import fit_likelihood
        from ..solvers.newton import SingularInformation

        lik = self._likelihood(keep)
        if lik is None:
            return float(self.res.llnull)
        try:
            fit = fit_likelihood(lik, tol=self.res.options.tol_, max_iter=self.res.options.max_iter_)
        except SingularInformation:
            from ..exceptions import NotFittedError

            raise NotFittedError(f"the reduced {self.res.kind} model on {self._label(keep)} has a singular "
                                 "information matrix; its likelihood-ratio statistic cannot be computed") from None
        if not fit.converged:
            warn(f"the reduced {self.res.kind} model on {self._label(keep)} did not converge ({fit.message}); "
                 "its likelihood-ratio statistic may be wrong", ConvergenceWarning)
        return float(fit.loglik)

    def _label(self, keep: list[int]) -> str:
        names = self.res.design.column_names
        return ", ".join(names[j] for j in keep) if keep else "no predictors"


class MultinomialView(_FamilyView):
    """K - 1 equations over the same design columns (level-major ``theta``)."""

    def flat(self, cols: list[int]) -> list[int]:
        p, m = self.k_design, self.res.K - 1
        return [k * p + j for k in range(m) for j in cols]

    @property
    def intercept_flat(self) -> list[int]:
        j = self.res.design.intercept_index
        return [] if j is None else self.flat([j])

    def n_params(self, keep: list[int]) -> int:
        return len(keep) * (self.res.K - 1)

    def _likelihood(self, keep):
        from ..models.levels import level_label
        from ..models.multinomial import Multinomial

        d, model = self.res.design, self.res.model
        if not keep:
            return None  # the null model (no intercept: -n log K), llnull in closed form
        names = [f"{level_label(lv)}:{d.column_names[j]}" for lv in model.levels[1:] for j in keep]
        icpt = keep.index(d.intercept_index) if d.intercept_index in keep else None
        return Multinomial(d.X[:, keep], d.y, model.K, model.weights, names, icpt)


class OrdinalView(_FamilyView):
    """Betas (design columns) then the K - 1 thresholds, which every reduced model keeps."""

    def flat(self, cols: list[int]) -> list[int]:
        return list(cols)

    @property
    def intercept_flat(self) -> list[int]:
        return []

    def n_params(self, keep: list[int]) -> int:
        return len(keep) + self.res.K - 1

    def _likelihood(self, keep):
        from ..models.ordinal import Ordinal

        if not keep:
            return None  # thresholds only: the null model, llnull in closed form
        d, model = self.res.design, self.res.model
        names = [d.column_names[j] for j in keep] + model.threshold_names()
        return Ordinal(d.X[:, keep], d.y, model.K, model.weights, names)


def term_view(res):
    """The view of ``res``'s family (binary, multinomial or ordinal)."""
    kind = getattr(res, "kind", "")
    if kind == "multinomial":
        return MultinomialView(res)
    if kind == "ordinal":
        return OrdinalView(res)
    return BinaryView(res)


def span_matrix(res) -> np.ndarray:
    """The columns whose span is the model's linear-predictor space for nesting checks: the design
    (an ordinal model's thresholds act as an intercept, so a constant column is added)."""
    X = res.design.X
    if getattr(res, "kind", "") == "ordinal":
        return np.column_stack([np.ones(X.shape[0]), X])
    return X


def is_family(res) -> bool:
    """Whether ``res`` is a multinomial or ordinal results object (not the binary logit)."""
    return getattr(res, "kind", "") in ("multinomial", "ordinal")


def flat_params(res) -> np.ndarray:
    """The parameter vector in ``cov_params()`` order (mlogit: level-major ``level:term``)."""
    if is_family(res):
        return np.asarray(res.fit_info.params, dtype=float)
    return res.params.to_numpy()
