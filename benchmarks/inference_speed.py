"""Inference after the fit against statsmodels (synthetic, n = 2e5, p = 10). Prints ratios; not a test.

* ``res.marginal_effects()`` (AMEs with delta-method SEs) vs statsmodels' ``get_margeff()``
  (target: at least as fast, ratio >= 1).
* ``res.with_cov("cluster", groups=...)`` vs statsmodels' extra cost of ``cov_type="cluster"``
  (its fit with clusters minus its plain fit; target ratio >= 1).
* HC1, type II LR/Wald term tests: absolute times.

Run: ``python benchmarks/inference_speed.py [--n 200000] [--p 10]`` (wrap in the bench lock on shared machines).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def best_of(f, repeat=3):
    out, best = None, np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--p", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    import statsmodels.api as sm

    import statlogit as sl

    rng = np.random.default_rng(0)
    n, p = a.n, a.p
    cols = [f"x{j}" for j in range(p)]
    df = pd.DataFrame(rng.normal(size=(n, p)), columns=cols)
    df["g"] = rng.integers(0, 500, n)
    eta = df[cols].to_numpy() @ rng.uniform(-0.5, 0.5, p)
    df["y"] = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    res = sl.logit("y ~ " + " + ".join(cols), df)
    exog = sm.add_constant(df[cols])
    smr = sm.Logit(df["y"], exog).fit(disp=0)
    print(f"n = {n:,}, p = {p}; best of {a.repeat}")

    t_me, me = best_of(lambda: res.marginal_effects(), a.repeat)
    t_sm_me, sme = best_of(lambda: smr.get_margeff(), a.repeat)
    diff = float(np.max(np.abs(me["effect"].to_numpy() / sme.margeff - 1)))
    ratio = t_sm_me / t_me
    print(f"AME: statlogit {t_me:.3f}s, statsmodels get_margeff {t_sm_me:.3f}s, ratio {ratio:.1f}x "
          f"({'met' if ratio >= 1 else 'NOT met'}: >= 1); max rel. difference {diff:.1e}")

    t_cl, _ = best_of(lambda: res.with_cov("cluster", groups="g").bse, a.repeat)
    t_fit, _ = best_of(lambda: sm.Logit(df["y"], exog).fit(disp=0), a.repeat)
    t_fit_cl, _ = best_of(lambda: sm.Logit(df["y"], exog).fit(disp=0, cov_type="cluster",
                                                                 cov_kwds={"groups": df["g"]}), a.repeat)
    extra = max(t_fit_cl - t_fit, 1e-9)
    ratio = extra / t_cl
    print(f"cluster SEs: statlogit {t_cl:.4f}s, statsmodels extra {extra:.4f}s, ratio {ratio:.1f}x "
          f"({'met' if ratio >= 1 else 'NOT met'}: >= 1; noisy, a difference of two fits)")
    t_hc, _ = best_of(lambda: res.with_cov("HC1").bse, a.repeat)
    t_lr, _ = best_of(lambda: res.anova(), 1)
    t_w, _ = best_of(lambda: res.anova(test="wald"), a.repeat)
    print(f"HC1 {t_hc:.4f}s; type II term tests: LR {t_lr:.3f}s ({p} refits), Wald {t_w:.4f}s")


if __name__ == "__main__":
    main()
