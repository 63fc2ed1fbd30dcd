#!/usr/bin/env python3
"""Writes the torch.save fixtures that TorchCheckpointFileTest reads.

Needs Debian's python3-torch (apt-get install python3-torch; run with /usr/bin/python3). Writes into
tokenizers/src/test/resources/fixtures/torch-checkpoints/:
  titok-tiny.pytorch_model.bin  the titok-tiny fixture's weights (from its model.safetensors) as a state dict
  dtypes.pt                     float32/16, bfloat16, float64, int64/32/16/8, uint8, bool tensors, views with
                                offsets and strides into one shared storage, and a tied pair
  nested.pt                     a training checkpoint: {"epoch", "state_dict" (nn.Parameters), "optimizer"}
  expected.json                 every tensor of dtypes.pt and nested.pt as shape + row-major values
  legacy.pt                     dtypes.pt in the pre-1.6 (non-zip) format, which is refused
  hostile-*.pt                  pickles that would run code or build objects if loaded with torch.load
  truncated.pt                  the first half of dtypes.pt
Deterministic: fixed seed; re-running rewrites the same tensors (zip timestamps aside).
"""
import collections
import json
import os
import struct
import sys

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tokenizers/src/test/resources/fixtures/torch-checkpoints")
TITOK = os.path.join(ROOT, "tokenizers/src/test/resources/fixtures/titok-tiny/model.safetensors")
MARKER = "/tmp/tessera-hostile-pickle-ran"


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}
    out = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info["dtype"]]) if end > begin \
            else torch.empty(0, dtype=dtypes[info["dtype"]])
        out[name] = t.reshape(info["shape"]).clone()
    return out


class RunsACommand:
    def __reduce__(self):
        return (os.system, ("touch " + MARKER,))


class EvaluatesCode:
    def __reduce__(self):
        return (eval, ("__import__('os').system('touch " + MARKER + "')",))


class PlainObject:
    def __init__(self):
        self.weight = torch.ones(2)


def expected(tensors):
    return {k: {"shape": list(v.shape), "values": v.double().flatten().tolist()} for k, v in tensors.items()}


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    torch.save(read_safetensors(TITOK), os.path.join(OUT, "titok-tiny.pytorch_model.bin"))

    base = torch.arange(24, dtype=torch.float32) / 4
    grid = base.view(4, 6)
    tied = torch.randn(3, 2)
    dtypes = collections.OrderedDict([
        ("f32", torch.randn(2, 3)),
        ("f16", torch.randn(5).half()),
        ("bf16", torch.randn(2, 2).bfloat16()),
        ("f64", torch.randn(3).double()),
        ("i64", torch.tensor([-3, 0, 1 << 40])),
        ("i32", torch.tensor([7, -8], dtype=torch.int32)),
        ("i16", torch.tensor([300, -2], dtype=torch.int16)),
        ("i8", torch.tensor([-5, 6], dtype=torch.int8)),
        ("u8", torch.tensor([0, 255], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False, True])),
        ("scalar", torch.tensor(2.5)),
        ("empty", torch.empty(0, 3)),
        ("shared_base", base),
        ("shared_offset", base[5:11]),
        ("shared_transposed", grid.t()),
        ("shared_every_other_column", grid[:, ::2]),
        ("shared_row", grid[2]),
        ("tied_a", tied),
        ("tied_b", tied),
    ])
    torch.save(dtypes, os.path.join(OUT, "dtypes.pt"))
    torch.save(dtypes, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)

    linear = torch.nn.Linear(3, 2)
    nested = {"epoch": 3, "lr": 0.5, "state_dict": linear.state_dict(keep_vars=True),
              "optimizer": {"step": [1, 2], "betas": (0.9, 0.999), "note": "adam"}}
    torch.save(nested, os.path.join(OUT, "nested.pt"))

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"dtypes.pt": expected(dtypes),
                   "nested.pt": expected({k: v.detach() for k, v in linear.state_dict().items()})}, f, indent=1)

    torch.save({"weight": torch.ones(2), "payload": RunsACommand()}, os.path.join(OUT, "hostile-os-system.pt"))
    torch.save({"weight": torch.ones(2), "payload": EvaluatesCode()}, os.path.join(OUT, "hostile-eval.pt"))
    torch.save({"weight": torch.ones(2), "payload": PlainObject()}, os.path.join(OUT, "hostile-object.pt"))
    with open(os.path.join(OUT, "dtypes.pt"), "rb") as f:
        whole = f.read()
    with open(os.path.join(OUT, "truncated.pt"), "wb") as f:
        f.write(whole[: len(whole) // 2])
    print("torch", torch.__version__, "->", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
