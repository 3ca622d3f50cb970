"""Structure of the report's JSON (``res.report().to_json()``, ``statlogit fit ... --json OUT.json``).

Every number the report shows, unrounded. Numbers that are not finite (an infinite odds
ratio under separation, a p-value that does not exist) are written as ``null``; a section
that could not be computed is ``null`` and its reason is in ``notes``.

.. code-block:: text

    statlogit_version   str
    alpha               float        1 - confidence level of every interval
    ci_method           "profile" | "wald"   (profile falls back to wald, with a note, when it cannot be computed)
    model               {formula, response, event, non_event, response_coding, n_obs, n_dropped,
                         n_events, method, converged, n_iter, message, events_per_variable,
                         separation: {status, predictors, message} | null,
                         cov_type, n_clusters}   covariance behind SEs, z, p and Wald intervals
    coefficients        [ {term, label, coef, se, z, p, ci_lower, ci_upper,   term: patsy's name; label: display
                           odds_ratio, or_ci_lower, or_ci_upper,              exp of the above (per 1 unit)
                           units, or_per_units, or_per_units_lower, or_per_units_upper} ]   per `units` increment
    sentences           [str]        one plain-language sentence per coefficient
    conditional_odds_ratios  [ {coefficient, moderator, at, per, odds_ratio, lower, upper, log_or, se} ] | null
                        odds ratios of terms in two-way interactions at the quartiles (or each level)
                        of the other variable, Wald CI (statlogit.inference.conditional); [] without one
    term_tests          {type: 2, test: "lr" | "wald", table: [ {term, statistic, df, p} ]} | null
                                     car::Anova type II (Wald with the robust covariance when one is used)
    marginal_effects    {kind: "average", table: [ {term, effect, se, z, p, lower, upper} ]} | null
    fit                 {loglik, loglik_null, deviance, null_deviance, df_resid, aic, bic,
                         lr_test: {stat, df, p}, pseudo_r2: {mcfadden, cox_snell, nagelkerke, tjur}}
    hosmer_lemeshow     {statistic, df, p, groups, table: [ {group, lower, upper, n, observed_events,
                         expected_events, observed_non_events, expected_non_events} ]} | null
    classification      {threshold, tn, fp, fn, tp, accuracy, precision, recall, specificity, f1,
                         auc, brier} | null
    assumptions         [ {assumption, check, statistic, threshold, verdict, advice} ] | null
    vif                 [ {term, gvif, df, gvif_adj, vif} ] | null
    box_tidwell         {table: [ {predictor, gamma, se, z, p, p_adj, lambda, power_meaningful} ],
                         lr_stat, lr_df, lr_p,                    power_meaningful: |z of beta| >= 1.96
                         skipped: {predictor: reason}} | null
    influence           {top: [ {row, hat, cooks, rstudent, dffits, covratio} ],   largest Cook's D first
                         thresholds: {rule: description}, n_flagged} | null
    notes               [str]        caveats: what was not computed and why, warnings raised

Example (Python)::

    import json
    d = json.load(open("pima_report.json"))
    {c["term"]: (c["odds_ratio"], c["or_ci_lower"], c["or_ci_upper"]) for c in d["coefficients"]}
"""

SCHEMA_KEYS = ("statlogit_version", "alpha", "ci_method", "model", "coefficients", "sentences",
               "conditional_odds_ratios", "term_tests", "marginal_effects", "fit",
               "hosmer_lemeshow", "classification", "assumptions", "vif", "box_tidwell", "influence", "notes")
