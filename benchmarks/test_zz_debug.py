import threading, time, sys, os
import numpy as np, numba
from forecast import _kernels
def test_dbg(counts):
    ts=[]
    for _ in range(30):
        t=time.perf_counter(); _kernels.when_days(counts,50,2600,np.uint64(42),10000); ts.append(time.perf_counter()-t)
    print("\nMED", np.median(ts)*1e3, numba.threading_layer(), numba.get_num_threads(), os.environ.get("NUMBA_THREADING_LAYER"))
    ts=[]
    for _ in range(30):
        t=time.perf_counter(); _kernels.when_days_serial(counts,50,2600,np.uint64(42),10000); ts.append(time.perf_counter()-t)
    print("SERIAL MED", np.median(ts)*1e3)
