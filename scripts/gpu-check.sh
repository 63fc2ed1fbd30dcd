#!/usr/bin/env bash
# GPU check: TiTok-S-128 (random weights of the released shapes), EnCodec 24 kHz (likewise) and
# bge-small-en-v1.5, each on CPU and on GPU where DJL sees CUDA: parity (max abs difference) and the
# speed ratio, as a markdown table for docs/benchmarks.md. Without a GPU it runs the CPU half and
# says "no GPU". Takes 3-6 minutes (most of it writing the random checkpoints and the CPU runs).
#
#   scripts/gpu-check.sh [--repeat 5]
#
# CUDA needs the GPU builds of the engines: PyTorch finds its CUDA natives through DJL
# (PYTORCH_FLAVOR=cu124 with the matching jars or cache, see docs/benchmarks.md), ONNX Runtime the
# onnxruntime_gpu jar (`-Pcuda`, retrieval/pom.xml).
set -euo pipefail
cd "$(dirname "$0")/.."
exec ./tessera bench gpu-check "$@"
