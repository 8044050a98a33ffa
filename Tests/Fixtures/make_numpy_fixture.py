#!/usr/bin/env python3
"""NumPy-only fixtures: single-layer, unidirectional LSTM computed in float64.

Expected values come from `reference_lstm.lstm_single_layer_plain` (the formula,
written plainly, one sample and one step at a time) and are cross-checked against
the general reference `lstm_forward` and, when torch is installed, torch.nn.LSTM.

Regenerate:  python3 Tests/Fixtures/make_numpy_fixture.py
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_lstm import lstm_single_layer_plain, lstm_forward, max_abs_diff, save_case  # noqa: E402

TOL = 1e-5


def f32(a):
    # Round to float32 first so the float64 reference sees exactly what is stored.
    return np.asarray(a, np.float32)


def torch_check(params, x, h0, c0):
    try:
        import torch
    except ImportError:
        return None
    H = params["weight_hh_l0"].shape[1]
    I = params["weight_ih_l0"].shape[1]
    m = torch.nn.LSTM(I, H, bias="bias_ih_l0" in params).eval()
    m.load_state_dict({k: torch.from_numpy(np.asarray(v, np.float32)) for k, v in params.items()})
    hc = None
    if h0 is not None:
        hc = (torch.from_numpy(h0), torch.from_numpy(c0))
    with torch.no_grad():
        y, (hn, cn) = m(torch.from_numpy(x), hc)
    return y.numpy(), hn.numpy(), cn.numpy()


def make(name, seed, T, B, I, H, bias=True, initial_state=True, description=""):
    rng = np.random.default_rng(seed)
    params = {
        "weight_ih_l0": f32(rng.uniform(-0.5, 0.5, (4 * H, I))),
        "weight_hh_l0": f32(rng.uniform(-0.5, 0.5, (4 * H, H))),
    }
    if bias:
        params["bias_ih_l0"] = f32(rng.uniform(-0.5, 0.5, 4 * H))
        params["bias_hh_l0"] = f32(rng.uniform(-0.5, 0.5, 4 * H))
    x = f32(rng.uniform(-1, 1, (T, B, I)))
    h0 = c0 = None
    if initial_state:
        h0 = f32(rng.uniform(-1, 1, (1, B, H)))
        c0 = f32(rng.uniform(-1, 1, (1, B, H)))

    out, hn, cn = lstm_single_layer_plain(
        x, params["weight_ih_l0"], params["weight_hh_l0"],
        params.get("bias_ih_l0"), params.get("bias_hh_l0"),
        None if h0 is None else h0[0], None if c0 is None else c0[0])
    expected = (out, hn[None], cn[None])

    g = lstm_forward(params, x, h0, c0)
    d_general = max(max_abs_diff(a, b) for a, b in zip(expected, g))
    t = torch_check(params, x, h0, c0)
    d_torch = None if t is None else max(max_abs_diff(a, b) for a, b in zip(expected, t))
    assert d_general < 1e-12, d_general
    assert d_torch is None or d_torch < TOL, d_torch
    save_case(os.path.join(HERE, name), params, x, expected, h0, c0,
              source="numpy", description=description)
    print(f"{name:40s} plain-vs-general {d_general:.2e}   plain-vs-torch "
          + ("n/a (torch not installed)" if d_torch is None else f"{d_torch:.2e}"))


def main():
    make("numpy-basic", 1001, T=5, B=3, I=4, H=6,
         description="Single-layer unidirectional LSTM, T=5 B=3 I=4 H=6, with h0/c0; "
                     "float64 NumPy reference.")
    make("numpy-no-initial-state", 1002, T=4, B=2, I=3, H=5, initial_state=False,
         description="Single-layer unidirectional LSTM, T=4 B=2 I=3 H=5, no h0/c0 "
                     "(zeros); float64 NumPy reference.")
    make("numpy-odd", 1003, T=1, B=1, I=1, H=1, bias=False, initial_state=False,
         description="Degenerate single-layer LSTM, T=1 B=1 I=1 H=1, bias=False "
                     "(no bias tensors), no h0/c0; float64 NumPy reference.")


if __name__ == "__main__":
    main()
