#!/usr/bin/env python3
"""Peephole LSTM fixtures computed by onnxruntime's ONNX `LSTM` operator.

Weights are drawn in our (torch.nn.LSTM-style) layout and converted to ONNX:

  ours  : weight_ih [4H, I], weight_hh [4H, H], bias_ih/bias_hh [4H]; gates i, f, g, o
          weight_peephole [3, H], rows i, f, o
  ONNX  : W [D, 4H, I], R [D, 4H, H], B [D, 8H] = (Wb, Rb); gates i, o, f, c
          P [D, 3H], order i, o, f
          Y [T, D, B, H] -> ours [T, B, D*H];  Y_h / Y_c [D, B, H] (D*L with L=1)

Every case is cross-checked against the independent NumPy reference
(`reference_lstm.lstm_forward`) before anything is written.

Regenerate:  python3 Tests/Fixtures/make_onnx_fixtures.py
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_lstm import lstm_forward, max_abs_diff, save_case  # noqa: E402

TOL = 1e-5


def f32(a):
    return np.asarray(a, np.float32)


def ours_to_onnx_gates(m, H):
    """Reorder the 4H leading axis from (i, f, g, o) to ONNX (i, o, f, c)."""
    i, f, g, o = m[0:H], m[H:2 * H], m[2 * H:3 * H], m[3 * H:4 * H]
    return np.concatenate([i, o, f, g], axis=0)


def ours_to_onnx_peephole(p):
    """[3, H] rows (i, f, o) -> flat [3H] in ONNX order (i, o, f)."""
    return np.concatenate([p[0], p[2], p[1]])


def run_ort(params, x, h0, c0, lengths, D, H):
    T, B, I = x.shape
    sfx = ["_l0", "_l0_reverse"][:D]
    W = np.stack([ours_to_onnx_gates(params["weight_ih" + s], H) for s in sfx])
    R = np.stack([ours_to_onnx_gates(params["weight_hh" + s], H) for s in sfx])
    Bv = np.stack([np.concatenate([ours_to_onnx_gates(params["bias_ih" + s], H),
                                   ours_to_onnx_gates(params["bias_hh" + s], H)]) for s in sfx])
    P = np.stack([ours_to_onnx_peephole(params["weight_peephole" + s]) for s in sfx])
    seq = (np.full(B, T) if lengths is None else np.asarray(lengths)).astype(np.int32)

    inits = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, f32(a).ravel().tolist())
             for n, a in (("W", W), ("R", R), ("B", Bv), ("P", P))]
    inits.append(helper.make_tensor("sequence_lens", TensorProto.INT32, seq.shape, seq.tolist()))
    node = helper.make_node(
        "LSTM", ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"],
        ["Y", "Y_h", "Y_c"], hidden_size=H,
        direction="bidirectional" if D == 2 else "forward")
    graph = helper.make_graph(
        [node], "lstm",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I]),
         helper.make_tensor_value_info("initial_h", TensorProto.FLOAT, [D, B, H]),
         helper.make_tensor_value_info("initial_c", TensorProto.FLOAT, [D, B, H])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, D, B, H]),
         helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [D, B, H]),
         helper.make_tensor_value_info("Y_c", TensorProto.FLOAT, [D, B, H])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8  # onnxruntime 1.31 rejects the newest IR version onnx.helper writes
    onnx.checker.check_model(model)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    Y, Y_h, Y_c = sess.run(None, {"X": f32(x), "initial_h": f32(h0), "initial_c": f32(c0)})
    out = Y.transpose(0, 2, 1, 3).reshape(T, B, D * H)  # [T, D, B, H] -> [T, B, D*H]
    return Y, (out, Y_h, Y_c)


def make(name, seed, T, B, I, H, D, lengths=None, description=""):
    rng = np.random.default_rng(seed)
    params = {}
    for s in ["_l0", "_l0_reverse"][:D]:
        params["weight_ih" + s] = f32(rng.uniform(-0.5, 0.5, (4 * H, I)))
        params["weight_hh" + s] = f32(rng.uniform(-0.5, 0.5, (4 * H, H)))
        params["bias_ih" + s] = f32(rng.uniform(-0.5, 0.5, 4 * H))
        params["bias_hh" + s] = f32(rng.uniform(-0.5, 0.5, 4 * H))
        params["weight_peephole" + s] = f32(rng.uniform(-0.5, 0.5, (3, H)))
    x = f32(rng.uniform(-1, 1, (T, B, I)))
    h0 = f32(rng.uniform(-1, 1, (D, B, H)))
    c0 = f32(rng.uniform(-1, 1, (D, B, H)))

    Y, got = run_ort(params, x, h0, c0, lengths, D, H)
    ref = lstm_forward(params, x, h0, c0, lengths)
    diffs = [max_abs_diff(a, b) for a, b in zip(got, ref)]
    print(f"{name:40s} ORT-vs-NumPy  output {diffs[0]:.2e}  h_n {diffs[1]:.2e}  c_n {diffs[2]:.2e}")
    assert max(diffs) < TOL, diffs

    if lengths is not None:
        # ORT semantics past sequence_lens: Y rows must be exactly zero there.
        past = np.arange(T)[:, None] >= np.asarray(lengths)[None, :]   # [T, B]
        ypast = Y.transpose(0, 2, 1, 3)[past]                           # [n, D, H]
        print(f"{'':40s} ORT Y past sequence_lens: max |Y| = {np.abs(ypast).max():.1e} "
              f"over {past.sum()} (t, b) rows")
        assert np.all(ypast == 0.0)
        # Sanity: the ignored padding really is ignored (perturb it, results identical).
        x2 = x.copy()
        x2[past] = 123.0
        _, got2 = run_ort(params, x2, h0, c0, lengths, D, H)
        assert all(np.array_equal(a, b) for a, b in zip(got, got2))

    save_case(os.path.join(HERE, name), params, x, got, h0, c0, lengths,
              source="onnxruntime", description=description)


def main():
    print(f"onnx {onnx.__version__}  onnxruntime {ort.__version__}  numpy {np.__version__}")
    make("onnx-peephole-forward", 3001, T=5, B=3, I=4, H=6, D=1,
         description="Single-layer forward LSTM with peepholes (weight_peephole_l0 [3,H], rows "
                     "i,f,o) and h0/c0; expected from onnxruntime's LSTM operator.")
    make("onnx-peephole-bidirectional", 3002, T=6, B=4, I=3, H=5, D=2, lengths=[6, 2, 4, 1],
         description="Single-layer bidirectional LSTM with peepholes, h0/c0 and unsorted "
                     "lengths [6,2,4,1] (ONNX sequence_lens); expected from onnxruntime's LSTM "
                     "operator. Output rows past each length are zero.")


if __name__ == "__main__":
    main()
