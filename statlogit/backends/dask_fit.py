"""Newton on the driver; the block function mapped over Dask partitions, summed by a tree.

Each Newton iteration is one pass: every partition builds its rows of the design
(:func:`~statlogit.backends.dask_design.partition_design`) and returns the additive pieces of
:func:`statlogit.kernel.loglik_score_information` (log-likelihood, score, information) plus
its row count, event count, column extremes and rows with ``|logit| > 25``; a tree of
additions sums them (``split_every`` = 8) and the p x p Newton system is solved on the
driver by the one Newton driver, :func:`statlogit.solvers.newton.newton_maximize` (step,
step-halving, convergence on the Newton decrement ``<= tol`` at the coefficients returned,
with the information computed there). A pass either completes on every partition or raises: a
fit is never summed over part of the data.

Start: the fit on the first pass's random sample of complete rows (at least 50,000; see
:mod:`statlogit.backends.dask_design`), so a converged fit usually takes four passes.

Engine (:class:`Engine`): ``client=`` any ``dask.distributed`` Client (a remote scheduler
too); else ``processes=True`` starts a ``LocalCluster`` for each computation and closes it
after; else Dask's default scheduler (threads in this process, or the active Client).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from ..exceptions import DistributedError, StatlogitError
from ..solvers.base import Fit
from ..solvers.newton import SingularInformation, newton_maximize
from .dask_design import tree_reduce
from .dask_partition import partition_design

ETA_LIMIT = 25.0


class Engine:
    """Where Dask computations run: a given client, a LocalCluster per call, or the default."""

    def __init__(self, client=None, processes: bool = False, n_workers: int | None = None):
        self.client = client
        self.processes = bool(processes)
        self.n_workers = n_workers
        self._active = None

    @contextmanager
    def session(self):
        """Hold one scheduler for every computation inside (a LocalCluster starts once, closes after)."""
        if self._active is not None or self.client is not None or not self.processes:
            yield
            return
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0", host="127.0.0.1") as cluster, Client(cluster, set_as_default=False) as client:
            self._active = client
            try:
                yield
            finally:
                self._active = None

    @contextmanager
    def _scheduler(self):
        if self.client is not None:
            yield self.client
        elif self._active is not None:
            yield self._active
        elif self.processes:
            with self.session():
                yield self._active
        else:
            yield None

    def compute(self, obj, what: str):
        """``dask.compute(obj)``; any failure is raised whole, naming ``what`` was computed."""
        import dask

        with self._scheduler() as sched:
            try:
                (out,) = dask.compute(obj, scheduler=sched) if sched is not None else dask.compute(obj)
            except StatlogitError:
                raise
            except Exception as exc:
                raise DistributedError(
                    f"the Dask computation of {what} failed ({type(exc).__name__}: {exc}); no result was "
                    "formed from the partitions that did finish. Check the worker logs and the files, then refit"
                ) from exc
        return out


@dataclass(frozen=True)
class PassOptions:
    """What a pass computes beyond the log-likelihood and score."""

    need_hessian: bool = True
    fixed: tuple[int, float] | None = None  # (column, value): profile refits
    extra: tuple[tuple[int, float], ...] = ()  # (column, shift): Box-Tidwell x*ln(x) columns
    extremes: bool = True  # count rows with |logit| > 25 (a pass over X for eta)
    device: str = "cpu"
    facts: bool = False  # also each column's largest |value| (once per fit: a pass over X)


def augment(X: np.ndarray, extra) -> np.ndarray:
    """Append ``(x + c) ln(x + c)`` for each ``(column, c)`` in ``extra`` (Box-Tidwell)."""
    if not extra:
        return X
    cols = []
    for j, c in extra:
        x = X[:, j] + c
        cols.append(x * np.log(x))
    return np.concatenate([X, np.column_stack(cols)], axis=1)


_BUFFERS: dict[int, np.ndarray] = {}


def reused_buffer(n: int, p: int) -> np.ndarray:
    """A column-major (n, p) array from this thread's buffer: a partition's X is filled in
    memory already touched by the previous one (fresh pages cost about as much as the copy)."""
    import threading

    key = threading.get_ident()
    flat = _BUFFERS.get(key)
    if flat is None or flat.size < n * p:
        flat = _BUFFERS[key] = np.empty(n * p)
    return flat[: n * p].reshape((n, p), order="F")


def release_buffers() -> None:
    _BUFFERS.clear()


def partition_pieces(part, spec, label: str, beta: np.ndarray, opts: PassOptions) -> dict:
    """Additive pieces of one partition (see the module docstring)."""
    from ..kernel import loglik_score_information

    try:
        X, y = partition_design(part, spec, check=opts.facts, out=reused_buffer)  # X is done with in this task
        if opts.facts:  # max/min rather than abs(X).max: no temporary the size of the partition
            absmax = np.maximum(X.max(axis=0), -X.min(axis=0)) if len(y) else np.zeros(X.shape[1])
        else:
            absmax = np.zeros(X.shape[1])
        finite = bool(np.all(np.isfinite(absmax)))
        X = augment(X, opts.extra)
        offset = None
        if opts.fixed is not None:
            j, b = opts.fixed
            offset = b * X[:, j]
            X = np.delete(X, j, axis=1)
        if not finite:
            return {"finite": False, "label": label, "absmax": absmax}

        if opts.device == "cuda":
            from .cupy import loglik_score_information_gpu

            ll, g, H = loglik_score_information_gpu(X, y, beta, offset, opts.need_hessian)
        else:
            ll, g, H = loglik_score_information(X, y, beta, offset, None, opts.need_hessian)
        extreme = -1
        if opts.extremes:
            eta = X @ beta if offset is None else X @ beta + offset
            extreme = int(np.count_nonzero(np.abs(eta) > ETA_LIMIT))
        return {"finite": True, "ll": ll, "g": g, "H": H, "n": len(y), "events": float(y.sum()),
                "absmax": absmax, "extreme": extreme}
    except StatlogitError as exc:
        raise type(exc)(f"{label}: {exc}") from exc
    except Exception as exc:
        raise DistributedError(f"{label}: {type(exc).__name__}: {exc}") from exc


def add_pieces(parts: list[dict], counted: str = "events") -> dict:
    """Sum the partitions' pieces (``counted``: the response tally, ``events`` or per-level
    ``counts``); the first non-finite partition wins. ``extreme`` -1 means "not counted"."""
    out = dict(parts[0])
    for s in parts[1:]:
        if not s["finite"] or not out["finite"]:
            bad = s if not s["finite"] else out
            return {"finite": False, "label": bad["label"], "absmax": bad["absmax"]}
        out["ll"] += s["ll"]
        out["g"] = out["g"] + s["g"]
        out["H"] = None if out["H"] is None else out["H"] + s["H"]
        out["n"] += s["n"]
        out[counted] = out[counted] + s[counted]
        out["absmax"] = np.maximum(out["absmax"], s["absmax"])
        out["extreme"] = -1 if min(out["extreme"], s["extreme"]) < 0 else out["extreme"] + s["extreme"]
    return out


def one_pass(design, engine: Engine, beta: np.ndarray, opts, what: str = "a Newton pass",
             block=None, combine=None) -> dict:
    """Sum of ``block`` (default :func:`partition_pieces`) over every partition by ``combine``
    (default :func:`add_pieces`), all or nothing. A block returns a dict with ``finite``,
    ``label`` and ``absmax`` (each column's largest ``|value|``) besides its sums."""
    block = partition_pieces if block is None else block
    combine = add_pieces if combine is None else combine
    import dask

    from ..exceptions import DataError

    spec_d = dask.delayed(design.spec, pure=True)
    beta_d = dask.delayed(np.asarray(beta, dtype=float), pure=True)
    opts_d = dask.delayed(opts, pure=True)
    tasks = [dask.delayed(block, pure=True)(p, spec_d, design.labels[i], beta_d, opts_d)
             for i, p in enumerate(design.frame.to_delayed())]
    out = engine.compute(tree_reduce(tasks, combine), what)
    if not out["finite"]:
        bad = [design.column_names[j] for j in np.flatnonzero(~np.isfinite(out["absmax"]))
               if j < len(design.column_names)]
        raise DataError(f"{out['label']}: column(s) {', '.join(bad)} have infinite values; drop or fix those rows")
    return out


def newton_dask(passer, beta: np.ndarray, *, tol: float = 1e-8, max_iter: int = 100, notes=(),
                history: list | None = None) -> tuple[Fit, dict]:
    """Newton-Raphson with step-halving where ``passer(beta)`` gives one pass's sums.

    The one driver, :func:`statlogit.solvers.newton.newton_maximize`, over the summed pieces
    (no subsample phase: the start is already a sample fit, :func:`sample_start`). Returns the
    Fit and the last pass's sums (counts, extremes). ``history`` (filled as it goes) lets the
    passer see the decrements so far.
    """
    passes: dict[bytes, dict] = {}

    def pieces(b, need_hessian=True):
        out = passer(b)
        passes[np.asarray(b).tobytes()] = out
        return out["ll"], out["g"], out["H"]

    fit = newton_maximize(pieces, np.asarray(beta, dtype=float), tol=tol, max_iter=max_iter, history=history)
    if notes:
        fit = replace(fit, message=f"{fit.message}; " + "; ".join(notes))
    return fit, passes[np.asarray(fit.params).tobytes()]


def sample_start(design, extra=(), fixed=None) -> tuple[np.ndarray, str | None]:
    """Coefficients fitted on the first pass's sample (zeros with logit(ybar) if that fails)."""
    from ..solvers.newton import fit_newton

    X, y = partition_design(design.sample, design.spec)
    X = augment(X, extra)
    off = None
    if fixed is not None:
        off = fixed[1] * X[:, fixed[0]]
        X = np.delete(X, fixed[0], axis=1)
    p = X.shape[1]
    beta = np.zeros(p)
    icpt = design.intercept_index if fixed is None or design.intercept_index is None or fixed[0] > design.intercept_index \
        else (None if fixed[0] == design.intercept_index else design.intercept_index - 1)
    if len(y):
        ybar = y.mean()
        if icpt is not None and off is None and 0 < ybar < 1:
            beta[icpt] = np.log(ybar / (1 - ybar))
    if len(y) > 4 * p and 0 < y.mean() < 1 and np.isfinite(X).all():  # non-finite: the first pass names it
        try:
            sub = fit_newton(X, y, offset=off, start=beta, tol=1e-3, max_iter=25, intercept_index=icpt)
        except SingularInformation:
            sub = None
        if sub is not None and sub.converged and np.all(np.isfinite(sub.params)) and np.all(np.abs(sub.params) < 30):
            return sub.params, f"started from a fit on a random sample of {len(y)} complete rows"
    return beta, None
