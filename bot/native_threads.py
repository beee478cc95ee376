"""One native (BLAS/OpenMP) thread per worker, set before numpy loads.

OpenBLAS starts one thread per core by default. Our workers already run in parallel, so BLAS's extra
threads only fight them (and every other process) for the same two cores: measured in #17, one BLAS
thread per worker nearly tripled sustained throughput. Environment variables only work before numpy is
imported, so `oars` calls this first thing; when numpy is already loaded (tests, benchmarks) threadpoolctl
changes the running library instead.
"""

from __future__ import annotations

import os
import sys

_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
              "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")


def limit_native_threads(threads: int = 1) -> None:
    """Cap BLAS/OpenMP thread pools at `threads` unless the operator already chose a value."""
    for name in _VARIABLES:
        os.environ.setdefault(name, str(threads))
    if "numpy" in sys.modules:  # too late for the environment: ask the loaded libraries directly
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - a declared dependency
            return
        threadpool_limits(limits=int(os.environ["OPENBLAS_NUM_THREADS"] or threads))
