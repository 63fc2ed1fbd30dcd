#!/usr/bin/env bash
# Image training data that no one on the team made, from Debian packages, split by a fixed rule.
#   scripts/prepare-image-data.sh [--out DIR] [--source fashion-mnist|openclipart|both] [--train N] [--heldout M]
# Writes DIR/<source>/{train,heldout}/<id>.png and DIR/<source>/{train,heldout}/captions.tsv
# (one line "<file>\t<caption>" per image). Default DIR: data/images (git-ignored).
#   fashion-mnist (package dataset-fashion-mnist): 28x28 greyscale; caption = class name;
#     train = first N (default 10000) of the package's train file, heldout = first M (default 1000)
#     of its t10k file.
#   openclipart (package openclipart-png): every PNG under /usr/share/openclipart/png; caption =
#     file name without the trailing _NN, '_' and '-' as spaces (it often ends with the author's
#     name); heldout when the first byte of the SHA-1 of the file < 26 (~10 %), else train.
#     --train/--heldout do not apply.
# Installs the packages with apt-get when missing (sudo when not root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/images"
SOURCE=fashion-mnist
TRAIN=10000
HELDOUT=1000

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --source) SOURCE="$2"; shift 2 ;;
    --train) TRAIN="$2"; shift 2 ;;
    --heldout) HELDOUT="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "prepare-image-data: unknown option $1" >&2; usage ;;
  esac
done
case "$SOURCE" in
  fashion-mnist|openclipart|both) ;;
  *) echo "prepare-image-data: --source must be fashion-mnist, openclipart or both" >&2; exit 2 ;;
esac
[[ "$OUT" = /* ]] || OUT="$PWD/$OUT"

SCRIPT_NAME=prepare-image-data
# shellcheck source=lib/ensure-package.sh
source "$ROOT/scripts/lib/ensure-package.sh"

fashion_mnist() {
  ensure_package dataset-fashion-mnist
  local dir
  dir="$(dirname "$(dpkg -L dataset-fashion-mnist | grep '/train-images-idx3-ubyte.gz$' | head -1)")"
  if [[ ! -f "$dir/train-images-idx3-ubyte.gz" ]]; then
    echo "prepare-image-data: dataset-fashion-mnist is installed but its train-images-idx3-ubyte.gz was not found." >&2
    exit 1
  fi
  rm -rf "$OUT/fashion-mnist"
  "$ROOT/tessera" prepare-data fashion-mnist --dir "$dir" --out "$OUT/fashion-mnist" --train "$TRAIN" --heldout "$HELDOUT"
}

openclipart() {
  ensure_package openclipart-png
  local base=/usr/share/openclipart/png
  [[ -d "$base" ]] || { echo "prepare-image-data: $base not found after installing openclipart-png." >&2; exit 1; }
  local out="$OUT/openclipart"
  rm -rf "$out"
  mkdir -p "$out/train" "$out/heldout"
  local n_train=0 n_held=0 hash path rel id caption split
  # One sha1sum over all files (the split hashes file contents); captions with bash builtins only.
  while IFS= read -r line; do
    hash="${line%% *}"; path="${line#*  }"
    rel="${path#"$base"/}"
    id="${rel%.png}"; id="${id//\//-}"
    caption="${rel##*/}"; caption="${caption%.png}"
    [[ "$caption" =~ ^(.*[^_])_+[0-9]*$ ]] && caption="${BASH_REMATCH[1]}"
    caption="${caption//[_-]/ }"
    while [[ "$caption" == *"  "* ]]; do caption="${caption//  / }"; done
    caption="${caption% }"
    if [[ $((16#${hash:0:2})) -lt 26 ]]; then split=heldout; n_held=$((n_held + 1)); else split=train; n_train=$((n_train + 1)); fi
    cp "$path" "$out/$split/$id.png"
    printf '%s\t%s\n' "$id.png" "$caption" >>"$out/$split/captions.tsv"
  done < <(find "$base" -type f -name '*.png' -print0 | LC_ALL=C sort -z | xargs -0 sha1sum)
  echo "openclipart: $n_train train, $n_held heldout images under $out" >&2
}

case "$SOURCE" in
  fashion-mnist) fashion_mnist ;;
  openclipart) openclipart ;;
  both) fashion_mnist; openclipart ;;
esac
