"""Outcome families beyond the binary logit: multinomial (softmax) and ordinal (cumulative logit).

Each family is a pure block function ``(X, y, theta) -> (loglik, score, information)`` plus its
parameter layout (see ``multinomial_kernel`` and ``ordinal_kernel``); the design, solvers, results,
report and CLI are shared with the binary model (DESIGN.md, "Model family").
"""
