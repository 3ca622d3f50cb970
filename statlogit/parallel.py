"""Splitting a pass over X between threads, one per core (numpy and BLAS release the GIL).

A pass over X is a sum over row blocks (:mod:`statlogit.kernel`), so contiguous row ranges
can run in threads and their sums be added. BLAS calls on cache-sized blocks are too small
for BLAS's own threads: on a busy 2-core machine OpenBLAS's threads made a block's X'WX
10-20x slower than one thread. So while a pass runs, BLAS is held at one thread
(``threadpoolctl``) and the parallelism is ours. Without threadpoolctl installed, passes
run on one thread and BLAS keeps its setting. The split depends only on n and the number
of threads, so results are reproducible on a machine.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

#: Rows from which a pass is split between threads: four blocks, so the 50,000-row subsample
#: fit that starts a large-n fit is split too (a thread hand-off costs tens of microseconds).
PARALLEL_MIN_ROWS = 32_768
#: Most threads used (memory bandwidth, not cores, bounds a pass beyond this).
MAX_WORKERS = 4

_state: dict = {}


def default_workers() -> int:
    """Cores this process may use, at most :data:`MAX_WORKERS`; ``STATLOGIT_THREADS`` overrides."""
    env = os.environ.get("STATLOGIT_THREADS")
    if env and env.strip().isdigit():
        return max(1, int(env))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def _blas_controller():
    if "controller" not in _state:
        try:
            from threadpoolctl import ThreadpoolController

            _state["controller"] = ThreadpoolController()
        except Exception:  # not installed, or a BLAS it cannot inspect
            _state["controller"] = None
    return _state["controller"]


def row_ranges(n: int, block_rows: int, workers: int | None = None) -> list[tuple[int, int]]:
    """Contiguous row ranges, one per thread, each a whole number of blocks."""
    workers = default_workers() if workers is None else max(1, int(workers))
    if workers == 1 or n < PARALLEL_MIN_ROWS or _blas_controller() is None:
        return [(0, n)]
    blocks = -(-n // block_rows)
    per = -(-blocks // workers)
    return [(lo * block_rows, min((lo + per) * block_rows, n)) for lo in range(0, blocks, per)]


@contextmanager
def blas_single_thread(active: bool = True):
    """Hold BLAS at one thread inside the block (re-entrant; a no-op without threadpoolctl).

    A whole fit runs inside one hold: BLAS threads woken between passes would spin on the
    cores the pass threads need (on 2 cores that made a fit 2x slower).
    """
    controller = _blas_controller() if active and not _state.get("held") else None
    if controller is None:
        yield
        return
    _state["held"] = True
    try:
        with controller.limit(limits=1, user_api="blas"):
            yield
    finally:
        _state["held"] = False


def map_ranges(fn, ranges: list[tuple[int, int]], single_thread_blas: bool = True) -> list:
    """``fn(lo, hi)`` for each range, in threads, with BLAS on one thread meanwhile."""
    with blas_single_thread(single_thread_blas or len(ranges) > 1):
        if len(ranges) == 1:
            return [fn(*ranges[0])]
        pool = _state.get("pool")
        # A pool inherited through fork() has no threads in the child: make a new one there.
        if pool is None or pool._max_workers < len(ranges) or _state.get("pid") != os.getpid():
            pool = _state["pool"] = ThreadPoolExecutor(max_workers=len(ranges), thread_name_prefix="statlogit")
            _state["pid"] = os.getpid()
        futures = [pool.submit(fn, lo, hi) for lo, hi in ranges]
        return [f.result() for f in futures]
