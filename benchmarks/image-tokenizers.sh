#!/usr/bin/env bash
# Reproduces the image-tokenizer tables of docs/benchmarks.md ("TiTok, TexTok and a 2D grid, trained
# here") and the shipped titok-tiny / textok-tiny, in one command:
#   benchmarks/image-tokenizers.sh [--out DIR] [--only fashion|openclipart]
# Trains every model with the same budget (6 epochs, batch 32, seed 0) two at a time with one libtorch
# thread each (the 2-core set-up of the published figures), continues the two 32-token Fashion-MNIST
# runs to 10 epochs (the shipped models), then scores all of them on the held-out images.
# Logs: OUT/<model>.log (progress lines, "done: N steps in T"); tables: OUT/eval-*.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/train"
ONLY=all
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    *) sed -n '2,9p' "$0" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
mkdir -p "$OUT"
export JAVA_OPTS="-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
./tessera build

train() { # name data tokens epochs [extra...]
  local name="$1" data="$2" tokens="$3" epochs="$4"; shift 4
  ./tessera train titok --data "data/images/$data/train" --image-size 32 --tokens "$tokens" --epochs "$epochs" \
    --batch 32 --log-every 50 --out "$OUT/$name" "$@" >"$OUT/$name.log" 2>&1
  grep -E '^done:' "$OUT/$name.log" | sed "s/^/$name: /"
}
if [[ "$ONLY" != openclipart ]]; then
  [[ -d data/images/fashion-mnist/heldout ]] || scripts/prepare-image-data.sh --source fashion-mnist
  train titok-tiny fashion-mnist 32 6 & train textok-tiny fashion-mnist 32 6 --captions & wait
  train titok-16 fashion-mnist 16 6 & train textok-16 fashion-mnist 16 6 --captions & wait
  train grid-16 fashion-mnist 16 6 --layout grid & train grid-64 fashion-mnist 64 6 --layout grid --patch 4 & wait
  # The shipped models: the 32-token runs resumed from their checkpoints to 10 epochs.
  for m in titok-tiny textok-tiny; do rm -rf "$OUT/$m-10ep"; cp -r "$OUT/$m" "$OUT/$m-10ep"; done
  train titok-tiny-10ep fashion-mnist 32 10 & train textok-tiny-10ep fashion-mnist 32 10 --captions & wait
  H=data/images/fashion-mnist/heldout
  ./tessera eval titok --data $H --models "titok-16=$OUT/titok-16,textok-16=$OUT/textok-16,grid-16=$OUT/grid-16" | tee "$OUT/eval-16.txt"
  ./tessera eval titok --data $H --models "titok-32=$OUT/titok-tiny,grid-16=$OUT/grid-16,grid-64=$OUT/grid-64" | tee "$OUT/eval-1d2d.txt"
  ./tessera eval titok --data $H --models "titok-tiny=$OUT/titok-tiny-10ep,textok-tiny=$OUT/textok-tiny-10ep,titok-32-6ep=$OUT/titok-tiny,textok-32-6ep=$OUT/textok-tiny" | tee "$OUT/eval-32.txt"
  ./tessera eval titok --data $H --limit 8 --figure docs/titok-reconstructions.png \
    --models "grid-16=$OUT/grid-16,titok-16=$OUT/titok-16,textok-16=$OUT/textok-16,titok-tiny=$OUT/titok-tiny-10ep,textok-tiny=$OUT/textok-tiny-10ep" >/dev/null
fi
if [[ "$ONLY" != fashion ]]; then
  [[ -d data/images/openclipart/heldout ]] || scripts/prepare-image-data.sh --source openclipart
  train oc-titok-32 openclipart 32 6 & train oc-textok-32 openclipart 32 6 --captions & wait
  ./tessera eval titok --data data/images/openclipart/heldout --models "titok-32=$OUT/oc-titok-32,textok-32=$OUT/oc-textok-32" \
    --figure docs/textok-openclipart.png | tee "$OUT/eval-openclipart.txt"
fi
