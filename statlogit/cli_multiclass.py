"""``statlogit fit ... --model mlogit|ologit``: the multinomial and ordinal models on the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from .cli import CommandError, _first_line, _write


def _fit(args, frame, progress: bool):
    import statlogit as sl

    if args.event is not None:
        raise CommandError(f"--event applies to the binary logit; with --model {args.model} use "
                           + ("--reference LEVEL" if args.model == "mlogit" else "--levels A,B,C"))
    if args.model == "mlogit" and args.levels:
        raise CommandError("--levels applies to --model ologit; for mlogit choose the baseline with --reference")
    if args.model == "ologit" and args.reference:
        raise CommandError("--reference applies to --model mlogit; for ologit give the order with --levels A,B,C")
    weights = None
    if args.weights:
        if args.weights not in frame.columns:
            raise CommandError(f"--weights {args.weights!r} is not a column of the data "
                               f"({', '.join(map(str, frame.columns[:12]))})")
        weights = frame[args.weights]
    options = {"progress": progress} if args.method in ("gd", "sgd") else {}
    if args.model == "mlogit":
        return sl.mlogit(args.formula, frame, reference=args.reference, weights=weights, method=args.method,
                         **options)
    levels = None
    if args.levels:
        levels = [v.strip() for v in args.levels.split(",")]
        if len(levels) < 2 or any(not v for v in levels):
            raise CommandError(f"--levels {args.levels!r} is not a comma-separated list of at least two levels")
    return sl.ologit(args.formula, frame, levels=levels, weights=weights, method=args.method, **options)


def run_multiclass(args, frame, progress: bool, units: dict) -> int:
    from .exceptions import NotFittedError

    if units:
        raise CommandError("--units applies to the binary logit report")
    res = _fit(args, frame, progress)
    ci_method = "wald" if args.wald else "profile"
    if ci_method == "profile":
        try:
            res.conf_int(args.alpha, "profile", progress=progress)  # fills the cache the summary reuses
        except NotFittedError as exc:
            print(f"statlogit: note: Wald intervals shown ({_first_line(exc)})", file=sys.stderr)
            ci_method = "wald"
    print(res.summary(alpha=args.alpha, ci_method=ci_method))
    if getattr(args, "anova", False):
        from .cli import _print_anova

        _print_anova(res)
    if hasattr(res, "check_assumptions"):
        print()
        print(res.check_assumptions())
    if args.report or args.json:
        if not hasattr(res, "report"):
            raise CommandError(f"--report is not available for --model {args.model} yet")
        report = res.report(alpha=args.alpha, ci_method=ci_method, data=frame, progress=progress,
                            plots=bool(args.report))
        for path in (args.report, args.json):
            if path:
                _write(report, path)
                print(f"wrote {Path(path)}", file=sys.stderr)
    return 0
