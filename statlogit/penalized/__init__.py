"""Penalized logistic regression (ridge, lasso, elastic net) with glmnet's objective.

Modules: :mod:`.objective` (objective, standardization, KKT, lambda grid), :mod:`.solver`
(coordinate descent on the penalized IRLS quadratic with covariance updates), :mod:`.fit`
(from a model to a :class:`~.fit.PenalizedFit`), :mod:`.path` (regularization paths),
:mod:`.cv` (cross-validation as ``cv.glmnet``), :mod:`.results` (no Wald inference; bootstrap),
:mod:`.report` and :mod:`.plots`, :mod:`.cli`. Users reach them through
``sl.logit(..., penalty=...)``, ``sl.Logit(...).fit(penalty=...)``, ``sl.logit_path`` and
``sl.Logit(...).path``.
"""
