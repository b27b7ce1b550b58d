import time
import numpy as np, numba
from forecast import _kernels
from test_when_throughput import _bare
variants = {
 "plain": numba.njit(parallel=True)(_bare),
 "nogil": numba.njit(parallel=True, nogil=True)(_bare),
 "errnp": numba.njit(parallel=True, error_model="numpy")(_bare),
 "both": numba.njit(parallel=True, nogil=True, error_model="numpy")(_bare),
 "kernel": _kernels.when_days,
}
def test_dbg(counts):
    out = []
    for name, f in variants.items():
        f(counts,50,2600,np.uint64(42),100)
    for name, f in list(variants.items()) + list(variants.items()):
        ts=[]
        for _ in range(30):
            t=time.perf_counter(); f(counts,50,2600,np.uint64(42),10000); ts.append(time.perf_counter()-t)
        out.append(f"{name}={np.median(ts)*1e3:.2f}")
    print("\nMED", " ".join(out))
