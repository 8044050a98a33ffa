#!/usr/bin/env python3
"""ONNX graph fixtures for `lstm run --weights model.onnx` (Tests/Fixtures/onnx/<case>/).

Two kinds:
  * torch-*: nn.LSTM / nn.GRU exported by torch.onnx.export, with the TorchScript exporter
    (`ts`) and with `dynamo=True` (`dynamo`, weights in external data model.onnx.data):
    stacked, bidirectional, batch-first with state inputs. Expected outputs from
    onnxruntime, checked against the torch module itself.
  * node-*: single LSTM / GRU nodes built with onnx.helper, one per attribute. Expected
    outputs from onnxruntime, except layout=1 (onnxruntime refuses it), where they come
    from reference_onnx.py, the NumPy implementation of the spec; likewise where onnxruntime
    departs from the spec: `clip` (it does not clip h's input; the reference without that
    clip is checked against it) and absent activation_alpha/beta (it uses 0, the spec the
    operators' defaults). reference_onnx.py is cross-checked against onnxruntime on every
    node case onnxruntime runs.
  * error-*: graphs that must be refused with a message containing case.json's
    `expect_error` (an unsupported operator, activations that differ per direction, an
    unknown activation).

Each folder: model.onnx [+ model.onnx.data], feed_<k>.npy, expected_<k>.npy and case.json
{"source", "description", "feeds": {graph input: file}, "fetches": {graph output: file},
 "expect_error"?}.

Regenerate:  python3 Tests/Fixtures/make_onnx_graphs.py   (numpy, onnx, onnxruntime, torch, onnxscript)
"""
import json
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "onnx")
sys.path.insert(0, HERE)
from reference_onnx import recurrent  # noqa: E402

warnings.filterwarnings("ignore")
f32 = lambda a: np.ascontiguousarray(np.asarray(a, dtype="<f4"))


# Regenerate only the named cases: make_onnx_graphs.py NAME... (a prefix such as `stack-` or
# `torch-` selects a group); all when none is named.
ONLY = sys.argv[1:]


def folder(name):
    if ONLY and not any(name.startswith(prefix) for prefix in ONLY):
        return None
    path = os.path.join(OUT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write_case(path, source, description, feeds, fetches, expect_error=None, stacked=None):
    case = {"source": source, "description": description, "feeds": {}, "fetches": {}}
    if stacked is not None:
        case["stacked"] = stacked  # the recurrent nodes (by index) that must run as one stacked pass
    for k, (name, value) in enumerate(feeds.items()):
        file = f"feed_{k}.npy"
        np.save(os.path.join(path, file), value)
        case["feeds"][name] = file
    for k, (name, value) in enumerate(fetches.items()):
        file = f"expected_{k}.npy"
        np.save(os.path.join(path, file), f32(value))
        case["fetches"][name] = file
    if expect_error:
        case["expect_error"] = expect_error
    with open(os.path.join(path, "case.json"), "w") as fh:
        json.dump(case, fh, indent=2)
        fh.write("\n")


def run_ort(model_path, feeds):
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, feeds)))


# ---------------------------------------------------------------- torch exports

def torch_cases():
    import torch
    specs = [
        ("lstm-stacked", torch.nn.LSTM, dict(input_size=4, hidden_size=6, num_layers=2), False, False),
        ("lstm-stacked-bidirectional", torch.nn.LSTM, dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True), False, False),
        ("lstm-batch-first-states", torch.nn.LSTM, dict(input_size=3, hidden_size=5, batch_first=True, bidirectional=True), True, False),
        ("lstm-dynamic-axes", torch.nn.LSTM, dict(input_size=4, hidden_size=6, num_layers=2), True, True),
        ("gru-stacked", torch.nn.GRU, dict(input_size=4, hidden_size=6, num_layers=2), False, False),
        ("gru-stacked-bidirectional", torch.nn.GRU, dict(input_size=4, hidden_size=5, num_layers=2, bidirectional=True), False, False),
        ("gru-batch-first-states", torch.nn.GRU, dict(input_size=3, hidden_size=5, batch_first=True), True, False),
        ("lstm-3-layers-states", torch.nn.LSTM, dict(input_size=4, hidden_size=5, num_layers=3), True, False),
        ("lstm-3-layers-bidirectional-batch-first-states", torch.nn.LSTM,
         dict(input_size=3, hidden_size=4, num_layers=3, bidirectional=True, batch_first=True), True, False),
        ("gru-stacked-bidirectional-batch-first-states", torch.nn.GRU,
         dict(input_size=3, hidden_size=5, num_layers=2, bidirectional=True, batch_first=True), True, False),
    ]
    for seed, (name, cls, kwargs, states, dynamic_axes) in enumerate(specs):
        for exporter in ("ts", "dynamo"):
            if dynamic_axes and exporter == "dynamo":
                continue
            torch.manual_seed(100 + seed)
            module = cls(**kwargs).eval()
            is_lstm = cls is torch.nn.LSTM
            T, B = 5, 3
            D = 2 if kwargs.get("bidirectional") else 1
            L = kwargs.get("num_layers", 1)
            H = kwargs["hidden_size"]
            x = torch.randn((B, T, kwargs["input_size"]) if kwargs.get("batch_first") else (T, B, kwargs["input_size"]))
            args = (x,)
            input_names = ["input"]
            if states:
                h0 = torch.randn(D * L, B, H)
                if is_lstm:
                    c0 = torch.randn(D * L, B, H)
                    args = (x, (h0, c0))
                    input_names += ["h0", "c0"]
                else:
                    args = (x, h0)
                    input_names += ["h0"]
            output_names = ["output", "h_n", "c_n"] if is_lstm else ["output", "h_n"]
            path = folder(f"torch-{name}-{exporter}")
            if path is None:
                continue
            model_path = os.path.join(path, "model.onnx")
            if exporter == "ts":
                extra = {}
                if dynamic_axes:
                    extra["dynamic_axes"] = {"input": {0: "time", 1: "batch"}, "h0": {1: "batch"}, "c0": {1: "batch"},
                                             "output": {0: "time", 1: "batch"}}
                torch.onnx.export(module, args, model_path, dynamo=False, opset_version=17,
                                  input_names=input_names, output_names=output_names, **extra)
            else:
                program = torch.onnx.export(module, args, dynamo=True, opset_version=18,
                                            input_names=input_names, output_names=output_names)
                program.save(model_path, external_data=True)
                assert os.path.exists(model_path + ".data"), "dynamo export wrote no external data"
            model = onnx.load(model_path)
            ops = sorted({n.op_type for n in model.graph.node})
            feeds = {i.name: a.numpy() for i, a in zip(model.graph.input, [x] + [t for s in args[1:] for t in (s if isinstance(s, tuple) else (s,))])}
            expected = run_ort(model_path, feeds)
            with torch.no_grad():
                reference = module(*args)
            flat = [reference[0]] + (list(reference[1]) if is_lstm else [reference[1]])
            for got, want in zip(expected.values(), flat):
                assert np.abs(got - want.numpy()).max() < 1e-5, f"{name}: onnxruntime and torch disagree"
            write_case(path, "onnxruntime", f"torch.onnx.export({exporter}) of {cls.__name__}({kwargs}), T={T} B={B}"
                       f"{', with h0/c0 inputs' if states else ''}; ops {ops}", feeds, expected,
                       stacked=[list(range(L))] if L > 1 else None)
            print(f"torch-{name}-{exporter}: ops {ops}")


# ---------------------------------------------------------------- single nodes

def node_model(op, inputs, outputs, inits, attrs, opset=14, value_infos=None):
    node = helper.make_node(op, [n for n in inputs], outputs, name=f"the_{op.lower()}", **attrs)
    graph = helper.make_graph([node], "single", value_infos[0], value_infos[1], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8 if opset > 8 else 4  # onnxruntime rejects the newest IR version onnx.helper writes
    return model


def node_case(name, op, *, T=5, B=3, I=4, H=6, direction="forward", layout=0, peephole=False, lengths=None,
              states=False, bias=True, opset=14, attrs=None, use_ort=True, expect_error=None, seed=0,
              cross_check=None, input_scale=1.0):
    rng = np.random.default_rng(1000 + seed)
    D = 2 if direction == "bidirectional" else 1
    G = 4 if op == "LSTM" else 3
    W = rng.uniform(-0.5, 0.5, (D, G * H, I)).astype(np.float32)
    R = rng.uniform(-0.5, 0.5, (D, G * H, H)).astype(np.float32)
    Bv = rng.uniform(-0.5, 0.5, (D, 2 * G * H)).astype(np.float32) if bias else None
    P = rng.uniform(-0.5, 0.5, (D, 3 * H)).astype(np.float32) if peephole else None
    X = (input_scale * rng.standard_normal((B, T, I) if layout else (T, B, I))).astype(np.float32)
    sshape = (B, D, H) if layout else (D, B, H)
    h0 = rng.standard_normal(sshape).astype(np.float32) if states else None
    c0 = rng.standard_normal(sshape).astype(np.float32) if states and op == "LSTM" else None
    attrs = dict(attrs or {})
    attrs["hidden_size"] = H
    if direction != "forward":
        attrs["direction"] = direction
    if layout:
        attrs["layout"] = layout
    inits = [helper.make_tensor("W", TensorProto.FLOAT, W.shape, W.ravel()),
             helper.make_tensor("R", TensorProto.FLOAT, R.shape, R.ravel())]
    names = ["X", "W", "R", "B" if bias else ""]
    if bias:
        inits.append(helper.make_tensor("B", TensorProto.FLOAT, Bv.shape, Bv.ravel()))
    feeds = {"X": X}
    ins = [helper.make_tensor_value_info("X", TensorProto.FLOAT, list(X.shape))]
    if lengths is not None:
        names.append("sequence_lens")
        feeds["sequence_lens"] = np.asarray(lengths, np.int32)
        ins.append(helper.make_tensor_value_info("sequence_lens", TensorProto.INT32, [B]))
    else:
        names.append("")
    for label, value in (("initial_h", h0), ("initial_c", c0)):
        if label == "initial_c" and op == "GRU":
            continue
        names.append(label if value is not None else "")
        if value is not None:
            feeds[label] = value
            ins.append(helper.make_tensor_value_info(label, TensorProto.FLOAT, list(value.shape)))
    if op == "LSTM":
        names.append("P" if peephole else "")
        if peephole:
            inits.append(helper.make_tensor("P", TensorProto.FLOAT, P.shape, P.ravel()))
    while names and names[-1] == "":
        names.pop()
    yshape = [B, T, D, H] if layout else [T, D, B, H]
    outs = [helper.make_tensor_value_info("Y", TensorProto.FLOAT, yshape),
            helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, list(sshape))]
    out_names = ["Y", "Y_h"]
    if op == "LSTM":
        outs.append(helper.make_tensor_value_info("Y_c", TensorProto.FLOAT, list(sshape)))
        out_names.append("Y_c")
    model = node_model(op, names, out_names, inits, attrs, opset=opset, value_infos=(ins, outs))
    onnx.checker.check_model(model)
    path = folder(name)
    if path is None:
        return
    model_path = os.path.join(path, "model.onnx")
    onnx.save(model, model_path)

    if expect_error:
        write_case(path, "none", f"single {op} node with attributes {attrs}: must be refused", feeds, {}, expect_error)
        print(f"{name}: refusal case")
        return

    def reference(**extra):
        outputs = recurrent(op, X, W, R, Bv, lengths=lengths, h0=h0, c0=c0, P=P, direction=direction, layout=layout,
                            clip=attrs.get("clip"), input_forget=attrs.get("input_forget", 0),
                            activations=attrs.get("activations"), alphas=attrs.get("activation_alpha"),
                            betas=attrs.get("activation_beta"), linear_before_reset=attrs.get("linear_before_reset", 0),
                            **extra)
        return dict(zip(out_names, outputs))
    spec = reference()
    if cross_check:
        # onnxruntime departs from the spec here; check the reference against it where they agree.
        ours, theirs = reference(**cross_check), run_ort(model_path, feeds)
        worst = max(float(np.abs(ours[k] - theirs[k]).max()) for k in out_names)
        assert worst < 1e-5, f"{name}: NumPy reference ({cross_check}) and onnxruntime differ by {worst}"
        gap = max(float(np.abs(spec[k] - theirs[k]).max()) for k in out_names)
        assert gap > 1e-3, f"{name}: the case does not tell the spec from onnxruntime (gap {gap})"
        note = f" (NumPy reference with {cross_check} agrees with onnxruntime to {worst:.1e}; the spec differs by {gap:.2f})"
    if use_ort:
        expected = run_ort(model_path, feeds)
        worst = max(float(np.abs(expected[k] - spec[k]).max()) for k in out_names)
        assert worst < 1e-5, f"{name}: NumPy spec and onnxruntime differ by {worst}"
        source = "onnxruntime"
        note = f" (NumPy spec agrees to {worst:.1e})"
    else:
        expected, source = spec, "numpy-spec"
        note = note if cross_check else ""
    description = f"single {op} node, opset {opset}, T={T} B={B} I={I} H={H}, direction={direction}, layout={layout}" \
                  f"{', peepholes' if peephole else ''}{', sequence_lens ' + str(list(lengths)) if lengths is not None else ''}" \
                  f"{', initial states' if states else ''}{'' if bias else ', no B'}; attributes {attrs}{note}"
    write_case(path, source, description, feeds, expected)
    print(f"{name}: {source}{note}")


def unsupported_op_case():
    path = folder("error-unsupported-op")
    if path is None:
        return
    rng = np.random.default_rng(7)
    W = rng.uniform(-0.5, 0.5, (1, 8, 3)).astype(np.float32)
    R = rng.uniform(-0.5, 0.5, (1, 8, 2)).astype(np.float32)
    nodes = [helper.make_node("LSTM", ["X", "W", "R"], ["Y"], name="lstm", hidden_size=2),
             helper.make_node("Tanh", ["Y"], ["Z"], name="post_tanh")]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 1, 3])],
                              [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [2, 1, 1, 2])],
                              initializer=[helper.make_tensor("W", TensorProto.FLOAT, W.shape, W.ravel()),
                                           helper.make_tensor("R", TensorProto.FLOAT, R.shape, R.ravel())])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.save(model, os.path.join(path, "model.onnx"))
    write_case(path, "none", "an LSTM followed by Tanh, which is not imported",
               {"X": rng.standard_normal((2, 1, 3)).astype(np.float32)}, {}, "node 'post_tanh' (op Tanh)")


# ---------------------------------------------------------------- stacked node chains

def stack_case(name, op, hidden, *, T=5, B=3, I=4, direction="forward", layout=0, lengths=None, states=None,
               peephole=False, attrs=None, link="stacking", y_output=False, state_passing=False, directions_per_layer=None,
               dynamic=False, use_ort=True, stacked=(), seed=0):
    """A chain of len(hidden) LSTM/GRU nodes built with onnx.helper, Y of each node passed to the next
    node's X through layout nodes: `stacking` is the stacked form (layout 0: Transpose [0,2,1,3] +
    Reshape [0,0,-1]; layout 1: Reshape [0,0,-1]); `transpose-hd` puts hidden before direction
    ([0,2,3,1]), a layout that is not stacking although every shape fits. Near misses: `y_output`
    makes layer 0's Y a graph output too, `state_passing` feeds layer 0's Y_h to layer 1's
    initial_h, `directions_per_layer` gives each node its own direction; `dynamic` leaves T and B
    symbolic, so the layout is checked only when the graph runs. `stacked` lists the node
    chains the runtime must run as one pass (case.json "stacked")."""
    rng = np.random.default_rng(2000 + seed)
    L = len(hidden)
    dirs = directions_per_layer or [direction] * L
    D = 2 if direction == "bidirectional" else 1
    G = 4 if op == "LSTM" else 3
    states = states if states is not None else [False] * L
    attrs = dict(attrs or {})
    X = rng.standard_normal((B, T, I) if layout else (T, B, I)).astype(np.float32)
    feeds = {"X": X}
    xshape = (["B", "T", I] if layout else ["T", "B", I]) if dynamic else list(X.shape)
    ins = [helper.make_tensor_value_info("X", TensorProto.FLOAT, xshape)]
    if lengths is not None:
        feeds["sequence_lens"] = np.asarray(lengths, np.int32)
        ins.append(helper.make_tensor_value_info("sequence_lens", TensorProto.INT32, [B]))
    nodes, inits, outs, params = [], [], [], []
    width, x_name = I, "X"
    for k, H in enumerate(hidden):
        W = rng.uniform(-0.5, 0.5, (D, G * H, width)).astype(np.float32)
        R = rng.uniform(-0.5, 0.5, (D, G * H, H)).astype(np.float32)
        Bv = rng.uniform(-0.5, 0.5, (D, 2 * G * H)).astype(np.float32)
        P = rng.uniform(-0.5, 0.5, (D, 3 * H)).astype(np.float32) if peephole else None
        for label, value in (("W", W), ("R", R), ("B", Bv), ("P", P)):
            if value is not None:
                inits.append(helper.make_tensor(f"{label}{k}", TensorProto.FLOAT, value.shape, value.ravel()))
        sshape = (B, D, H) if layout else (D, B, H)
        h0 = rng.standard_normal(sshape).astype(np.float32) if states[k] else None
        c0 = rng.standard_normal(sshape).astype(np.float32) if states[k] and op == "LSTM" else None
        names = [x_name, f"W{k}", f"R{k}", f"B{k}", "sequence_lens" if lengths is not None else ""]
        for label, value in (("h0", h0), ("c0", c0)):
            if label == "c0" and op == "GRU":
                continue
            if value is not None:
                feeds[f"{label}_{k}"] = value
                ins.append(helper.make_tensor_value_info(f"{label}_{k}", TensorProto.FLOAT, list(sshape)))
            names.append(f"{label}_{k}" if value is not None else "")
        if state_passing and k == 1:
            names[5] = "Y_h_0"
        if op == "LSTM":
            names.append(f"P{k}" if peephole else "")
        while names[-1] == "":
            names.pop()
        out_names = [f"Y_{k}", f"Y_h_{k}"] + ([f"Y_c_{k}"] if op == "LSTM" else [])
        node_attrs = dict(attrs, hidden_size=H)
        if dirs[k] != "forward":
            node_attrs["direction"] = dirs[k]
        if layout:
            node_attrs["layout"] = layout
        nodes.append(helper.make_node(op, names, out_names, name=f"{op.lower()}_{k}", **node_attrs))
        params.append(dict(W=W, R=R, B=Bv, P=P, h0=h0, c0=c0, attrs=node_attrs, direction=dirs[k]))
        yshape = [B, T, D, H] if layout else [T, D, B, H]
        if k == L - 1 or y_output and k == 0:
            outs.append(helper.make_tensor_value_info(f"Y_{k}", TensorProto.FLOAT, yshape))
        for label in out_names[1:]:
            outs.append(helper.make_tensor_value_info(label, TensorProto.FLOAT, list(sshape)))
        if k < L - 1:
            flat = f"X_{k + 1}"
            if layout:
                nodes.append(helper.make_node("Reshape", [f"Y_{k}", "flatten"], [flat], name=f"flatten_{k}"))
            else:
                perm = [0, 2, 1, 3] if link == "stacking" else [0, 2, 3, 1]
                nodes.append(helper.make_node("Transpose", [f"Y_{k}"], [f"Yt_{k}"], name=f"transpose_{k}", perm=perm))
                nodes.append(helper.make_node("Reshape", [f"Yt_{k}", "flatten"], [flat], name=f"flatten_{k}"))
            x_name, width = flat, D * H
    inits.append(helper.make_tensor("flatten", TensorProto.INT64, [3], [0, 0, -1]))
    graph = helper.make_graph(nodes, "stack", ins, outs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = folder(name)
    if path is None:
        return
    model_path = os.path.join(path, "model.onnx")
    onnx.save(model, model_path)

    # The NumPy spec, layer by layer, the layout nodes done by NumPy.
    spec, x = {}, X
    for k, q in enumerate(params):
        h0 = spec["Y_h_0"] if state_passing and k == 1 else q["h0"]
        result = recurrent(op, x, q["W"], q["R"], q["B"], lengths=lengths, h0=h0, c0=q["c0"], P=q["P"],
                           direction=q["direction"], layout=layout, clip=attrs.get("clip"),
                           input_forget=attrs.get("input_forget", 0), activations=attrs.get("activations"))
        for label, value in zip([f"Y_{k}", f"Y_h_{k}", f"Y_c_{k}"], result):
            spec[label] = value
        y = spec[f"Y_{k}"]
        if layout:
            x = y.reshape(B, T, -1)
        else:
            x = (y.transpose(0, 2, 1, 3) if link == "stacking" else y.transpose(0, 2, 3, 1)).reshape(T, B, -1)
        x = x.astype(np.float32)
    names = [o.name for o in outs]
    spec = {k: spec[k] for k in names}
    if use_ort:
        expected = run_ort(model_path, feeds)
        worst = max(float(np.abs(expected[k] - spec[k]).max()) for k in names)
        assert worst < 1e-5, f"{name}: NumPy spec and onnxruntime differ by {worst}"
        source, note = "onnxruntime", f" (NumPy spec agrees to {worst:.1e})"
    else:
        expected, source, note = spec, "numpy-spec", ""
    description = f"{L} chained {op} nodes, hidden sizes {hidden}, T={T} B={B} I={I}, directions {dirs}, layout={layout}, " \
                  f"link {link}{', layer 0 Y is a graph output' if y_output else ''}" \
                  f"{', layer 0 Y_h feeds layer 1 initial_h' if state_passing else ''}" \
                  f"{', sequence_lens ' + str(list(lengths)) if lengths is not None else ''}, initial states {states}" \
                  f"{', peepholes' if peephole else ''}; attributes {attrs}{note}"
    write_case(path, source, description, feeds, {k: expected[k] for k in names}, stacked=[list(c) for c in stacked])
    print(f"{name}: {source}{note}, stacked {list(stacked)}")


def stack_cases():
    L = [5, 2, 4]
    # Chains that are one stacked model.
    stack_case("stack-lstm-reverse-lengths-states", "LSTM", [6, 6, 6], direction="reverse", lengths=L,
               states=[True, True, True], stacked=[[0, 1, 2]], seed=1)
    stack_case("stack-gru-bidirectional-lengths", "GRU", [5, 5], direction="bidirectional", lengths=L,
               states=[False, True], stacked=[[0, 1]], seed=2)
    stack_case("stack-lstm-layout1-bidirectional", "LSTM", [5, 5], direction="bidirectional", layout=1, lengths=L,
               states=[True, False], peephole=True, use_ort=False, stacked=[[0, 1]], seed=3)
    stack_case("stack-lstm-input-forget-peepholes", "LSTM", [6, 6], attrs={"input_forget": 1, "clip": 50.0},
               peephole=True, states=[True, True], stacked=[[0, 1]], seed=4)
    stack_case("stack-partial-hidden-sizes", "LSTM", [6, 6, 5], states=[True, False, True], stacked=[[0, 1]], seed=5)
    # Near misses: every shape fits, but the nodes are not one stacked model.
    stack_case("stack-miss-y-output", "LSTM", [6, 6], y_output=True, seed=6)
    stack_case("stack-miss-hidden-sizes", "GRU", [6, 5], seed=7)
    stack_case("stack-miss-transpose", "LSTM", [5, 5], direction="bidirectional", link="transpose-hd", seed=8)
    stack_case("stack-miss-state-passing", "GRU", [5, 5], state_passing=True, seed=9)
    stack_case("stack-miss-directions", "LSTM", [6, 6], directions_per_layer=["forward", "reverse"], seed=10)
    # Symbolic T and B: the non-stacking transpose is found only when the graph runs.
    stack_case("stack-miss-transpose-dynamic", "LSTM", [5, 5], direction="bidirectional", link="transpose-hd",
               dynamic=True, seed=11)


def main():
    os.makedirs(OUT, exist_ok=True)
    if ONLY and not any(n.startswith("torch-") for n in ONLY):
        stack_cases()
        return
    torch_cases()
    L = [5, 2, 4]
    node_case("node-lstm-forward", "LSTM", seed=1)
    node_case("node-lstm-no-bias-opset7", "LSTM", bias=False, opset=7, seed=2)
    node_case("node-lstm-opset22-states", "LSTM", opset=22, states=True, seed=3)
    node_case("node-lstm-reverse-lengths", "LSTM", direction="reverse", lengths=L, states=True, seed=4)
    node_case("node-lstm-bidirectional-lengths", "LSTM", direction="bidirectional", lengths=L, states=True, seed=5)
    node_case("node-lstm-peepholes", "LSTM", peephole=True, direction="bidirectional", lengths=L, states=True, seed=6)
    node_case("node-lstm-default-activations", "LSTM", direction="bidirectional",
              attrs={"activations": ["Sigmoid", "Tanh", "Tanh"] * 2}, seed=7)
    node_case("node-lstm-layout1", "LSTM", layout=1, direction="bidirectional", lengths=L, states=True, peephole=True,
              use_ort=False, seed=8)
    node_case("node-lstm-layout1-reverse", "LSTM", layout=1, direction="reverse", lengths=L, states=True,
              use_ort=False, seed=9)
    node_case("node-gru-forward", "GRU", seed=10)
    node_case("node-gru-linear-before-reset", "GRU", attrs={"linear_before_reset": 1}, direction="bidirectional",
              lengths=L, states=True, seed=11)
    node_case("node-gru-reverse-lengths", "GRU", direction="reverse", lengths=L, states=True, seed=12)
    node_case("node-gru-layout1", "GRU", layout=1, direction="bidirectional", lengths=L, states=True,
              use_ort=False, seed=13)
    # Gate functions: activations with alpha/beta, clip, input_forget.
    node_case("node-lstm-clip", "LSTM", attrs={"clip": 0.7}, direction="bidirectional", lengths=L, states=True,
              use_ort=False, cross_check={"clip_before_h": False}, input_scale=3.0, seed=14)
    node_case("node-lstm-clip-large", "LSTM", attrs={"clip": 50.0}, seed=21)
    node_case("node-lstm-input-forget", "LSTM", attrs={"input_forget": 1}, peephole=True, states=True, seed=15)
    node_case("node-lstm-relu", "LSTM", attrs={"activations": ["Sigmoid", "Relu", "Relu"]}, seed=16)
    node_case("node-lstm-activations-alpha-beta", "LSTM", direction="bidirectional", lengths=L, states=True, attrs={
        "activations": ["HardSigmoid", "LeakyRelu", "Affine"] * 2,
        "activation_alpha": [0.3, 0.05, 0.8, 0.3, 0.05, 0.8], "activation_beta": [0.45, -0.1, 0.45, -0.1]}, seed=17)
    node_case("node-lstm-activations-elu-softsign", "LSTM", attrs={
        "activations": ["Sigmoid", "Elu", "Softsign"], "activation_alpha": [0.7]}, seed=18)
    node_case("node-lstm-activations-scaledtanh-softplus", "LSTM", attrs={
        "activations": ["Sigmoid", "ScaledTanh", "Softplus"], "activation_alpha": [1.2], "activation_beta": [0.8]}, seed=19)
    node_case("node-lstm-activations-defaults", "LSTM", attrs={
        "activations": ["HardSigmoid", "ThresholdedRelu", "Affine"]}, use_ort=False, seed=20)
    node_case("node-gru-activations", "GRU", direction="bidirectional", lengths=L, states=True, attrs={
        "activations": ["HardSigmoid", "Relu"] * 2, "activation_alpha": [0.25, 0.25], "activation_beta": [0.4, 0.4]}, seed=22)
    node_case("node-gru-clip", "GRU", attrs={"clip": 0.6, "linear_before_reset": 1}, input_scale=3.0, seed=23)
    node_case("error-lstm-activations-per-direction", "LSTM", direction="bidirectional",
              attrs={"activations": ["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Relu"]},
              expect_error="different functions per direction", seed=24)
    node_case("error-lstm-unknown-activation", "LSTM", attrs={"activations": ["Sigmoid", "Gelu", "Tanh"]},
              use_ort=False, expect_error="'Gelu' is not an ONNX recurrent activation", seed=25)
    unsupported_op_case()
    stack_cases()


if __name__ == "__main__":
    main()
