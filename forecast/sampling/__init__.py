"""sampling: how a team's past is sampled (the methods), the exact engines and the numba kernels."""
