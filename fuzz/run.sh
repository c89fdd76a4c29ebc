#!/usr/bin/env bash
# Fuzzes one target with afl-fuzz: fuzz/run.sh parser|session|proxy MINUTES
# Builds the harness in Release, instruments Ftp.Embedded.dll with sharpfuzz, runs afl-fuzz for MINUTES minutes
# (niced), then prints a summary from afl's fuzzer_stats. Output goes to $FUZZ_OUT/TARGET (default /tmp/fuzz-out),
# outside the repository; an earlier run's output is moved aside, or resumed with FUZZ_RESUME=1.
# Replay an input without afl: dotnet run -c Release --project fuzz/Ftp.Embedded.Fuzz -- session FILE
set -euo pipefail

if [ $# -ne 2 ] || [[ ! "$1" =~ ^(parser|session|proxy)$ ]] || [[ ! "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh parser|session|proxy MINUTES" >&2
  exit 2
fi
target=$1
minutes=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_OUT:-/tmp/fuzz-out}/$target
export PATH="$PATH:$HOME/.dotnet/tools"

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }
command -v sharpfuzz >/dev/null || { echo "sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2; exit 1; }

echo "== building $target harness into $out/bin"
rm -rf "$out/bin"
mkdir -p "$out"
nice -n 19 dotnet publish "$repo/fuzz/Ftp.Embedded.Fuzz/Ftp.Embedded.Fuzz.csproj" -c Release -o "$out/bin" --nologo -v quiet
echo "== instrumenting Ftp.Embedded.dll"
sharpfuzz "$out/bin/Ftp.Embedded.dll"

input=("-i" "$repo/fuzz/corpus/$target")
if [ -d "$out/afl" ]; then
  if [ "${FUZZ_RESUME:-0}" = 1 ]; then
    input=("-i" "-")
  else
    rm -rf "$out/afl.previous"
    mv "$out/afl" "$out/afl.previous"
    echo "== moved the previous run to $out/afl.previous"
  fi
fi

# A session input takes milliseconds; the harness itself fails an input after 10 s (a hang), so afl's own limit is higher.
timeout_ms=20000
[ "$target" = parser ] && timeout_ms=10000

export AFL_SKIP_BIN_CHECK=1              # the target is `dotnet`, instrumented by SharpFuzz rather than afl-cc
export AFL_NO_UI=1                       # status lines in the log instead of the curses screen
export AFL_NO_AFFINITY=1                 # the machine is shared: do not pin a core
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1  # core_pattern may point to a handler in containers
export FTP_FUZZ_FAILURE_LOG="$out/failures.log"  # what each crash was: afl discards the target's output
rm -f "$FTP_FUZZ_FAILURE_LOG"
echo "== afl-fuzz $target for $minutes minute(s), log in $out/afl-fuzz.log"
set +e
nice -n 19 afl-fuzz "${input[@]}" -o "$out/afl" -x "$repo/fuzz/ftp.dict" -m none -t "$timeout_ms" -V $((minutes * 60)) \
  -- dotnet "$out/bin/Ftp.Embedded.Fuzz.dll" "$target" >"$out/afl-fuzz.log" 2>&1
status=$?
set -e

stats="$out/afl/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "afl-fuzz did not start (exit $status); the end of its log:" >&2
  tail -n 40 "$out/afl-fuzz.log" >&2
  exit 1
fi

field() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
start=$(field start_time)
last=$(field last_update)
echo "== summary ($target, $(date -u -d "@$start" '+%Y-%m-%d %H:%M UTC'), $(( (last - start) / 60 )) min)"
for key in execs_done execs_per_sec corpus_count saved_crashes saved_hangs stability bitmap_cvg; do
  printf '%-14s %s\n' "$key" "$(field "$key")"
done
crashes=$(find "$out/afl/default/crashes" "$out/afl/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
  echo "== findings (replay: dotnet run -c Release --project fuzz/Ftp.Embedded.Fuzz -- $target FILE)"
  find "$out/afl/default/crashes" "$out/afl/default/hangs" -type f -name 'id:*' | sort
fi
exit $status
