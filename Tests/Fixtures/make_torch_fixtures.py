#!/usr/bin/env python3
"""Fixtures computed by the real torch.nn.LSTM (float32, CPU, eval mode, no_grad).

Every case is cross-checked against the independent NumPy reference
(`reference_lstm.lstm_forward`, float64) before anything is written.

Packed cases run `pack_padded_sequence(x, lengths, enforce_sorted=False)` ->
LSTM -> `pad_packed_sequence(total_length=T)`; torch returns h_n/c_n (and takes
h0/c0) in the caller's original batch order even when lengths are unsorted.

Regenerate:  python3 Tests/Fixtures/make_torch_fixtures.py
"""
import os
import sys

import numpy as np
import torch
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from reference_lstm import lstm_forward, max_abs_diff, save_case  # noqa: E402

TOL = 1e-5


def make(name, seed, T, B, I, H, num_layers=1, bidirectional=False, proj_size=0,
         bias=True, batch_first=False, initial_state=False, lengths=None, description=""):
    torch.manual_seed(seed)
    model = torch.nn.LSTM(I, H, num_layers=num_layers, bias=bias, batch_first=batch_first,
                          bidirectional=bidirectional, proj_size=proj_size).eval()
    D = 2 if bidirectional else 1
    Hout = proj_size or H
    shape = (B, T, I) if batch_first else (T, B, I)
    x = torch.rand(shape) * 2 - 1                          # U(-1, 1)
    hc = None
    if initial_state:
        hc = (torch.rand(D * num_layers, B, Hout) * 2 - 1,
              torch.rand(D * num_layers, B, H) * 2 - 1)
    with torch.no_grad():
        if lengths is None:
            y, (hn, cn) = model(x, hc)
        else:
            packed = pack_padded_sequence(x, torch.tensor(lengths, dtype=torch.int64),
                                          batch_first=batch_first, enforce_sorted=False)
            yp, (hn, cn) = model(packed, hc)
            y, out_lens = pad_packed_sequence(yp, batch_first=batch_first, total_length=T)
            assert out_lens.tolist() == list(lengths)
    got = (y.numpy(), hn.numpy(), cn.numpy())

    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    params = {k: v.numpy() for k, v in state.items()}
    h0 = None if hc is None else hc[0].numpy()
    c0 = None if hc is None else hc[1].numpy()
    ref = lstm_forward(params, x.numpy(), h0, c0, lengths, batch_first=batch_first)
    diffs = [max_abs_diff(a, b) for a, b in zip(got, ref)]
    print(f"{name:40s} torch-vs-NumPy  output {diffs[0]:.2e}  h_n {diffs[1]:.2e}  c_n {diffs[2]:.2e}")
    assert max(diffs) < TOL, diffs
    if lengths is not None:
        tb = got[0].transpose(1, 0, 2) if batch_first else got[0]
        past = np.arange(T)[:, None] >= np.asarray(lengths)[None, :]
        assert np.all(tb[past] == 0.0)

    folder = os.path.join(HERE, name)
    save_case(folder, params, x.numpy(), got, h0, c0, lengths, batch_first=batch_first,
              source="torch", description=description)
    # Overwrite with the canonical torch writer (identical content, torch's own format path).
    save_file(state, os.path.join(folder, "model.safetensors"))


def main():
    print(f"torch {torch.__version__}  numpy {np.__version__}")
    make("torch-stacked", 2001, T=5, B=3, I=4, H=6, num_layers=2,
         description="2-layer unidirectional LSTM, T=5 B=3 I=4 H=6, no h0/c0; torch.nn.LSTM.")
    make("torch-bidirectional", 2002, T=4, B=2, I=5, H=6, bidirectional=True,
         initial_state=True,
         description="1-layer bidirectional LSTM, T=4 B=2 I=5 H=6, with h0/c0; torch.nn.LSTM.")
    make("torch-stacked-bidirectional-projection", 2003, T=4, B=2, I=5, H=7, num_layers=2,
         bidirectional=True, proj_size=3, initial_state=True,
         description="2-layer bidirectional LSTM with projection, T=4 B=2 I=5 H=7 proj=3 "
                     "(weight_hr [3,7]; layer-1 input is 2*3=6), with h0 [4,B,3] / c0 [4,B,7]; "
                     "torch.nn.LSTM.")
    make("torch-packed-lengths", 2004, T=5, B=4, I=3, H=5, num_layers=2, bidirectional=True,
         lengths=[3, 5, 1, 4],
         description="2-layer bidirectional LSTM, T=5 B=4 I=3 H=5, no h0/c0, unsorted lengths "
                     "[3,5,1,4] via pack_padded_sequence(enforce_sorted=False) and "
                     "pad_packed_sequence(total_length=T); torch.nn.LSTM.")
    make("torch-batch-first", 2005, T=6, B=3, I=4, H=4, bidirectional=True, batch_first=True,
         initial_state=True, lengths=[4, 5, 2],
         description="batch_first=True 1-layer bidirectional LSTM, input [B=3,T=6,I=4], H=4, "
                     "with h0/c0 ([D*L,B,H], not batch-first) and lengths [4,5,2] (max < T: "
                     "the last time step is all padding); packed, total_length=T; torch.nn.LSTM.")
    make("torch-no-bias", 2006, T=4, B=2, I=3, H=8, num_layers=2, proj_size=5, bias=False,
         initial_state=True,
         description="bias=False 2-layer unidirectional LSTM with projection, T=4 B=2 I=3 H=8 "
                     "proj=5 (no bias_* tensors), with h0/c0; torch.nn.LSTM.")


if __name__ == "__main__":
    main()
