#!/usr/bin/env python3
"""Re-read every fixture folder from disk, validate the layout contract, and
recompute it with every implementation that can express the case:

  numpy : reference_lstm.lstm_forward (float64), always
  torch : torch.nn.LSTM loaded from model.safetensors, when there are no peepholes
  ort   : onnxruntime LSTM operator, when single-layer and without projection

Prints max |difference| against the stored expected outputs (output, h_n, c_n
together). Exits non-zero if anything disagrees by more than 1e-5.
torch / onnxruntime are optional: missing ones are reported as "-".

Run:  python3 Tests/Fixtures/check_fixtures.py
"""
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_lstm import infer_config, lstm_forward, max_abs_diff  # noqa: E402

TOL = 1e-5


def load(folder):
    def npy(n, dtype="<f4"):
        p = os.path.join(folder, n)
        if not os.path.exists(p):
            return None
        a = np.load(p)
        assert a.dtype == np.dtype(dtype) and a.flags.c_contiguous, (folder, n, a.dtype)
        return a
    params = load_file(os.path.join(folder, "model.safetensors"))
    for k, v in params.items():
        assert v.dtype == np.float32, (folder, k, v.dtype)
    meta = json.load(open(os.path.join(folder, "case.json")))
    c = dict(params=params, meta=meta, x=npy("input.npy"), h0=npy("h0.npy"), c0=npy("c0.npy"),
             lengths=npy("lengths.npy", "<i8"),
             exp=(npy("output.npy"), npy("h_n.npy"), npy("c_n.npy")))
    # Shape contract.
    L, D, H, P, bias, peep = infer_config(params)
    Hout = P or H
    bf = meta["batch_first"]
    T, B = (c["x"].shape[1], c["x"].shape[0]) if bf else c["x"].shape[:2]
    assert c["exp"][0].shape == ((B, T, D * Hout) if bf else (T, B, D * Hout))
    assert c["exp"][1].shape == (D * L, B, Hout) and c["exp"][2].shape == (D * L, B, H)
    if c["h0"] is not None:
        assert c["h0"].shape == (D * L, B, Hout) and c["c0"].shape == (D * L, B, H)
    if c["lengths"] is not None:
        assert c["lengths"].shape == (B,) and 1 <= c["lengths"].min() <= c["lengths"].max() <= T
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    c.update(L=L, D=D, H=H, P=P, bias=bias, peep=peep, T=T, B=B, bf=bf, size=size)
    return c


def run_torch(c):
    try:
        import torch
        from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
    except ImportError:
        return None
    if c["peep"]:
        return None
    I = c["params"]["weight_ih_l0"].shape[1]
    m = torch.nn.LSTM(I, c["H"], num_layers=c["L"], bias=c["bias"], batch_first=c["bf"],
                      bidirectional=c["D"] == 2, proj_size=c["P"]).eval()
    m.load_state_dict({k: torch.from_numpy(v) for k, v in c["params"].items()})
    x = torch.from_numpy(c["x"])
    hc = None if c["h0"] is None else (torch.from_numpy(c["h0"]), torch.from_numpy(c["c0"]))
    with torch.no_grad():
        if c["lengths"] is None:
            y, (hn, cn) = m(x, hc)
        else:
            pk = pack_padded_sequence(x, torch.from_numpy(c["lengths"]), batch_first=c["bf"],
                                      enforce_sorted=False)
            yp, (hn, cn) = m(pk, hc)
            y, _ = pad_packed_sequence(yp, batch_first=c["bf"], total_length=c["T"])
    return y.numpy(), hn.numpy(), cn.numpy()


def run_onnx(c):
    try:
        from make_onnx_fixtures import run_ort
    except ImportError:
        return None
    if c["L"] != 1 or c["P"]:
        return None
    H, D, B = c["H"], c["D"], c["B"]
    p = dict(c["params"])
    for s in ["_l0", "_l0_reverse"][:D]:  # ONNX has optional B / P; zeros are equivalent
        p.setdefault("bias_ih" + s, np.zeros(4 * H, np.float32))
        p.setdefault("bias_hh" + s, np.zeros(4 * H, np.float32))
        p.setdefault("weight_peephole" + s, np.zeros((3, H), np.float32))
    x = c["x"].transpose(1, 0, 2) if c["bf"] else c["x"]
    h0 = np.zeros((D, B, H), np.float32) if c["h0"] is None else c["h0"]
    c0 = np.zeros((D, B, H), np.float32) if c["c0"] is None else c["c0"]
    _, (y, hn, cn) = run_ort(p, x, h0, c0, c["lengths"], D, H)
    if c["bf"]:
        y = y.transpose(1, 0, 2)
    return y, hn, cn


def main():
    versions = [f"numpy {np.__version__}"]
    for mod in ("torch", "onnxruntime"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            versions.append(f"{mod} (not installed)")
    print("  ".join(versions))
    hdr = f"{'case':40s} {'T':>2} {'B':>2} {'I':>2} {'H':>2} {'L':>2} {'D':>2} {'P':>2} peep len bf  {'KB':>5}  {'numpy':>8} {'torch':>8} {'ort':>8}"
    print(hdr)
    print("-" * len(hdr))
    worst = 0.0
    for name in sorted(os.listdir(HERE)):
        folder = os.path.join(HERE, name)
        if not os.path.isfile(os.path.join(folder, "case.json")):
            continue
        c = load(folder)
        ref = lstm_forward(c["params"], c["x"], c["h0"], c["c0"], c["lengths"], c["bf"])
        cols = []
        for got in (ref, run_torch(c), run_onnx(c)):
            if got is None:
                cols.append(f"{'-':>8}")
                continue
            d = max(max_abs_diff(a, b) for a, b in zip(got, c["exp"]))
            worst = max(worst, d)
            cols.append(f"{d:8.1e}")
        I = c["params"]["weight_ih_l0"].shape[1]
        print(f"{name:40s} {c['T']:2d} {c['B']:2d} {I:2d} {c['H']:2d} {c['L']:2d} {c['D']:2d} "
              f"{c['P']:2d} {'y' if c['peep'] else 'n':>4} {'y' if c['lengths'] is not None else 'n':>3} "
              f"{'y' if c['bf'] else 'n':>2}  {c['size'] / 1024:5.1f}  " + " ".join(cols))
        assert c["size"] < 100 * 1024
    print(f"worst disagreement: {worst:.2e} (tolerance {TOL:.0e})")
    sys.exit(0 if worst < TOL else 1)


if __name__ == "__main__":
    main()
