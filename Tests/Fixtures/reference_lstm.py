"""Independent NumPy (float64) reference LSTM, written from the formulas.

Conventions follow torch.nn.LSTM state-dict names and gate order (i, f, g, o):

    z   = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh          (4H, split i, f, g, o)
    z_i += p_i * c_{t-1};  z_f += p_f * c_{t-1}          (peephole extension only)
    i = sigmoid(z_i); f = sigmoid(z_f); g = tanh(z_g)
    c_t = f * c_{t-1} + i * g
    z_o += p_o * c_t                                     (peephole extension only)
    o = sigmoid(z_o)
    h_t = o * tanh(c_t);  h_t = W_hr h_t when projecting (proj_size P)

Peephole weights: `weight_peephole_l{k}[_reverse]` [3, H], rows i, f, o.

Packed-sequence semantics with `lengths` [B] (each 1..T, any order): sequence b
only sees steps 0..len_b-1; the forward direction runs 0 -> len_b-1, the reverse
direction runs len_b-1 -> 0 (both starting from h0/c0); output rows past len_b are
zero; h_n/c_n are the state after the sequence's own last step in each direction.
Layer k+1 reads layer k's (concatenated, D*H_out) output.

No torch/onnx imports here: this module is the independent reference.
"""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm_single_layer_plain(x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, c0=None):
    """The plainest possible single-layer, unidirectional LSTM, float64.

    x [T, B, I]; w_ih [4H, I]; w_hh [4H, H]; b_* [4H] or None; h0/c0 [B, H] or None.
    Returns output [T, B, H], h_n [B, H], c_n [B, H].
    """
    x = np.asarray(x, np.float64)
    w_ih = np.asarray(w_ih, np.float64)
    w_hh = np.asarray(w_hh, np.float64)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = np.zeros((B, H)) if h0 is None else np.asarray(h0, np.float64).copy()
    c = np.zeros((B, H)) if c0 is None else np.asarray(c0, np.float64).copy()
    out = np.zeros((T, B, H))
    for t in range(T):
        for b in range(B):
            z = w_ih @ x[t, b] + w_hh @ h[b]
            if b_ih is not None:
                z = z + np.asarray(b_ih, np.float64)
            if b_hh is not None:
                z = z + np.asarray(b_hh, np.float64)
            i = sigmoid(z[0:H])
            f = sigmoid(z[H:2 * H])
            g = np.tanh(z[2 * H:3 * H])
            o = sigmoid(z[3 * H:4 * H])
            c_new = f * c[b] + i * g
            h_new = o * np.tanh(c_new)
            c[b] = c_new
            h[b] = h_new
            out[t, b] = h_new
    return out, h, c


def infer_config(params):
    """Derive (num_layers, directions, hidden, proj, bias, peephole) from state-dict names."""
    names = set(params)
    L = 0
    while f"weight_ih_l{L}" in names:
        L += 1
    assert L >= 1, "no weight_ih_l0"
    D = 2 if "weight_ih_l0_reverse" in names else 1
    H = params["weight_ih_l0"].shape[0] // 4
    P = params["weight_hr_l0"].shape[0] if "weight_hr_l0" in names else 0
    bias = "bias_ih_l0" in names
    peep = "weight_peephole_l0" in names
    return L, D, H, P, bias, peep


def _run_direction(x, lengths, w_ih, w_hh, b, w_hr, peep, h0, c0, reverse):
    """One layer, one direction. x [T, B, I]; returns out [T, B, Hout], h_n, c_n."""
    T, B, _ = x.shape
    H = w_ih.shape[0] // 4
    Hout = h0.shape[1]
    out = np.zeros((T, B, Hout))
    h_n = np.zeros((B, Hout))
    c_n = np.zeros((B, H))
    for bi in range(B):
        n = int(lengths[bi])
        h = h0[bi].copy()
        c = c0[bi].copy()
        steps = range(n - 1, -1, -1) if reverse else range(n)
        for t in steps:
            z = w_ih @ x[t, bi] + w_hh @ h + b
            zi, zf, zg, zo = z[0:H], z[H:2 * H], z[2 * H:3 * H], z[3 * H:4 * H]
            if peep is not None:
                zi = zi + peep[0] * c
                zf = zf + peep[1] * c
            i, f, g = sigmoid(zi), sigmoid(zf), np.tanh(zg)
            c = f * c + i * g
            if peep is not None:
                zo = zo + peep[2] * c
            o = sigmoid(zo)
            h = o * np.tanh(c)
            if w_hr is not None:
                h = w_hr @ h
            out[t, bi] = h
        h_n[bi] = h
        c_n[bi] = c
    return out, h_n, c_n


def lstm_forward(params, x, h0=None, c0=None, lengths=None, batch_first=False):
    """General reference: layers, bidirectional, projection, peepholes, lengths.

    params: dict name -> array (torch.nn.LSTM state-dict names, + weight_peephole_*).
    x: [T, B, I] (or [B, T, I] if batch_first). h0 [D*L, B, Hout], c0 [D*L, B, H].
    Returns float64 output [T, B, D*Hout] (or batch-first), h_n [D*L, B, Hout], c_n [D*L, B, H].
    """
    p = {k: np.asarray(v, np.float64) for k, v in params.items()}
    L, D, H, P, bias, peep = infer_config(p)
    Hout = P if P else H
    x = np.asarray(x, np.float64)
    if batch_first:
        x = x.transpose(1, 0, 2)
    T, B, _ = x.shape
    h0 = np.zeros((D * L, B, Hout)) if h0 is None else np.asarray(h0, np.float64)
    c0 = np.zeros((D * L, B, H)) if c0 is None else np.asarray(c0, np.float64)
    lengths = np.full(B, T) if lengths is None else np.asarray(lengths)
    assert lengths.shape == (B,) and lengths.min() >= 1 and lengths.max() <= T
    h_n = np.zeros((D * L, B, Hout))
    c_n = np.zeros((D * L, B, H))
    layer_in = x
    for k in range(L):
        outs = []
        for d in range(D):
            sfx = f"_l{k}" + ("_reverse" if d == 1 else "")
            b = np.zeros(4 * H)
            if bias:
                b = p["bias_ih" + sfx] + p["bias_hh" + sfx]
            o, hn, cn = _run_direction(
                layer_in, lengths, p["weight_ih" + sfx], p["weight_hh" + sfx], b,
                p.get("weight_hr" + sfx), p.get("weight_peephole" + sfx),
                h0[k * D + d], c0[k * D + d], reverse=(d == 1))
            outs.append(o)
            h_n[k * D + d] = hn
            c_n[k * D + d] = cn
        layer_in = np.concatenate(outs, axis=2)
    out = layer_in
    if batch_first:
        out = out.transpose(1, 0, 2)
    return out, h_n, c_n


def max_abs_diff(a, b):
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def save_case(folder, params, x, expected, h0=None, c0=None, lengths=None,
              batch_first=False, source="numpy", description=""):
    """Write one fixture folder in the fixed contract layout."""
    import json
    import os
    from safetensors.numpy import save_file
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):  # regenerate from scratch (stale optional files)
        if f.endswith((".npy", ".safetensors", ".json")):
            os.remove(os.path.join(folder, f))
    f32 = lambda a: np.ascontiguousarray(np.asarray(a, dtype="<f4"))
    save_file({k: f32(v) for k, v in params.items()}, os.path.join(folder, "model.safetensors"))
    np.save(os.path.join(folder, "input.npy"), f32(x))
    if h0 is not None:
        np.save(os.path.join(folder, "h0.npy"), f32(h0))
    if c0 is not None:
        np.save(os.path.join(folder, "c0.npy"), f32(c0))
    if lengths is not None:
        np.save(os.path.join(folder, "lengths.npy"),
                np.ascontiguousarray(np.asarray(lengths, dtype="<i8")))
    out, h_n, c_n = expected
    np.save(os.path.join(folder, "output.npy"), f32(out))
    np.save(os.path.join(folder, "h_n.npy"), f32(h_n))
    np.save(os.path.join(folder, "c_n.npy"), f32(c_n))
    with open(os.path.join(folder, "case.json"), "w") as fh:
        json.dump({"batch_first": bool(batch_first), "source": source,
                   "description": description}, fh, indent=2)
        fh.write("\n")
