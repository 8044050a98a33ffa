"""Independent NumPy (float64) reference GRU, written from the formulas.

Conventions follow torch.nn.GRU state-dict names and gate order (r, z, n):

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))      linear_before_reset = True (torch)
    n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)      linear_before_reset = False (ONNX default)
    h' = (1 - z) * n + z * h

Packed-sequence semantics with `lengths` [B] as in reference_lstm.py: sequence b sees steps
0..len_b-1, the reverse direction runs len_b-1 -> 0, outputs past len_b are zero, and h_n is
the state after the sequence's own last step. Layer k+1 reads layer k's D*H output.

No torch/onnx imports here: this module is the independent reference.
"""
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def gru_direction(x, w_ih, w_hh, b_ih, b_hh, h0, lengths, reverse, linear_before_reset):
    """One layer-direction. x [T, B, I]; returns out [T, B, H], h_n [B, H]."""
    T, B, _ = x.shape
    H = w_hh.shape[1]
    out = np.zeros((T, B, H))
    h_n = np.zeros((B, H))
    for b in range(B):
        h = h0[b].copy()
        L = lengths[b]
        for s in range(L):
            t = L - 1 - s if reverse else s
            gi = w_ih @ x[t, b] + b_ih
            r = sigmoid(gi[0:H] + w_hh[0:H] @ h + b_hh[0:H])
            z = sigmoid(gi[H:2 * H] + w_hh[H:2 * H] @ h + b_hh[H:2 * H])
            if linear_before_reset:
                n = np.tanh(gi[2 * H:] + r * (w_hh[2 * H:] @ h + b_hh[2 * H:]))
            else:
                n = np.tanh(gi[2 * H:] + w_hh[2 * H:] @ (r * h) + b_hh[2 * H:])
            h = (1 - z) * n + z * h
            out[t, b] = h
        h_n[b] = h
    return out, h_n


def gru_forward(params, x, h0=None, lengths=None, batch_first=False, linear_before_reset=True):
    """A whole (stacked, optionally bidirectional) GRU from torch.nn.GRU state-dict arrays."""
    x = np.asarray(x, np.float64)
    if batch_first:
        x = x.transpose(1, 0, 2)
    T, B, _ = x.shape
    layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in params)
    D = 2 if any(k.endswith("_reverse") for k in params) else 1
    H = params["weight_hh_l0"].shape[1]
    lengths = [T] * B if lengths is None else list(lengths)
    h0 = np.zeros((layers * D, B, H)) if h0 is None else np.asarray(h0, np.float64)
    h_n = np.zeros((layers * D, B, H))
    layer_input = x
    for k in range(layers):
        outs = []
        for d in range(D):
            sfx = f"_l{k}" + ("_reverse" if d == 1 else "")
            get = lambda name: np.asarray(params[name + sfx], np.float64)
            b_ih = get("bias_ih") if "bias_ih" + sfx in params else np.zeros(3 * H)
            b_hh = get("bias_hh") if "bias_hh" + sfx in params else np.zeros(3 * H)
            out, hn = gru_direction(layer_input, get("weight_ih"), get("weight_hh"), b_ih, b_hh,
                                    h0[k * D + d], lengths, d == 1, linear_before_reset)
            outs.append(out)
            h_n[k * D + d] = hn
        layer_input = np.concatenate(outs, axis=2)
    y = layer_input.transpose(1, 0, 2) if batch_first else layer_input
    return y, h_n
