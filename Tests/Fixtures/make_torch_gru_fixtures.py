#!/usr/bin/env python3
"""GRU fixtures computed by the real torch.nn.GRU (float32, CPU, eval mode, no_grad), and one
by onnxruntime's ONNX GRU with linear_before_reset = 0 (a form torch does not have).

Every case is cross-checked against the independent NumPy reference
(`reference_gru.gru_forward`, float64) before anything is written. GRU cases have no
c0.npy / c_n.npy. case.json carries "cell": "gru" and, for the ONNX case,
"linear_before_reset": false (a state dict cannot say which form it is).

Regenerate:  python3 Tests/Fixtures/make_torch_gru_fixtures.py
"""
import json
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_gru import gru_forward  # noqa: E402
from reference_lstm import max_abs_diff  # noqa: E402

TOL = 1e-5


def write(name, state, x, y, hn, h0, lengths, batch_first, source, description, linear_before_reset=True):
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.endswith((".npy", ".safetensors", ".json")):
            os.remove(os.path.join(folder, f))
    f32 = lambda a: np.ascontiguousarray(np.asarray(a, dtype="<f4"))
    save_file({k: torch.from_numpy(f32(v)) for k, v in state.items()}, os.path.join(folder, "model.safetensors"))
    np.save(os.path.join(folder, "input.npy"), f32(x))
    if h0 is not None:
        np.save(os.path.join(folder, "h0.npy"), f32(h0))
    if lengths is not None:
        np.save(os.path.join(folder, "lengths.npy"), np.asarray(lengths, dtype="<i8"))
    np.save(os.path.join(folder, "output.npy"), f32(y))
    np.save(os.path.join(folder, "h_n.npy"), f32(hn))
    meta = {"batch_first": bool(batch_first), "source": source, "cell": "gru", "description": description}
    if not linear_before_reset:
        meta["linear_before_reset"] = False
    with open(os.path.join(folder, "case.json"), "w") as fh:
        json.dump(meta, fh, indent=2)
        fh.write("\n")


def make(name, seed, T, B, I, H, num_layers=1, bidirectional=False, bias=True, batch_first=False,
         initial_state=False, lengths=None, description=""):
    torch.manual_seed(seed)
    model = torch.nn.GRU(I, H, num_layers=num_layers, bias=bias, batch_first=batch_first,
                         bidirectional=bidirectional).eval()
    D = 2 if bidirectional else 1
    x = torch.rand((B, T, I) if batch_first else (T, B, I)) * 2 - 1
    h0 = torch.rand(D * num_layers, B, H) * 2 - 1 if initial_state else None
    with torch.no_grad():
        if lengths is None:
            y, hn = model(x, h0)
        else:
            packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=batch_first, enforce_sorted=False)
            yp, hn = model(packed, h0)
            y, _ = pad_packed_sequence(yp, batch_first=batch_first, total_length=T)
    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    ref = gru_forward(state, x.numpy(), None if h0 is None else h0.numpy(), lengths, batch_first=batch_first)
    diffs = [max_abs_diff(a, b) for a, b in zip((y.numpy(), hn.numpy()), ref)]
    print(f"{name:32s} torch-vs-NumPy  output {diffs[0]:.2e}  h_n {diffs[1]:.2e}")
    assert max(diffs) < TOL, diffs
    write(name, state, x.numpy(), y.numpy(), hn.numpy(), None if h0 is None else h0.numpy(), lengths,
          batch_first, "torch", description)


def onnx_gates(m, H):
    """torch (r, z, n) -> ONNX (z, r, h) on the leading 3H axis."""
    return np.concatenate([m[H:2 * H], m[0:H], m[2 * H:3 * H]], axis=0)


def make_onnx_reset_first(name, seed, T, B, I, H, lengths, description):
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper
    rng = np.random.default_rng(seed)
    bound = 1 / np.sqrt(H)
    state = {}
    for sfx in ("_l0", "_l0_reverse"):
        state["weight_ih" + sfx] = rng.uniform(-bound, bound, (3 * H, I)).astype(np.float32)
        state["weight_hh" + sfx] = rng.uniform(-bound, bound, (3 * H, H)).astype(np.float32)
        state["bias_ih" + sfx] = rng.uniform(-bound, bound, 3 * H).astype(np.float32)
        state["bias_hh" + sfx] = rng.uniform(-bound, bound, 3 * H).astype(np.float32)
    x = rng.uniform(-1, 1, (T, B, I)).astype(np.float32)
    h0 = rng.uniform(-1, 1, (2, B, H)).astype(np.float32)
    sfx = ("_l0", "_l0_reverse")
    W = np.stack([onnx_gates(state["weight_ih" + s], H) for s in sfx])
    R = np.stack([onnx_gates(state["weight_hh" + s], H) for s in sfx])
    Bv = np.stack([np.concatenate([onnx_gates(state["bias_ih" + s], H), onnx_gates(state["bias_hh" + s], H)]) for s in sfx])
    seq = np.asarray(lengths, np.int32)
    inits = [helper.make_tensor(n, TensorProto.FLOAT, a.shape, a.ravel().tolist()) for n, a in (("W", W), ("R", R), ("B", Bv))]
    inits.append(helper.make_tensor("sequence_lens", TensorProto.INT32, seq.shape, seq.tolist()))
    node = helper.make_node("GRU", ["X", "W", "R", "B", "sequence_lens", "initial_h"], ["Y", "Y_h"],
                            hidden_size=H, direction="bidirectional", linear_before_reset=0)
    graph = helper.make_graph(
        [node], "gru",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I]),
         helper.make_tensor_value_info("initial_h", TensorProto.FLOAT, [2, B, H])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, 2, B, H]),
         helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [2, B, H])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    Y, Y_h = session.run(None, {"X": x, "initial_h": h0})
    y = Y.transpose(0, 2, 1, 3).reshape(T, B, 2 * H)
    ref = gru_forward(state, x, h0, lengths, linear_before_reset=False)
    diffs = [max_abs_diff(a, b) for a, b in zip((y, Y_h), ref)]
    # onnxruntime leaves outputs past a sequence's length unspecified-zero; compare them too.
    print(f"{name:32s} ORT-vs-NumPy    output {diffs[0]:.2e}  h_n {diffs[1]:.2e}")
    assert max(diffs) < TOL, diffs
    write(name, state, x, y, Y_h, h0, lengths, False, "onnxruntime", description, linear_before_reset=False)


def main():
    print(f"torch {torch.__version__}  numpy {np.__version__}")
    make("torch-gru-stacked", 3001, T=5, B=3, I=4, H=6, num_layers=2,
         description="2-layer unidirectional GRU, T=5 B=3 I=4 H=6 (3H = 18), no h0; torch.nn.GRU.")
    make("torch-gru-bidirectional", 3002, T=4, B=2, I=5, H=8, bidirectional=True, initial_state=True,
         description="1-layer bidirectional GRU, T=4 B=2 I=5 H=8 (3H = 24, divisible by 4), with h0; torch.nn.GRU.")
    make("torch-gru-packed-lengths", 3003, T=5, B=4, I=3, H=5, num_layers=2, bidirectional=True,
         lengths=[3, 5, 1, 4],
         description="2-layer bidirectional GRU, T=5 B=4 I=3 H=5, unsorted lengths [3,5,1,4], packed; torch.nn.GRU.")
    make("torch-gru-batch-first", 3004, T=6, B=3, I=4, H=12, bidirectional=True, batch_first=True,
         initial_state=True, lengths=[4, 5, 2],
         description="batch_first=True bidirectional GRU, input [B=3,T=6,I=4], H=12, h0, lengths [4,5,2]; torch.nn.GRU.")
    make("torch-gru-no-bias", 3005, T=4, B=2, I=3, H=9, num_layers=3, bias=False, initial_state=True,
         description="bias=False 3-layer GRU, T=4 B=2 I=3 H=9, with h0; torch.nn.GRU.")
    make("torch-gru-odd", 3006, T=1, B=1, I=1, H=1,
         description="the smallest GRU: T=B=I=H=1; torch.nn.GRU.")
    make_onnx_reset_first("onnx-gru-reset-first", 3007, T=6, B=4, I=3, H=7, lengths=[6, 2, 4, 1],
                          description="bidirectional GRU with linear_before_reset=0, T=6 B=4 I=3 H=7, h0, "
                                      "lengths [6,2,4,1]; onnxruntime's GRU; gates converted to torch order r, z, n.")


if __name__ == "__main__":
    main()
