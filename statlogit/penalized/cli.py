"""``statlogit fit ... --penalty l1|l2|elasticnet --lam NUMBER|cv``: the penalized branch of the CLI."""

from __future__ import annotations

import sys


def lam_argument(text: str):
    """``--lam``: a number >= 0, or ``cv`` (10-fold CV, lambda_1se as cv.glmnet's default)."""
    if text.strip().lower() == "cv":
        return "cv"
    try:
        return float(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"{text!r} is not a number or 'cv'") from None


def penalized_fit(frame, args):
    """Fit the penalized model the command line asks for; prints how lambda was chosen."""
    import statlogit as sl

    from ..exceptions import OptionError

    l1_ratio = {"l1": 1.0, "l2": 0.0}.get(args.penalty, args.l1_ratio)
    if args.penalty in ("l1", "l2") and args.l1_ratio is not None:
        raise OptionError(f"--l1-ratio applies only to --penalty elasticnet (--penalty {args.penalty} is "
                          f"l1_ratio={int(l1_ratio)})")
    if args.penalty == "elasticnet" and l1_ratio is None:
        raise OptionError("--penalty elasticnet needs --l1-ratio (a number in [0, 1])")
    if args.lam is None:
        raise OptionError("--penalty needs --lam (a number >= 0, or 'cv' to choose it by 10-fold cross-validation)")
    event = args.event
    standardize = not args.no_standardize
    if args.lam == "cv":
        path = sl.logit_path(args.formula, frame, l1_ratio=l1_ratio, standardize=standardize, event=event)
        cv = path.cv(folds=10, seed=0)
        print(f"statlogit: lambda chosen by 10-fold cross-validation (deviance, seed 0): lambda_1se = "
              f"{cv.lambda_1se:.6g} (lambda_min = {cv.lambda_min:.6g})", file=sys.stderr)
        return path.fit_at(cv.lambda_1se)
    kw = {"penalty": args.penalty, "lam": args.lam, "standardize": standardize}
    if args.penalty == "elasticnet":
        kw["l1_ratio"] = l1_ratio
    return sl.logit(args.formula, frame, event=event, **kw)


def run_penalized_mlogit(args, frame, units: dict, cov: dict) -> int:
    """``--model mlogit --penalty ... --lam NUMBER``: glmnet's symmetric multinomial fit; prints
    the summary, writes ``--report``/``--json``. ``--lam cv``: 10-fold CV on glmnet's grid, lambda_1se
    (:mod:`statlogit.penalized.multinomial_path`)."""
    import statlogit as sl

    from ..cli import CommandError, _write
    from ..exceptions import OptionError

    if args.penalty is None:
        raise OptionError("--lam applies only with --penalty l1, l2 or elasticnet")
    if args.method != "newton" or args.wald or cov or args.anova:
        raise OptionError("--method, --wald, --cov, --cluster and --anova do not apply to a penalized fit "
                          "(--penalty): it has no standard errors or tests")
    if args.event is not None or args.reference is not None or args.levels:
        raise OptionError("--event, --reference and --levels do not apply to a penalized --model mlogit: it "
                          "estimates one coefficient vector per level (glmnet's layout), with no reference level")
    if units:
        raise CommandError("--units applies to the binary logit report (a penalized mlogit has no odds ratios "
                           "against a reference level)")
    l1_ratio = {"l1": 1.0, "l2": 0.0}.get(args.penalty, args.l1_ratio)
    if args.penalty in ("l1", "l2") and args.l1_ratio is not None:
        raise OptionError(f"--l1-ratio applies only to --penalty elasticnet (--penalty {args.penalty} is "
                          f"l1_ratio={int(l1_ratio)})")
    if args.penalty == "elasticnet" and l1_ratio is None:
        raise OptionError("--penalty elasticnet needs --l1-ratio (a number in [0, 1])")
    if args.lam is None:
        raise OptionError("--penalty needs --lam (a number > 0, or 'cv' to choose it by 10-fold cross-validation)")
    weights = None
    if args.weights:
        if args.weights not in frame.columns:
            raise CommandError(f"--weights {args.weights!r} is not a column of the data "
                               f"({', '.join(map(str, frame.columns[:12]))})")
        weights = frame[args.weights]
    if args.lam == "cv":
        from ..models.multinomial import MNLogit
        from .multinomial_path import fit_multi_path

        model = MNLogit.from_formula(args.formula, frame, weights=weights)
        path = fit_multi_path(model, l1_ratio=l1_ratio, standardize=not args.no_standardize)
        cv = path.cv(folds=10, seed=0)
        print(f"statlogit: lambda chosen by 10-fold cross-validation (multinomial deviance, seed 0): lambda_1se = "
              f"{cv.lambda_1se:.6g} (lambda_min = {cv.lambda_min:.6g})", file=sys.stderr)
        res = path.fit_at(cv.lambda_1se)
    else:
        kw = {"penalty": args.penalty, "lam": args.lam, "standardize": not args.no_standardize}
        if args.penalty == "elasticnet":
            kw["l1_ratio"] = l1_ratio
        res = sl.mlogit(args.formula, frame, weights=weights, **kw)
    print(res.summary())
    if args.report or args.json:
        report = res.report(plots=bool(args.report))
        for path in (args.report, args.json):
            if path:
                _write(report, path)
                print(f"wrote {path}", file=sys.stderr)
    return 0
