#!/usr/bin/env bash
# The sample inputs of the README's "Try it" section, into docs/samples/ (committed):
#   scripts/make-samples.sh [--out DIR]
# paper.pdf (our own text, written by a small PDF writer below), boot.png (an ankle boot drawn by
# an FFmpeg pixel expression), clip.mp4 and other.mp4 (FFmpeg's testsrc2 pattern; other.mp4 is a
# later, smaller cut of the same pattern, so search by example finds clip.mp4 from it) and
# song.mp3 (sine tones of a C-major arpeggio). Every file is generated, nothing is downloaded; the
# same FFmpeg gives the same bytes (bit-exact flags, one thread, no metadata), so running it again
# changes nothing. Installs Debian's ffmpeg with apt-get when missing (sudo when not root).
set -euo pipefail
export LC_ALL=C
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/docs/samples"

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "make-samples: unknown option $1" >&2; usage ;;
  esac
done
mkdir -p "$OUT"

SCRIPT_NAME=make-samples
# shellcheck source=lib/ensure-package.sh
source "$ROOT/scripts/lib/ensure-package.sh"
ensure_package ffmpeg

# No encoder version strings, dates or thread-dependent output: the bytes depend on the input only.
ff() { ffmpeg -hide_banner -loglevel error -y -threads 1 "$@"; }
BITEXACT=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)

# ---- paper.pdf: one page of Helvetica text, written object by object with a correct xref table.
pdf() {
  local title="$1" body="$2" objects=() offsets=() out="" i
  local stream="BT /F1 11 Tf 14 TL 72 740 Td"
  stream+=" /F1 16 Tf ($title) Tj /F1 11 Tf T* T*"
  while IFS= read -r line; do stream+=" ($line) '"; done <<<"$body"
  stream+=" ET"
  objects+=("<< /Type /Catalog /Pages 2 0 R >>")
  objects+=("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
  objects+=("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>")
  objects+=("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
  objects+=("<< /Length ${#stream} >>"$'\nstream\n'"$stream"$'\nendstream')
  objects+=("<< /Title ($title) /Producer (scripts/make-samples.sh) >>")
  out=$'%PDF-1.4\n'
  for i in "${!objects[@]}"; do
    offsets+=("${#out}")
    out+="$((i + 1)) 0 obj"$'\n'"${objects[$i]}"$'\nendobj\n'
  done
  local xref=${#out}
  out+="xref"$'\n'"0 $((${#objects[@]} + 1))"$'\n'"0000000000 65535 f "$'\n'
  for i in "${offsets[@]}"; do out+="$(printf '%010d 00000 n ' "$i")"$'\n'; done
  out+="trailer"$'\n'"<< /Size $((${#objects[@]} + 1)) /Root 1 0 R /Info 6 0 R >>"$'\n'
  out+="startxref"$'\n'"$xref"$'\n'"%%EOF"$'\n'
  printf '%s' "$out"
}
pdf "Wings in a propeller slipstream" "\
A wing placed behind a propeller flies in two streams at once. Inside the slipstream the air
moves faster and turns with the propeller, outside it the wing sees the free stream. The
blown part of the span therefore carries more lift, and the swirl raises the angle of attack
on the side where the blades go up and lowers it on the side where they come down.
This note sets out what a designer of a tractor aircraft should expect from the propeller
slipstream: a local increase in lift and in profile drag, a stall that starts outside the
blown region, and a spanwise lift distribution with a step at the edge of the slipstream.
Wind tunnel measurements on a rectangular wing with a four-bladed propeller show that the
lift gained in the slipstream grows with the thrust coefficient, and that at high thrust
the wing recovers part of the swirl energy as a small thrust of its own.
Written for the Tessera samples; no rights reserved." >"$OUT/paper.pdf"

# ---- boot.png: a 32x32 grey ankle boot on black, the kind of picture titok-tiny was trained on
# (Fashion-MNIST clothing): shaft, foot with a rounded toe, a darker sole and heel, a light cuff.
SHAFT='between(X,15,24)*between(Y,4,19)'
FOOT='between(X,9,25)*between(Y,16,24)+lt(pow((X-9)/5,2)+pow((Y-21)/4,2),1)'
SOLE='between(X,4,26)*between(Y,25,27)+between(X,20,26)*between(Y,24,28)'
CUFF='between(X,15,24)*between(Y,4,6)'
ff -f lavfi -i "color=black:s=32x32:d=1,format=gray" -frames:v 1 \
  -vf "geq=lum='if($CUFF,225,if($SHAFT+$FOOT,170,if($SOLE,95,0)))'" \
  "${BITEXACT[@]}" "$OUT/boot.png"

# ---- clip.mp4 / other.mp4: FFmpeg's testsrc2 (moving colour bars and shapes), H.264, no audio.
# other.mp4 is seconds 1-3 of the same pattern at a smaller size: a different file with the same look.
X264=(-c:v libx264 -preset medium -crf 30 -pix_fmt yuv420p -x264-params threads=1:sliced-threads=0)
ff -f lavfi -i "testsrc2=s=160x120:r=10:d=3" "${X264[@]}" "${BITEXACT[@]}" "$OUT/clip.mp4"
ff -f lavfi -i "testsrc2=s=160x120:r=10:d=3" -vf "trim=start=1,setpts=PTS-STARTPTS,scale=128:96" \
  "${X264[@]}" "${BITEXACT[@]}" "$OUT/other.mp4"

# ---- song.mp3: four seconds of sine tones, C-E-G-C' and back, 0.5 s each, mono 24 kHz.
NOTES=(261.63 329.63 392.00 523.25 392.00 329.63 261.63 261.63)
inputs=() chain=""
for i in "${!NOTES[@]}"; do
  inputs+=(-f lavfi -i "sine=frequency=${NOTES[$i]}:sample_rate=24000:duration=0.5")
  chain+="[$i:a]"
done
ff "${inputs[@]}" -filter_complex "${chain}concat=n=${#NOTES[@]}:v=0:a=1,volume=0.5[a]" -map "[a]" \
  -ac 1 -c:a libmp3lame -b:a 48k -write_xing 0 -id3v2_version 0 "${BITEXACT[@]}" "$OUT/song.mp3"

ls -l "$OUT" | awk 'NR > 1 { printf "make-samples: %-10s %7d bytes\n", $9, $5 }' >&2
