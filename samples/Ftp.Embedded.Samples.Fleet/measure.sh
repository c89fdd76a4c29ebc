#!/usr/bin/env bash
# The per-node figures of docs/scale-out.md: CPU seconds (user + system, /proc/PID/stat) of the node(s), of HAProxy
# and of RGW around transfers through S3, and wall-clock rates.
#
#   measure.sh RGW_DIR OUT           one node on 127.0.0.1:2621: STOR then RETR of 3 × 128 MiB, one at a time; then,
#                                    with FTPBENCH=path/to/ftpbench.py, 2,000 idle sessions and the login rate
#   measure.sh --fleet RGW_DIR OUT   a fleet (fleet.sh, port 2721): 3 parallel 96 MiB uploads, then downloads
#
# RGW_DIR is a folder of tests/Services/rgw.sh start (its env and PID files). Needs the sample host built in Release.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
fleet=0
if [ "${1:-}" = --fleet ]; then fleet=1; shift; fi
[ $# -eq 2 ] || { echo "usage: $0 [--fleet] RGW_DIR OUT" >&2; exit 2; }
RGW=$(cd "$1" && pwd) OUT=$2
mkdir -p "$OUT"
# shellcheck disable=SC1091
. "$RGW/env"
export S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY
DLL=$REPO/samples/Ftp.Embedded.Samples.Server/bin/Release/net10.0/Ftp.Embedded.Samples.Server.dll
[ -f "$DLL" ] || { echo "build first: dotnet build samples/Ftp.Embedded.Samples.Server -c Release" >&2; exit 1; }
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo "$t"; }
RGW_PIDS=$(cat "$RGW"/*.started-pid | tr '\n' ' ')

report() { # label MiB wall-start wall-end and CPU tick pairs "name:before:after"...
  local label=$1 mib=$2 t0=$3 t1=$4; shift 4
  python3 - "$label" "$mib" "$t0" "$t1" "$@" <<'PY'
import sys
label, mib, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
parts = [f"{label}: {mib / (t1 - t0):.1f} MiB/s"]
for item in sys.argv[5:]:
    name, before, after = item.split(":")
    parts.append(f"{name} {(int(after) - int(before)) / 100 * 1024 / mib:.2f} CPU-s/GiB")
print(", ".join(parts))
PY
}

single() {
  local i dir n0 r0 t0 n1 r1 t1
  curl -s -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/bench"
  FTP__S3__ACCESSKEY=$S3_ACCESS_KEY FTP__S3__SECRETKEY=$S3_SECRET_KEY setsid dotnet "$DLL" --port 2621 \
    --s3-endpoint "$S3_ENDPOINT" --s3-bucket bench --user bench:bench-pw --max-sessions 100000 \
    --max-sessions-per-ip 100000 --passive-ports 52000-52999 --log-level Warning >"$OUT/node.log" 2>&1 </dev/null &
  node=$!
  trap 'kill "$node"' EXIT
  until grep -q "Press Ctrl+C" "$OUT/node.log"; do kill -0 "$node" || exit 1; sleep 0.2; done
  head -c $((128 * 1024 * 1024)) /dev/urandom >"$OUT/f128m.bin"
  for dir in STOR RETR; do
    for i in 1 2 3; do
      n0=$(cpu "$node"); r0=$(cpu $RGW_PIDS); t0=$(date +%s.%N)
      if [ $dir = STOR ]; then curl -sS -T "$OUT/f128m.bin" "ftp://bench:bench-pw@127.0.0.1:2621/f$i.bin"
      else curl -sS -o /dev/null "ftp://bench:bench-pw@127.0.0.1:2621/f$i.bin"; fi
      t1=$(date +%s.%N); n1=$(cpu "$node"); r1=$(cpu $RGW_PIDS)
      report "$dir $i (128 MiB)" 128 "$t0" "$t1" "node:$n0:$n1" "rgw:$r0:$r1"
    done
  done
  for i in 1 2 3; do curl -sS -o /dev/null -Q "DELE f$i.bin" ftp://bench:bench-pw@127.0.0.1:2621/; done
  radosgw-admin -c "$RGW/ceph.conf" gc process --include-all >/dev/null 2>&1 || true
  if [ -n "${FTPBENCH:-}" ]; then
    python3 "$FTPBENCH" --port 2621 --user bench --password bench-pw --only concurrent_sessions,login_rate \
      --sessions 2000 --server-pid "$node" --json "$OUT/bench.json" --pause 1
  fi
}

fleet() {
  local nodes ha round dir i h0 n0 r0 t0 h1 n1 r1 t1 mib=96
  f=$OUT/fleet
  FLEET_SERVER=$DLL FLEET_PORT=2721 FLEET_PASSIVE_BASE=53000 FLEET_PASSIVE_PORTS=50 FLEET_BUCKET=fleetbench \
    FLEET_USERS="bench:bench-pw" FLEET_NODE_ARGS="--log-level Warning" "$HERE/fleet.sh" start "$f"
  trap '"$HERE/fleet.sh" stop "$f"' EXIT
  nodes="$(cat "$f/node1.pid") $(cat "$f/node2.pid") $(cat "$f/node3.pid")"; ha=$(cat "$f/haproxy.pid")
  head -c $((mib * 1024 * 1024)) /dev/urandom >"$OUT/f.bin"
  # Round 1 includes each node's first transfer (code compiled and the S3 client set up); round 2 is warm.
  for round in 1 2; do
  for dir in STOR RETR; do
    h0=$(cpu "$ha"); n0=$(cpu $nodes); r0=$(cpu $RGW_PIDS); t0=$(date +%s.%N)
    pids=()
    for i in 1 2 3; do
      if [ $dir = STOR ]; then curl -sS --interface "127.0.0.$((20 + i))" -T "$OUT/f.bin" "ftp://bench:bench-pw@127.0.0.10:2721/p$i.bin" &
      else curl -sS --interface "127.0.0.$((20 + i))" -o /dev/null "ftp://bench:bench-pw@127.0.0.10:2721/p$i.bin" & fi
      pids+=($!)
    done
    wait "${pids[@]}"
    t1=$(date +%s.%N); h1=$(cpu "$ha"); n1=$(cpu $nodes); r1=$(cpu $RGW_PIDS)
    report "fleet round $round $dir 3 × $mib MiB in parallel" $((3 * mib)) "$t0" "$t1" "haproxy:$h0:$h1" "nodes:$n0:$n1" "rgw:$r0:$r1"
  done
  radosgw-admin -c "$RGW/ceph.conf" gc process --include-all >/dev/null 2>&1 || true
  done
}

if [ $fleet = 1 ]; then fleet; else single; fi
