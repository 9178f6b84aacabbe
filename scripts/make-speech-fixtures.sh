#!/usr/bin/env bash
# Synthesizes the speech fixtures the tests use (caller speech with festival's cmu_us_slt_arctic_hts voice,
# converted by sox to 16 kHz mono 16-bit WAV, plus one 8 kHz telephone-band copy) into
# server/test/fixtures/speech/generated/ (gitignored). Needs: festival festvox-us-slt-hts sox.
# Safe to run concurrently: it builds in a temporary folder and renames it into place.
set -euo pipefail
cd "$(dirname "$0")/.."
out=server/test/fixtures/speech/generated
[ -f "$out/transcripts.json" ] && [ "${1:-}" != "--force" ] && exit 0

sentences=(
  "hello I would like to book an appointment for tomorrow at ten"
  "what are your opening hours on saturday"
  "can I speak to the manager please"
  "my name is john smith and my number is five five five one two three four"
  "I need to cancel my reservation for friday"
  "how much does the basic plan cost"
  "please call me back after three in the afternoon"
  "is the office open on sunday"
  "I would like to leave a message for anna"
  "thank you goodbye"
)

mkdir -p "$(dirname "$out")"
tmp=$(mktemp -d "${out}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
items=()
for i in "${!sentences[@]}"; do
  n=$(printf '%02d' $((i + 1)))
  text=${sentences[$i]}
  printf '%s\n' "$text" | text2wave -eval '(voice_cmu_us_slt_arctic_hts)' -o "$tmp/raw.wav"
  sox -q "$tmp/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$tmp/en-slt16k-$n.wav"
  items+=("{\"file\":\"en-slt16k-$n.wav\",\"text\":\"$text\",\"sampleRateHz\":16000}")
done
sox -q "$tmp/raw.wav" -r 8000 -c 1 -b 16 -e signed-integer "$tmp/en-slt8k-10.wav"
rm "$tmp/raw.wav"
(IFS=,; printf '{"language":"en","voice":"slt","items":[%s]}\n' "${items[*]}") > "$tmp/transcripts.json"
[ "${1:-}" = "--force" ] && rm -rf "$out"
# Another run may have finished first: keep its copy (identical) rather than swap files under a reader.
mv -T "$tmp" "$out" 2>/dev/null || rm -rf "$tmp"
trap - EXIT
echo "speech fixtures written to $out"
