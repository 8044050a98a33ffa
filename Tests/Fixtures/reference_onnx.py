"""NumPy (float64) implementation of the ONNX LSTM and GRU operators, from the operator spec.

Used for the expected outputs where onnxruntime departs from the spec (it refuses
layout=1, and does not apply `clip` before h), and cross-checked against onnxruntime on
every case onnxruntime runs (make_onnx_graphs.py does both).

ONNX shapes (layout 0): X [T, B, I]; W [D, G*H, I]; R [D, G*H, H]; B [D, 2*G*H] = (Wb, Rb);
P [D, 3H] (i, o, f); initial_h/c [D, B, H]; Y [T, D, B, H]; Y_h/Y_c [D, B, H].
Layout 1: X [B, T, I], initial_h/c [B, D, H], Y [B, T, D, H], Y_h/Y_c [B, D, H].
LSTM gates i, o, f, c (G = 4); GRU gates z, r, h (G = 3).
sequence_lens [B]: sequence b runs steps 0..len-1 (reverse: len-1..0); Y is zero past len.
Activations per direction: LSTM (f, g, h) default (Sigmoid, Tanh, Tanh); GRU (f, g) default
(Sigmoid, Tanh). activation_alpha/beta are consumed in the order of the activations, one per
activation that takes one (as onnxruntime reads them); where they run out, the defaults of
the ONNX operator of the same name apply (onnxruntime uses 0 there). clip bounds the input of
every activation to [-clip, clip], h's input (the cell state) included; onnxruntime does not
clip h's input, which `clip_before_h=False` reproduces for the cross-check.
"""
import numpy as np

DEFAULT_ALPHA = {"affine": 1.0, "leakyrelu": 0.01, "thresholdedrelu": 1.0, "scaledtanh": 1.0,
                 "hardsigmoid": 0.2, "elu": 1.0}
DEFAULT_BETA = {"affine": 0.0, "scaledtanh": 1.0, "hardsigmoid": 0.5}
TAKES_ALPHA = {"affine", "leakyrelu", "thresholdedrelu", "scaledtanh", "hardsigmoid", "elu"}
TAKES_BETA = {"affine", "scaledtanh", "hardsigmoid"}


def activation(name, alpha=None, beta=None):
    key = name.lower()
    a = DEFAULT_ALPHA.get(key) if alpha is None else alpha
    b = DEFAULT_BETA.get(key) if beta is None else beta
    return {
        "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
        "tanh": np.tanh,
        "relu": lambda x: np.maximum(x, 0.0),
        "affine": lambda x: a * x + b,
        "leakyrelu": lambda x: np.where(x >= 0, x, a * x),
        "thresholdedrelu": lambda x: np.where(x > a, x, 0.0),
        "scaledtanh": lambda x: a * np.tanh(b * x),
        "hardsigmoid": lambda x: np.clip(a * x + b, 0.0, 1.0),
        "elu": lambda x: np.where(x >= 0, x, a * (np.exp(x) - 1.0)),
        "softsign": lambda x: x / (1.0 + np.abs(x)),
        "softplus": lambda x: np.log1p(np.exp(x)),
    }[key]


def recurrent(op, X, W, R, B=None, lengths=None, h0=None, c0=None, P=None, direction="forward",
              layout=0, clip=None, input_forget=0, activations=None, alphas=None, betas=None,
              linear_before_reset=0, clip_before_h=True):
    """Returns (Y, Y_h, Y_c) in the node's layout; Y_c is None for GRU."""
    f64 = lambda a: None if a is None else np.asarray(a, np.float64)
    X, W, R, B, h0, c0, P = map(f64, (X, W, R, B, h0, c0, P))
    if layout == 1:
        X = X.transpose(1, 0, 2)
        h0 = None if h0 is None else h0.transpose(1, 0, 2)
        c0 = None if c0 is None else c0.transpose(1, 0, 2)
    T, Bn, _ = X.shape
    D = 2 if direction == "bidirectional" else 1
    G = 4 if op == "LSTM" else 3
    H = R.shape[2]
    per = 3 if op == "LSTM" else 2
    names = activations or (["Sigmoid", "Tanh", "Tanh"] if op == "LSTM" else ["Sigmoid", "Tanh"]) * D
    alphas = list(alphas or []); betas = list(betas or [])
    fns = []
    for n in names:
        a = alphas.pop(0) if n.lower() in TAKES_ALPHA and alphas else None
        b = betas.pop(0) if n.lower() in TAKES_BETA and betas else None
        fns.append(activation(n, a, b))
    lengths = np.full(Bn, T) if lengths is None else np.asarray(lengths)
    Y = np.zeros((T, D, Bn, H)); Yh = np.zeros((D, Bn, H)); Yc = np.zeros((D, Bn, H))
    cl = (lambda z: np.clip(z, -clip, clip)) if clip is not None else (lambda z: z)
    for d in range(D):
        f, g = fns[d * per], fns[d * per + 1]
        h_act = fns[d * per + 2] if op == "LSTM" else None
        Wd, Rd = W[d], R[d]
        Wb = B[d, :G * H] if B is not None else np.zeros(G * H)
        Rb = B[d, G * H:] if B is not None else np.zeros(G * H)
        reverse = direction == "reverse" or d == 1
        for b in range(Bn):
            h = np.zeros(H) if h0 is None else h0[d, b].copy()
            c = np.zeros(H) if c0 is None else c0[d, b].copy()
            L = int(lengths[b])
            for s in range(L):
                t = L - 1 - s if reverse else s
                x = X[t, b]
                if op == "LSTM":
                    z = Wd @ x + Wb + Rd @ h + Rb
                    zi, zo, zf, zc = (z[k * H:(k + 1) * H] for k in range(4))
                    if P is not None:
                        zi = zi + P[d, :H] * c
                        zf = zf + P[d, 2 * H:] * c
                    i = f(cl(zi))
                    fg = 1.0 - i if input_forget else f(cl(zf))
                    c = fg * c + i * g(cl(zc))
                    if P is not None:
                        zo = zo + P[d, H:2 * H] * c
                    o = f(cl(zo))
                    h = o * h_act(cl(c) if clip_before_h else c)
                    Yc[d, b] = c
                else:
                    zx = Wd @ x + Wb
                    zz = zx[:H] + Rd[:H] @ h + Rb[:H]
                    zr = zx[H:2 * H] + Rd[H:2 * H] @ h + Rb[H:2 * H]
                    zg, rg = f(cl(zz)), f(cl(zr))
                    if linear_before_reset:
                        n = g(cl(zx[2 * H:] + rg * (Rd[2 * H:] @ h + Rb[2 * H:])))
                    else:
                        n = g(cl(zx[2 * H:] + Rd[2 * H:] @ (rg * h) + Rb[2 * H:]))
                    h = (1.0 - zg) * n + zg * h
                Y[t, d, b] = h
            Yh[d, b] = h
    if op == "GRU":
        Yc = None
    if layout == 1:
        Y = Y.transpose(2, 0, 1, 3)
        Yh = Yh.transpose(1, 0, 2)
        Yc = None if Yc is None else Yc.transpose(1, 0, 2)
    return Y, Yh, Yc
