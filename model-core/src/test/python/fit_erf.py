#!/usr/bin/env python3
"""Fits FastMath's erf: erf(z) ~ z * P(z^2) / Q(z^2) on z in [0, 4], Q(0) = 1.

Not part of the build (needs numpy); run it to check or refit the coefficients in FastMath.java:
    python3 model-core/src/test/python/fit_erf.py
Linearized least squares (Loeb's iteration: each round divides by the previous Q) on 4000
Chebyshev nodes of w = z^2 in [0, 16], the error weighted by z so that it is erf's absolute error.
It reproduces FastMath's coefficients to within an ulp of float (lstsq's own rounding varies).
"""
import math

import numpy as np

NUM, DEN = 7, 5  # coefficients of P (w^0..w^6) and of Q (w^0..w^4)
NODES = 4000

w = 8 * (1 - np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES))
z = np.sqrt(w)
g = np.array([math.erf(t) / t for t in z])  # erf(z)/z; no node sits at z = 0
weight = np.maximum(z, 0.05)

q_prev = np.ones_like(w)
for _ in range(30):
    cols = [w**j for j in range(NUM)] + [-g * w**j for j in range(1, DEN)]
    a = np.array(cols).T * (weight / q_prev)[:, None]
    c, *_ = np.linalg.lstsq(a, g * weight / q_prev, rcond=None)
    p, q = c[:NUM], np.concatenate([[1.0], c[NUM:]])
    q_prev = np.polyval(q[::-1], w)

err = np.max(np.abs(z * (np.polyval(p[::-1], w) / q_prev - g)))
print(f"max |erf error| in double: {err:.2e}")
for i, v in enumerate(p):
    print(f"P{i} = {np.float32(v)!r}")
for i, v in enumerate(q[1:], 1):
    print(f"Q{i} = {np.float32(v)!r}")
