"""onnxruntime's CPU LSTM (or GRU, with linear_before_reset=1 as torch.nn.GRU computes) for a
workload: stacked layers chained with Transpose + Reshape, bidirectional layers with
direction="bidirectional". Random weights (timing only)."""

import numpy as np


def session(workload, threads=None):
    """An InferenceSession and a random input [T, B, I] for `workload`."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    bound = 1.0 / np.sqrt(workload.hidden)
    h, d, g = workload.hidden, workload.directions, workload.gates
    nodes, initializers = [], []
    current = "X"
    for layer in range(workload.layers):
        layer_input = workload.input_size if layer == 0 else h * d
        for name, shape in (("W", (d, g * h, layer_input)), ("R", (d, g * h, h)), ("B", (d, 2 * g * h))):
            values = rng.uniform(-bound, bound, shape).astype(np.float32)
            initializers.append(numpy_helper.from_array(values, f"{name}{layer}"))
        y = f"Y{layer}"
        extra = {"linear_before_reset": 1} if workload.cell == "gru" else {}
        nodes.append(helper.make_node(
            workload.cell.upper(), [current, f"W{layer}", f"R{layer}", f"B{layer}"], [y], hidden_size=h,
            direction="bidirectional" if workload.bidirectional else "forward", **extra))
        # Y is [T, D, B, H]; the next layer (and the caller) wants [T, B, D*H].
        nodes.append(helper.make_node("Transpose", [y], [f"{y}t"], perm=[0, 2, 1, 3]))
        initializers.append(numpy_helper.from_array(np.array([0, 0, h * d], dtype=np.int64), f"shape{layer}"))
        current = f"out{layer}"
        nodes.append(helper.make_node("Reshape", [f"{y}t", f"shape{layer}"], [current]))
    graph = helper.make_graph(
        nodes, "lstm",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [workload.steps, workload.batch, workload.input_size])],
        [helper.make_tensor_value_info(current, TensorProto.FLOAT, [workload.steps, workload.batch, h * d])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    sess = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
    x = rng.uniform(-1, 1, (workload.steps, workload.batch, workload.input_size)).astype(np.float32)
    return lambda: sess.run(None, {"X": x})


def version():
    import onnxruntime
    return onnxruntime.__version__
