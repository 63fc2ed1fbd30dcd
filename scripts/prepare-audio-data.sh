#!/usr/bin/env bash
# Audio training data that no one on the team played: real instrument samples (the FluidR3 General
# MIDI sound font, Debian's fluid-soundfont-gm) rendered by fluidsynth from generated melodies.
#   scripts/prepare-audio-data.sh [--out DIR] [--clips N] [--seconds S] [--rate HZ]
# Writes DIR/instruments/{train,heldout}/<id>.wav (16-bit, stereo as fluidsynth renders it) and
# DIR/instruments/{train,heldout}/programs.tsv ("<file>\t<GM program>\t<name>"). Default DIR:
# data/audio (git-ignored), N = 600 clips of S = 4 s at 24000 Hz. Clip i uses a seeded random
# melodic GM instrument, tempo, scale and 1-3 voices; every 10th clip is held out.
# Installs fluidsynth and fluid-soundfont-gm with apt-get when missing (sudo when not root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/audio"
CLIPS=600
SECONDS_PER_CLIP=4
RATE=24000

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --clips) CLIPS="$2"; shift 2 ;;
    --seconds) SECONDS_PER_CLIP="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "prepare-audio-data: unknown option $1" >&2; usage ;;
  esac
done
[[ "$OUT" = /* ]] || OUT="$PWD/$OUT"

SCRIPT_NAME=prepare-audio-data
# shellcheck source=lib/ensure-package.sh
source "$ROOT/scripts/lib/ensure-package.sh"

ensure_package fluidsynth
ensure_package fluid-soundfont-gm
SF2=/usr/share/sounds/sf2/FluidR3_GM.sf2
[[ -f "$SF2" ]] || { echo "prepare-audio-data: $SF2 not found after installing fluid-soundfont-gm" >&2; exit 1; }
PY="$(command -v python3 || true)"
[[ -n "$PY" ]] || { ensure_package python3; PY=/usr/bin/python3; }

DEST="$OUT/instruments"
MIDI="$(mktemp -d)"
trap 'rm -rf "$MIDI"' EXIT
mkdir -p "$DEST/train" "$DEST/heldout"
: > "$DEST/train/programs.tsv"
: > "$DEST/heldout/programs.tsv"

# Melodies as Standard MIDI Files (format 0), written with the standard library only.
"$PY" - "$MIDI" "$CLIPS" "$SECONDS_PER_CLIP" <<'PY'
import random, struct, sys
out, clips, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
# Melodic GM programs (0-based): pianos, chromatic percussion, organs, guitars, basses, strings,
# ensembles, brass, reeds, pipes, some leads and pads.
programs = list(range(0, 80)) + [80, 81, 88, 89]
names = ["piano", "chromatic", "organ", "guitar", "bass", "strings", "ensemble", "brass", "reed", "pipe",
         "lead", "pad"]
scales = [[0, 2, 4, 5, 7, 9, 11], [0, 2, 3, 5, 7, 8, 10], [0, 2, 4, 7, 9], [0, 3, 5, 6, 7, 10]]
def vlq(n):
    b = [n & 0x7F]
    n >>= 7
    while n:
        b.insert(0, (n & 0x7F) | 0x80)
        n >>= 7
    return bytes(b)
for i in range(clips):
    r = random.Random(1000 + i)
    program = r.choice(programs)
    tpq = 480
    bpm = r.choice([72, 90, 100, 120, 140])
    us = int(60_000_000 / bpm)
    scale = r.choice(scales)
    root = r.choice([36, 43, 48, 55, 60]) if program // 8 != 4 else r.choice([28, 33, 36, 40])
    voices = r.choice([1, 1, 2, 3])
    total_ticks = int(seconds * bpm / 60 * tpq)
    events = []  # (tick, order, bytes)
    for v in range(voices):
        t = 0
        while t < total_ticks:
            dur = r.choice([tpq // 4, tpq // 2, tpq // 2, tpq, tpq * 2])
            note = root + 12 * v + scale[r.randrange(len(scale))] + 12 * r.choice([0, 0, 1])
            note = max(0, min(127, note))
            vel = r.randint(50, 120)
            if r.random() < 0.12:
                t += dur  # a rest
                continue
            end = min(t + dur, total_ticks)
            events.append((t, 1, bytes([0x90, note, vel])))
            events.append((end, 0, bytes([0x80, note, 0])))
            t += dur
    events.sort(key=lambda e: (e[0], e[1]))
    track = bytearray()
    track += vlq(0) + b"\xFF\x51\x03" + us.to_bytes(3, "big")
    track += vlq(0) + bytes([0xC0, program])
    last = 0
    for tick, _, data in events:
        track += vlq(tick - last) + data
        last = tick
    track += vlq(max(0, total_ticks + tpq - last)) + b"\xFF\x2F\x00"
    with open(f"{out}/{i:04d}.mid", "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 0, 1, tpq))
        f.write(b"MTrk" + struct.pack(">I", len(track)) + track)
    with open(f"{out}/{i:04d}.program", "w") as f:
        f.write(f"{program}\t{names[program // 8] if program < 96 else 'other'}\n")
PY

done=0
for mid in "$MIDI"/*.mid; do
  id="$(basename "$mid" .mid)"
  n=$((10#$id))
  split=train
  (( n % 10 == 0 )) && split=heldout
  fluidsynth -ni -q -g 0.4 -r "$RATE" -F "$DEST/$split/$id.wav" -T wav "$SF2" "$mid" >/dev/null 2>&1 \
    || { echo "prepare-audio-data: fluidsynth failed on $mid" >&2; exit 1; }
  printf '%s.wav\t%s' "$id" "$(cat "$MIDI/$id.program")" >> "$DEST/$split/programs.tsv"
  printf '\n' >> "$DEST/$split/programs.tsv"
  done=$((done + 1))
  (( done % 50 == 0 )) && echo "prepare-audio-data: rendered $done/$CLIPS clips" >&2
done
echo "prepare-audio-data: $(ls "$DEST/train" | grep -c '\.wav$') train and $(ls "$DEST/heldout" | grep -c '\.wav$') held-out clips under $DEST" >&2
