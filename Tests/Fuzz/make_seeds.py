#!/usr/bin/env python3
"""Writes a few small valid safetensors and .npy files into the folder given as argv[1].

Standard library only, so scripts/fuzz.sh needs no NumPy. The files cover each dtype and
layout the readers accept: F32/F16/BF16/F64 safetensors with metadata; .npy versions 1-3,
little/big endian, Fortran order, rank 0, and integer arrays."""
import json
import os
import struct
import sys


def safetensors(entries, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, payload in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


def npy(descr, shape, payload, fortran=False, version=1):
    shape_text = "()" if not shape else "(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")"
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    size = 2 if version == 1 else 4
    pad = 64 - (8 + size + len(header) + 1) % 64
    header = (header + " " * pad + "\n").encode()
    length = struct.pack("<H" if size == 2 else "<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header + payload


seeds = {
    "f32.safetensors": safetensors([("w", "F32", [2, 3], struct.pack("<6f", 1, -2, 3.5, 0, 1e-3, 7))],
                                   {"format": "pt"}),
    "mixed.safetensors": safetensors([
        ("a", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
        ("b", "BF16", [1, 2], struct.pack("<2H", 0x3F80, 0x4049)),
        ("c", "F64", [], struct.pack("<d", 2.5)),
        ("d", "F32", [0, 4], b""),
    ]),
    "f4.npy": npy("<f4", [3, 4], struct.pack("<12f", *range(12))),
    "f8-big.npy": npy(">f8", [2], struct.pack(">2d", 1.5, -0.25)),
    "f4-fortran.npy": npy("<f4", [2, 3], struct.pack("<6f", 1, 4, 2, 5, 3, 6), fortran=True),
    "scalar.npy": npy("<f4", [], struct.pack("<f", 42)),
    "f2-v2.npy": npy("<f2", [2], struct.pack("<2H", 0x3C00, 0x7C00), version=2),
    "i8-v3.npy": npy("<i8", [1, 2], struct.pack("<2q", -5, 1 << 40), version=3),
    "u1.npy": npy("|u1", [4], bytes([0, 1, 127, 255])),
}

os.makedirs(sys.argv[1], exist_ok=True)
for name, content in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(content)
