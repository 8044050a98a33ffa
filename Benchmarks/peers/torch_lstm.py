"""PyTorch's CPU nn.LSTM or nn.GRU for a workload (inference mode), or None when torch is missing."""


def available():
    try:
        import torch  # noqa: F401
        return True
    except ImportError:
        return False


def runner(workload, threads=None):
    import torch

    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    module = torch.nn.LSTM if workload.cell == "lstm" else torch.nn.GRU
    model = module(workload.input_size, workload.hidden, num_layers=workload.layers,
                          bidirectional=workload.bidirectional).eval()
    x = torch.rand(workload.steps, workload.batch, workload.input_size) * 2 - 1

    def run():
        with torch.inference_mode():
            return model(x)
    return run


def version():
    import torch
    return f"{torch.__version__} ({torch.get_num_threads()} threads)"
