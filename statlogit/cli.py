"""The ``statlogit`` command (also ``python -m statlogit``).

::

    statlogit                                   # fit the bundled Pima model, print summary + assumptions
    statlogit fit DATA.csv "FORMULA" [--method newton|gd|sgd|firth] [--event LEVEL]
                  [--model logit|mlogit|ologit] [--reference LEVEL | --levels A,B,C] [--weights COL]
                  [--units NAME=K ...] [--alpha 0.05] [--threshold 0.5] [--wald]
                  [--report OUT.html|OUT.md|OUT.txt] [--json OUT.json]
                  [--cov HC0|HC1|HC2|HC3] [--cluster COLUMN] [--anova]
    statlogit demo [--out DIR]                  # write the Pima example reports to DIR

``fit`` prints the model summary and the assumption table; ``--report`` writes the full
report (format from the suffix) and ``--json`` every number of it (structure:
:mod:`statlogit.report.jsonschema`). Data: CSV (``.csv``, ``.txt``, ``.tsv``, compressed
too), Parquet (``.parquet``/``.pq``, needs pyarrow). Bad input gives one line on stderr
naming the problem and exit status 2; an unexpected internal error gives one line naming it,
with a request to report it, and exit status 1 (never a traceback). A progress bar is shown
for profile intervals when stderr is a terminal. ``--cov HC1`` gives robust standard errors and ``--cluster COLUMN``
cluster-robust ones (R sandwich's definitions); ``--anova`` prints the type II term tests.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

PIMA_FORMULA = "diabetes ~ glucose + mass + age"
EXIT_USAGE = 2
EXIT_INTERNAL = 1


class CommandError(Exception):
    """A problem with the command line or the input files (reported in one line)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="statlogit",
        description="Logistic regression as statistical inference. With no command: fit the bundled "
                    f"Pima model ({PIMA_FORMULA}) and print its summary and assumption checks.",
    )
    sub = p.add_subparsers(dest="command", metavar="{fit,demo}")
    f = sub.add_parser("fit", help="fit FORMULA on a CSV or Parquet file and print the summary",
                       description="Fit FORMULA on DATA and print the summary and the assumption table.")
    f.add_argument("data", help="CSV file (or .parquet with pyarrow installed)")
    f.add_argument("formula", help='patsy formula, e.g. "diabetes ~ glucose + mass + age"')
    f.add_argument("--method", default="newton", help="newton (default), gd, sgd or firth")
    f.add_argument("--event", help="response level to model as the event (coded 1)")
    f.add_argument("--model", default="logit", choices=("logit", "mlogit", "ologit"),
                   help="logit (binary, default), mlogit (multinomial) or ologit (ordinal, proportional odds)")
    f.add_argument("--reference", metavar="LEVEL", help="mlogit: the reference level (default: the first sorted)")
    f.add_argument("--levels", metavar="A,B,C", help="ologit: the response levels in order, lowest first")
    f.add_argument("--weights", metavar="COLUMN", help="column of frequency weights")
    f.add_argument("--units", action="append", default=[], metavar="NAME=K",
                   help="state the odds ratio of NAME per K units in the report (repeatable)")
    f.add_argument("--alpha", type=float, default=None, help="1 - confidence level (default 0.05)")
    f.add_argument("--threshold", type=float, default=None, help="cut-off of the confusion table (default 0.5)")
    f.add_argument("--wald", action="store_true", help="Wald intervals instead of profile likelihood")
    f.add_argument("--report", metavar="OUT", help="write the full report: OUT.html, OUT.md or OUT.txt")
    f.add_argument("--json", metavar="OUT.json", help="write every number of the report as JSON")
    f.add_argument("--sep", default=None, help="CSV field separator (default: guessed from the suffix)")
    f.add_argument("--cov", default=None, metavar="TYPE",
                   help="robust standard errors: HC0, HC1, HC2 or HC3 (default: model-based)")
    f.add_argument("--cluster", default=None, metavar="COLUMN",
                   help="cluster-robust standard errors with the clusters in COLUMN")
    f.add_argument("--anova", action="store_true",
                   help="print type II term tests (likelihood ratio; Wald with --cov/--cluster)")
    f.add_argument("--dask", action="store_true",
                   help="read DATA (a file, directory or glob of Parquet/CSV) in partitions with Dask, for data "
                        "larger than memory (implied by a glob such as 'claims/*.parquet'); reports have no plots")
    from .penalized.cli import lam_argument

    f.add_argument("--penalty", choices=("l1", "l2", "elasticnet"),
                   help="penalized fit with glmnet's objective (no p-values or CIs)")
    f.add_argument("--lam", type=lam_argument, help="penalty weight lambda, or 'cv' (10-fold CV, lambda_1se)")
    f.add_argument("--l1-ratio", type=float, help="elastic-net mixing in [0, 1] (with --penalty elasticnet)")
    f.add_argument("--no-standardize", action="store_true", help="penalize columns on their own scale")
    d = sub.add_parser("demo", help="write the bundled Pima example reports (HTML, Markdown, text, JSON)",
                       description=f"Fit {PIMA_FORMULA} on the bundled Pima data and write its reports.")
    d.add_argument("--out", default="reports", help="output directory (default: ./reports)")
    return p


def read_table(path: str | Path, sep: str | None = None):
    """Read a CSV or Parquet file into a DataFrame, raising :class:`CommandError` on failure."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise CommandError(f"data file {str(path)!r} does not exist")
    if path.is_dir():
        raise CommandError(f"data file {str(path)!r} is a directory, not a file")
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".parquet", ".pq"):
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise CommandError(f"reading {path.name!r} needs pyarrow: pip install 'statlogit[parquet]' "
                               "(or save the data as CSV)")
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises its own error types
            raise CommandError(f"cannot read Parquet file {str(path)!r}: {_first_line(exc)}") from exc
    if sep is None:
        sep = "\t" if ".tsv" in suffixes else ","
    try:
        frame = pd.read_csv(path, sep=sep)
    except UnicodeDecodeError as exc:
        raise CommandError(f"cannot read {str(path)!r} as text (is it a CSV file?): {_first_line(exc)}") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as exc:
        raise CommandError(f"cannot read CSV file {str(path)!r}: {_first_line(exc)}") from exc
    if frame.shape[1] < 2:
        raise CommandError(f"{str(path)!r} has {frame.shape[1]} column(s); a model needs a response and a "
                           "predictor (wrong separator? use --sep)")
    return frame


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _parse_units(items: list[str]) -> dict[str, float]:
    units = {}
    for item in items:
        name, eq, value = item.rpartition("=")
        try:
            units[name.strip()] = float(value)
        except ValueError:
            eq = ""
        if not eq or not name.strip():
            raise CommandError(f"--units {item!r} is not NAME=K (e.g. --units glucose=10)")
    return units


def _event_value(event: str | None):
    """``--event 1`` means the number 1 for a numeric response; other text stays text."""
    if event is None:
        return None
    for cast in (int, float):
        try:
            return cast(event)
        except ValueError:
            continue
    return event


def _fit(frame, formula: str, method: str, event: str | None, progress: bool, **cov):
    import statlogit as sl
    from statlogit.exceptions import ResponseError

    options = {"progress": progress} if method in ("gd", "sgd") else {}
    options.update(cov)
    value = _event_value(event)
    try:
        return sl.logit(formula, data=frame, method=method, event=value, **options)
    except ResponseError as first:
        if value is None or value == event:
            raise
        try:  # "--event 1" on a text response whose level is the string "1"
            return sl.logit(formula, data=frame, method=method, event=event, **options)
        except ResponseError:
            raise first from None


def _print_summary(res, ci_method: str, alpha: float, progress: bool) -> None:
    from .exceptions import NotFittedError

    if ci_method == "profile" and res.cov_type != "nonrobust":
        print(f"statlogit: note: Wald intervals shown (profile-likelihood intervals cannot use the "
              f"{res.cov_type} covariance)", file=sys.stderr)
        ci_method = "wald"
    if ci_method == "profile":
        status = str(getattr(res.separation, "status", "none"))
        try:
            if status != "none":
                raise NotFittedError(f"{status} separation: profile-likelihood limits do not exist")
            res.conf_int(alpha, "profile", progress=progress)  # fills the cache; the summary reuses it
        except NotFittedError as exc:
            print(f"statlogit: note: Wald intervals shown ({_first_line(exc)})", file=sys.stderr)
            ci_method = "wald"
    print(res.summary(alpha=alpha, ci_method=ci_method))
    print()
    print(res.check_assumptions())


def _write(report, path: str) -> None:
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise CommandError(f"cannot write {path!r}: directory {str(target.parent)!r} does not exist")
    try:
        report.save(target)
    except OSError as exc:
        raise CommandError(f"cannot write {path!r}: {exc.strerror or exc}") from exc


def run_fit(args, progress: bool) -> int:
    if args.report:
        suffix = Path(args.report).suffix.lower()
        if suffix not in (".html", ".htm", ".md", ".markdown", ".txt"):
            raise CommandError(f"--report {args.report!r}: use a name ending in .html, .md or .txt")
    if args.json and Path(args.json).suffix.lower() != ".json":
        raise CommandError(f"--json {args.json!r}: use a name ending in .json")
    units = _parse_units(args.units)
    given = [f"--{name} {getattr(args, name):g}" for name in ("alpha", "threshold") if getattr(args, name) is not None]
    args.alpha = 0.05 if args.alpha is None else args.alpha  # defaults filled here so that a given option is known
    args.threshold = 0.5 if args.threshold is None else args.threshold
    if not 0 < args.threshold < 1:
        raise CommandError(f"--threshold {args.threshold:g} must be between 0 and 1")
    if not 0 < args.alpha < 1:
        raise CommandError(f"--alpha {args.alpha:g} must be between 0 and 1 (0.05 for 95% intervals)")
    cov = _cov_options(args)
    dask = args.dask or any(ch in str(args.data) for ch in "*?[")
    if getattr(args, "penalty", None) or getattr(args, "lam", None) is not None:
        if args.model == "ologit" or dask:
            raise CommandError("--penalty applies to the binary logit and --model mlogit on in-memory data; penalized "
                               f"{'--model ' + args.model if args.model != 'logit' else '--dask'} fits are not implemented")
        if args.model == "mlogit":
            from .penalized.cli import run_penalized_mlogit

            if given:
                raise CommandError(f"{' and '.join(given)} {'does' if len(given) == 1 else 'do'} not apply to a "
                                   "penalized --model mlogit: it has no "
                                   "confidence intervals and no confusion table; drop them")

            return run_penalized_mlogit(args, read_table(args.data, args.sep), units, cov)
        if any(g.startswith("--alpha") for g in given):
            raise CommandError(f"{given[0]} does not apply to a penalized fit (--penalty): it has no confidence "
                               "intervals; drop it (res.bootstrap() gives percentile intervals in Python)")
        return _run_penalized(args, read_table(args.data, args.sep), units, cov)
    if args.model != "logit":
        from .cli_multiclass import run_multiclass

        if any(g.startswith("--threshold") for g in given):
            raise CommandError(f"--threshold {args.threshold:g} does not apply to --model {args.model}: its "
                               "classification table takes the most probable level; drop it")

        if cov:
            raise CommandError(f"--cov and --cluster apply to the binary logit, not --model {args.model}")
        if dask:
            raise CommandError(f"--dask (or a glob) applies to the binary logit, not --model {args.model}")
        return run_multiclass(args, read_table(args.data, args.sep), progress, units)
    if args.reference or args.levels:
        raise CommandError("--reference applies to --model mlogit, --levels to --model ologit")
    if args.weights and dask:
        raise CommandError("--weights is not supported with --dask (or a glob) yet; read the file without --dask")
    frame = str(args.data) if dask else read_table(args.data, args.sep)
    if args.weights:
        if args.weights not in frame.columns:
            raise CommandError(f"--weights {args.weights!r} is not a column of the data "
                               f"(columns: {', '.join(map(str, frame.columns))})")
        cov = {**cov, "weights": frame[args.weights]}
    res = _fit(frame, args.formula, args.method, args.event, progress, **cov)
    known = set(res.names) | {t.variable for t in res.design.terms if t.variable}
    unknown = [name for name in units if name not in known]
    if unknown:
        raise CommandError(f"--units names {', '.join(unknown)}, not a predictor of the model "
                           f"({', '.join(sorted(known - {'Intercept'}))})")
    ci_method = "wald" if args.wald else "profile"
    _print_summary(res, ci_method, args.alpha, progress)
    if args.anova:
        _print_anova(res)
    if args.report or args.json:
        report = res.report(units=units, alpha=args.alpha, ci_method=ci_method, threshold=args.threshold,
                            data=None if dask else frame, progress=progress, plots=bool(args.report) and not dask)
        for path in (args.report, args.json):
            if path:
                _write(report, path)
                print(f"wrote {path}", file=sys.stderr)
    return 0


def _cov_options(args) -> dict:
    if args.cluster is not None:
        if args.cov not in (None, "cluster"):
            raise CommandError(f"--cov {args.cov} and --cluster {args.cluster} conflict: --cluster gives "
                               "cluster-robust standard errors; drop --cov")
        return {"cov_type": "cluster", "groups": args.cluster}
    if args.cov is not None:
        if args.cov == "cluster":
            raise CommandError("--cov cluster needs the clusters: use --cluster COLUMN")
        return {"cov_type": args.cov}
    return {}


def _print_anova(res) -> None:
    from .report.content import p_text

    # LR tests need the unpenalized likelihood: a Firth fit gets Wald tests, as a robust covariance does
    test = "lr" if res.cov_type == "nonrobust" and res.method != "firth" else "wald"
    table = res.anova(type=2, test=test)
    how = "likelihood-ratio" if test == "lr" else f"Wald, {res.cov_label}"
    print()
    print(f"Term tests (type II, {how})")
    w = max(len(str(t)) for t in table.index)
    for term, row in table.iterrows():
        print(f"  {str(term):<{w}}  chi2 = {row['statistic']:10.4f}  df = {int(row['df'])}  {p_text(row['p'])}")


def _run_penalized(args, frame, units, cov) -> int:
    from .exceptions import OptionError
    from .penalized.cli import penalized_fit

    if args.penalty is None:
        raise OptionError("--lam applies only with --penalty l1, l2 or elasticnet")
    if args.method != "newton" or args.wald or cov or args.anova:
        raise OptionError("--method, --wald, --cov, --cluster and --anova do not apply to a penalized fit "
                          "(--penalty): it has no standard errors or tests")
    res = penalized_fit(frame, args)
    print(res.summary())
    if args.report or args.json:
        report = res.report(units=units, threshold=args.threshold, plots=bool(args.report))
        for path in (args.report, args.json):
            if path:
                _write(report, path)
                print(f"wrote {path}", file=sys.stderr)
    return 0


def write_demo(out: str | Path, progress: bool = False) -> list[Path]:
    """Fit the Pima model and write ``pima_report.{html,md,txt,json}`` (+ figures) to ``out``."""
    import statlogit as sl

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create directory {str(out)!r}: {exc.strerror or exc}") from exc
    data = sl.datasets.load_pima()
    res = sl.logit(PIMA_FORMULA, data=data)
    report = res.report(units={"glucose": 10}, data=data, progress=progress,
                        title="Pima diabetes: logistic regression of diabetes = pos")
    written = []
    for suffix in (".html", ".md", ".txt", ".json"):
        path = out / f"pima_report{suffix}"
        _write(report, str(path))
        written.append(path)
    return written


def run_default(progress: bool) -> int:
    import statlogit as sl

    res = sl.logit(PIMA_FORMULA, data=sl.datasets.load_pima())
    _print_summary(res, "profile", 0.05, progress)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser()
    args = parser.parse_args(argv)  # exits with status 2 and a usage line on a bad command line
    progress = sys.stderr.isatty()
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        return _dispatch(args, progress)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"statlogit: {category.__name__}: {message}", file=sys.stderr)


def _dispatch(args, progress: bool) -> int:
    from .exceptions import StatlogitError

    try:
        if args.command == "fit":
            return run_fit(args, progress)
        if args.command == "demo":
            for path in write_demo(args.out, progress):
                print(f"wrote {path}")
            return 0
        return run_default(progress)
    except (CommandError, StatlogitError) as exc:
        print(f"statlogit: error: {_first_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `statlogit fit ... | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("statlogit: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("statlogit: error: out of memory; use fewer rows or predictors", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a bug of ours: one line, never a traceback
        print(f"statlogit: internal error: {type(exc).__name__}: {_first_line(exc)}; please report it to the "
              "statlogit developers with the command and a sample of the data", file=sys.stderr)
        return EXIT_INTERNAL
