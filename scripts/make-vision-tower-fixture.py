#!/usr/bin/env python3
"""Writes the tiny random-weight "vision tower" fixtures for VisionTowerPatchesTest.

Output: tokenizers/src/test/resources/fixtures/vision-tower/ (see the README written there).

  inputs.f32                 2 test images, float32 little-endian [2, 3, 32, 32], values in [0, 1]
  clip-tiny/                 CLIP-like: conv patch embedding, CLS token prepended (17 tokens)
  siglip-tiny/               SigLIP-like: same layers, no CLS token (16 tokens)
  siglip-tiny-torchscript/   the siglip-tiny weights as a traced TorchScript module (only when
                             PyTorch is importable; skipped otherwise)

Each model folder holds model.onnx (or model.pt), config.json, preprocessor_config.json and
expected.f32: float32 LE [2, 16, 24], the per-patch vectors PatchEmbedder.embed must give for the
two images (CLS dropped), computed here with numpy from the same weights.

The tower, per image x in [0, 1] (what the Java side gets) and pixel_values = (x - mean) / std:
  Conv(24 x 3 x 8 x 8, stride 8) -> [B, 24, 4, 4] -> reshape [B, 24, 16] -> transpose [B, 16, 24]
  (CLS variant: concat a learned [1, 1, 24] token in front -> [B, 17, 24])
  + position embedding -> LayerNormalization (eps 1e-5) -> MatMul 24 x 24 + bias
  -> output "last_hidden_state"; a second output "pooler_output" [B, 24] (CLS token, or the token
  mean without CLS) is listed FIRST so the loader must pick the hidden states by name / rank.

Needs numpy and onnx (Debian: apt-get install python3-onnx, then run with /usr/bin/python3);
torch optional (Debian: python3-torch). Deterministic: fixed seed, so re-running rewrites the same
bytes for the ONNX fixtures (the TorchScript file is a zip and may differ in metadata only).

Usage: /usr/bin/python3 scripts/make-vision-tower-fixture.py [output-dir]
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE, PATCH, WIDTH = 32, 8, 24
GRID = SIZE // PATCH
EPS = 1e-5
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
SIGLIP_MEAN = [0.5, 0.5, 0.5]
SIGLIP_STD = [0.5, 0.5, 0.5]

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tokenizers", "src", "test", "resources", "fixtures", "vision-tower")


def weights(seed, cls):
    rng = np.random.default_rng(seed)
    tokens = GRID * GRID + (1 if cls else 0)
    f = lambda *shape, scale: (rng.standard_normal(shape) * scale).astype(np.float32)
    return {
        "conv_w": f(WIDTH, 3, PATCH, PATCH, scale=0.05),
        "conv_b": f(WIDTH, scale=0.1),
        "cls": f(1, 1, WIDTH, scale=0.5) if cls else None,
        "pos": f(1, tokens, WIDTH, scale=0.2),
        "ln_g": (1.0 + f(WIDTH, scale=0.1)).astype(np.float32),
        "ln_b": f(WIDTH, scale=0.1),
        "proj_w": f(WIDTH, WIDTH, scale=0.2),
        "proj_b": f(WIDTH, scale=0.1),
    }


def images():
    """Two fixed images in [0, 1]: a smooth colour pattern and seeded noise with a bright square."""
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64) / (SIZE - 1)
    a = np.stack([x, y, 0.5 + 0.5 * np.sin(6.0 * (x + y))])
    rng = np.random.default_rng(7)
    b = rng.uniform(0.0, 1.0, size=(3, SIZE, SIZE))
    b[:, 8:20, 12:28] = [[[0.9]], [[0.2]], [[0.1]]]
    return np.stack([a, b]).astype(np.float32)


def reference(w, x01, mean, std):
    """numpy forward in float64 → the per-patch vectors [B, 16, 24] (CLS dropped)."""
    d = lambda a: a.astype(np.float64)
    pv = (d(x01) - np.array(mean)[None, :, None, None]) / np.array(std)[None, :, None, None]
    b = pv.shape[0]
    patches = pv.reshape(b, 3, GRID, PATCH, GRID, PATCH).transpose(0, 2, 4, 1, 3, 5).reshape(b, GRID * GRID, -1)
    h = patches @ d(w["conv_w"]).reshape(WIDTH, -1).T + d(w["conv_b"])
    if w["cls"] is not None:
        h = np.concatenate([np.repeat(d(w["cls"]), b, axis=0), h], axis=1)
    h = h + d(w["pos"])
    mu = h.mean(-1, keepdims=True)
    var = ((h - mu) ** 2).mean(-1, keepdims=True)
    h = (h - mu) / np.sqrt(var + EPS) * d(w["ln_g"]) + d(w["ln_b"])
    h = h @ d(w["proj_w"]) + d(w["proj_b"])
    if w["cls"] is not None:
        h = h[:, 1:, :]
    return h.astype(np.float32)


def onnx_model(w, name):
    cls = w["cls"] is not None
    tokens = GRID * GRID + (1 if cls else 0)
    init = [
        numpy_helper.from_array(w["conv_w"], "patch_embed.weight"),
        numpy_helper.from_array(w["conv_b"], "patch_embed.bias"),
        numpy_helper.from_array(w["pos"], "position_embedding"),
        numpy_helper.from_array(w["ln_g"], "post_layernorm.weight"),
        numpy_helper.from_array(w["ln_b"], "post_layernorm.bias"),
        numpy_helper.from_array(w["proj_w"], "proj.weight"),
        numpy_helper.from_array(w["proj_b"], "proj.bias"),
        numpy_helper.from_array(np.array([0, WIDTH, GRID * GRID], dtype=np.int64), "flat_shape"),
    ]
    nodes = [
        helper.make_node("Conv", ["pixel_values", "patch_embed.weight", "patch_embed.bias"], ["conv"],
                         kernel_shape=[PATCH, PATCH], strides=[PATCH, PATCH]),
        helper.make_node("Reshape", ["conv", "flat_shape"], ["flat"]),
        helper.make_node("Transpose", ["flat"], ["patch_tokens"], perm=[0, 2, 1]),
    ]
    tokens_out = "patch_tokens"
    if cls:
        init += [
            numpy_helper.from_array(w["cls"], "class_embedding"),
            numpy_helper.from_array(np.array([0], dtype=np.int64), "zero"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
            numpy_helper.from_array(np.array([1, WIDTH], dtype=np.int64), "cls_tail"),
        ]
        nodes += [
            helper.make_node("Shape", ["pixel_values"], ["in_shape"]),
            helper.make_node("Slice", ["in_shape", "zero", "one"], ["batch"]),
            helper.make_node("Concat", ["batch", "cls_tail"], ["cls_shape"], axis=0),
            helper.make_node("Expand", ["class_embedding", "cls_shape"], ["cls_tokens"]),
            helper.make_node("Concat", ["cls_tokens", "patch_tokens"], ["all_tokens"], axis=1),
        ]
        tokens_out = "all_tokens"
    nodes += [
        helper.make_node("Add", [tokens_out, "position_embedding"], ["embedded"]),
        helper.make_node("LayerNormalization", ["embedded", "post_layernorm.weight", "post_layernorm.bias"],
                         ["normed"], axis=-1, epsilon=EPS),
        helper.make_node("MatMul", ["normed", "proj.weight"], ["projected"]),
        helper.make_node("Add", ["projected", "proj.bias"], ["last_hidden_state"]),
    ]
    if cls:
        init.append(numpy_helper.from_array(np.array(0, dtype=np.int64), "cls_index"))
        nodes.append(helper.make_node("Gather", ["last_hidden_state", "cls_index"], ["pooler_output"], axis=1))
    else:
        nodes.append(helper.make_node("ReduceMean", ["last_hidden_state"], ["pooler_output"], axes=[1], keepdims=0))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, ["batch", WIDTH]),
         helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", tokens, WIDTH])],
        init)
    model = helper.make_model(graph, producer_name="tessera make-vision-tower-fixture.py",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def write_f32(path, array):
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def write_folder(folder, w, model_type, preprocessor, x01, mean, std):
    os.makedirs(folder, exist_ok=True)
    write_json(os.path.join(folder, "config.json"), {
        "model_type": model_type,
        "image_size": SIZE,
        "patch_size": PATCH,
        "hidden_size": WIDTH,
        "num_channels": 3,
        "_fixture": "random weights, made by scripts/make-vision-tower-fixture.py",
    })
    write_json(os.path.join(folder, "preprocessor_config.json"), preprocessor)
    write_f32(os.path.join(folder, "expected.f32"), reference(w, x01, mean, std))


def check_onnx_runtime(path, x01, mean, std, expected):
    """Optional self-check with onnxruntime when it is importable (not needed to make the files)."""
    try:
        import onnxruntime as ort
    except ImportError:
        return
    pv = ((x01 - np.array(mean, np.float32)[None, :, None, None]) / np.array(std, np.float32)[None, :, None, None])
    out = ort.InferenceSession(path).run(["last_hidden_state"], {"pixel_values": pv.astype(np.float32)})[0]
    out = out[:, -GRID * GRID:, :]
    print("  onnxruntime max |diff|", float(np.abs(out - expected).max()))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    x01 = images()
    write_f32(os.path.join(out, "inputs.f32"), x01)

    clip_w = weights(20240611, cls=True)
    clip_dir = os.path.join(out, "clip-tiny")
    write_folder(clip_dir, clip_w, "clip_vision_model", {
        "image_processor_type": "CLIPImageProcessor",
        "do_resize": True,
        "size": {"shortest_edge": SIZE},
        "do_center_crop": True,
        "crop_size": {"height": SIZE, "width": SIZE},
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": CLIP_MEAN,
        "image_std": CLIP_STD,
        "resample": 3,
    }, x01, CLIP_MEAN, CLIP_STD)
    onnx.save(onnx_model(clip_w, "clip-tiny"), os.path.join(clip_dir, "model.onnx"))
    print("wrote", clip_dir)

    siglip_w = weights(20240612, cls=False)
    siglip_dir = os.path.join(out, "siglip-tiny")
    siglip_pre = {
        "image_processor_type": "SiglipImageProcessor",
        "do_resize": True,
        "size": {"height": SIZE, "width": SIZE},
        "do_rescale": True,
        "rescale_factor": 0.00392156862745098,
        "do_normalize": True,
        "image_mean": SIGLIP_MEAN,
        "image_std": SIGLIP_STD,
        "resample": 3,
    }
    write_folder(siglip_dir, siglip_w, "siglip_vision_model", siglip_pre, x01, SIGLIP_MEAN, SIGLIP_STD)
    onnx.save(onnx_model(siglip_w, "siglip-tiny"), os.path.join(siglip_dir, "model.onnx"))
    print("wrote", siglip_dir)

    for d, w, mean, std in ((clip_dir, clip_w, CLIP_MEAN, CLIP_STD), (siglip_dir, siglip_w, SIGLIP_MEAN, SIGLIP_STD)):
        check_onnx_runtime(os.path.join(d, "model.onnx"), x01, mean, std, reference(w, x01, mean, std))

    try:
        import torch
    except ImportError:
        print("torch not importable: TorchScript fixture skipped")
        return
    ts_dir = os.path.join(out, "siglip-tiny-torchscript")
    write_folder(ts_dir, siglip_w, "siglip_vision_model", siglip_pre, x01, SIGLIP_MEAN, SIGLIP_STD)

    class Tower(torch.nn.Module):
        """The siglip-tiny graph in PyTorch; returns (pooler_output, last_hidden_state)."""

        def __init__(self):
            super().__init__()
            self.patch_embed = torch.nn.Conv2d(3, WIDTH, PATCH, stride=PATCH)
            self.position_embedding = torch.nn.Parameter(torch.zeros(1, GRID * GRID, WIDTH))
            self.post_layernorm = torch.nn.LayerNorm(WIDTH, eps=EPS)
            self.proj_weight = torch.nn.Parameter(torch.zeros(WIDTH, WIDTH))
            self.proj_bias = torch.nn.Parameter(torch.zeros(WIDTH))

        def forward(self, pixel_values):
            h = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
            h = self.post_layernorm(h + self.position_embedding)
            h = h @ self.proj_weight + self.proj_bias
            return h.mean(1), h

    tower = Tower().eval()
    with torch.no_grad():
        tower.patch_embed.weight.copy_(torch.from_numpy(siglip_w["conv_w"]))
        tower.patch_embed.bias.copy_(torch.from_numpy(siglip_w["conv_b"]))
        tower.position_embedding.copy_(torch.from_numpy(siglip_w["pos"]))
        tower.post_layernorm.weight.copy_(torch.from_numpy(siglip_w["ln_g"]))
        tower.post_layernorm.bias.copy_(torch.from_numpy(siglip_w["ln_b"]))
        tower.proj_weight.copy_(torch.from_numpy(siglip_w["proj_w"]))
        tower.proj_bias.copy_(torch.from_numpy(siglip_w["proj_b"]))
        traced = torch.jit.trace(tower, torch.zeros(2, 3, SIZE, SIZE))
        pv = (torch.from_numpy(x01) - torch.tensor(SIGLIP_MEAN).view(1, 3, 1, 1)) / torch.tensor(SIGLIP_STD).view(1, 3, 1, 1)
        got = traced(pv)[1].numpy()
    diff = float(np.abs(got - reference(siglip_w, x01, SIGLIP_MEAN, SIGLIP_STD)).max())
    print("  torch max |diff|", diff)
    assert diff < 1e-4, diff
    traced.save(os.path.join(ts_dir, "model.pt"))
    print("wrote", ts_dir, "(torch", torch.__version__ + ")")


if __name__ == "__main__":
    main()
