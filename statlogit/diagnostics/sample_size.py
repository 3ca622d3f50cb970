"""Events per variable (EPV): is the sample large enough for the number of predictors?

``EPV = min(events, non-events) / k`` with ``k`` the number of non-intercept design columns
(a factor with L levels counts L - 1). Rules of thumb:

* EPV >= 10 (Peduzzi P et al. (1996) J Clin Epidemiol 49:1373-1379): below it coefficients
  are biased and Wald intervals unreliable;
* EPV >= 20 for more stable estimates and less optimism (Vittinghoff E, McCulloch CE (2007)
  Am J Epidemiol 165:710-718 relax the 10 rule for inference; Riley RD et al. (2019/2020)
  Stat Med / BMJ recommend larger samples, often EPV 20+, for prediction models).

With prior weights, events and non-events are weighted counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLDS = {
    10: "Peduzzi et al. 1996 (J Clin Epidemiol 49:1373)",
    20: "Vittinghoff & McCulloch 2007 (Am J Epidemiol 165:710); Riley et al. 2020 (BMJ 368:m441)",
}


def events_per_variable(res) -> pd.Series:
    """events, non_events, n_predictors, epv, verdict ("adequate" / "borderline" / "low"),
    threshold_low (10) and its source, threshold_high (20) and its source."""
    d = res.design
    y = d.y
    w = res.model.weights
    events = float(y.sum() if w is None else w @ y)
    total = float(y.shape[0] if w is None else w.sum())
    non_events = total - events
    k = d.X.shape[1] - (0 if d.intercept_index is None else 1)
    limiting = min(events, non_events)
    epv = limiting / k if k else float("inf")
    if epv >= 20:
        verdict = "adequate"
    elif epv >= 10:
        verdict = "borderline"
    else:
        verdict = "low"

    def num(v):
        return int(v) if float(v).is_integer() else v

    return pd.Series({
        "events": num(events), "non_events": num(non_events), "n_predictors": k, "epv": epv,
        "verdict": verdict,
        "threshold_low": 10, "threshold_low_source": THRESHOLDS[10],
        "threshold_high": 20, "threshold_high_source": THRESHOLDS[20],
    }, dtype=object, name="events_per_variable")


def epv_advice(s: pd.Series) -> str:
    if s["verdict"] == "adequate":
        return f"EPV = {s['epv']:.1f} >= 20: enough events for {s['n_predictors']} predictor columns"
    need = int(np.ceil((10 if s["verdict"] == "low" else 20) * s["n_predictors"]))
    return (f"EPV = {s['epv']:.1f} ({min(s['events'], s['non_events']):g} of the rarer outcome for "
            f"{s['n_predictors']} predictor columns); aim for >= {need} of the rarer outcome, or drop/"
            "combine predictors, or use method='firth' (penalized) to reduce small-sample bias")
