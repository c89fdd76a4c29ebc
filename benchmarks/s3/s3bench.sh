#!/usr/bin/env bash
# s3bench.sh - the S3 provider's figures: the sample host serving a bucket of a throwaway Ceph RGW
# (tests/Services/rgw.sh), measured by s3bench.py (ftplib and boto3) next to boto3 talking to the store directly.
#
# Usage (as root on Debian 12 with the .NET 10 SDK and python3-boto3):
#   benchmarks/s3/s3bench.sh [--quick] [--runs N] [--phases xfer,upload,list] [--out DIR]
#                            [--wait-load MAX --wait-until HH:MM] [--server-dir DIR]
#
#   --quick            small sizes for a smoke run: 64 MiB transfers, 5 clients × 16 MiB, 500 keys, 1 run
#   --runs N           runs of each figure (default 3); the upload phase starts a fresh store and server per run
#   --phases LIST      of xfer, upload, list (default all three, in that order)
#   --out DIR          where DATE-s3[-quick]/ goes (default benchmarks/results)
#   --wait-load MAX    before each phase, wait until the 1-minute load average is below MAX ...
#   --wait-until HH:MM ... but not past this UTC time (then measure anyway; the load is recorded)
#   --server-dir DIR   an already published sample host (default: publish it in Release into the work folder)
#   --xfer-mib N, --clients N, --upload-mib N, --keys N   other sizes than the defaults below
#
# Phases, each with its own RGW (memstore sized for it, nothing else stored) and its own server process:
#   xfer    STOR and RETR of 1 GiB through FTP, and the same multipart PUT (8 MiB parts, one at a time, as the
#           provider sends them; and with two in flight, for comparison) and GET with boto3 against RGW: MB/s, CPU s/GiB
#           of the server, radosgw and the OSD
#   upload  50 ftplib clients at once, each STOR 200 MiB of generated data: the server's peak RSS and PSS sampled
#           every 100 ms; then every object's size checked and the objects deleted
#   list    10,000 keys put by boto3 (32 threads); LIST and MLSD through FTP: time and the server's peak memory;
#           list_objects_v2 paging of the same prefix with boto3, alone and with a HEAD of every key (16 at a time:
#           the requests the provider makes for a listing)
#
# Processes are stopped by the PIDs this script started, never by name.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
RGW_SH=$REPO/tests/Services/rgw.sh
FTP_PORT=${S3BENCH_FTP_PORT:-2631}
export RGW_PORT_BASE=${RGW_PORT_BASE:-47700}
USER_NAME=bench USER_PW=bench-pw BUCKET=bench

SET_XFER_MIB="" SET_CLIENTS="" SET_UP_MIB="" SET_KEYS=""
QUICK=0 RUNS=3 PHASES="xfer upload list" OUT=$REPO/benchmarks/results WAIT_LOAD="" WAIT_UNTIL="" SERVER_DIR=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1; RUNS=1 ;;
    --runs) RUNS=$2; shift ;;
    --phases) PHASES=${2//,/ }; shift ;;
    --out) OUT=$2; shift ;;
    --wait-load) WAIT_LOAD=$2; shift ;;
    --wait-until) WAIT_UNTIL=$2; shift ;;
    --server-dir) SERVER_DIR=$(cd "$2" && pwd); shift ;;
    --xfer-mib) SET_XFER_MIB=$2; shift ;;
    --clients) SET_CLIENTS=$2; shift ;;
    --upload-mib) SET_UP_MIB=$2; shift ;;
    --keys) SET_KEYS=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ $QUICK = 1 ]; then
  XFER_MIB=64 CLIENTS=5 UP_MIB=16 KEYS=500 XFER_MEM=$((1 << 30)) UP_MEM=$((1 << 30)) LIST_MEM=$((1 << 30))
else
  # 50 × 200 MiB = 9.8 GiB stored at once: 12 GiB of memstore, alone on the store.
  XFER_MIB=1024 CLIENTS=50 UP_MIB=200 KEYS=10000 XFER_MEM=$((4 << 30)) UP_MEM=$((12 << 30)) LIST_MEM=$((1 << 30))
fi
XFER_MIB=${SET_XFER_MIB:-$XFER_MIB} CLIENTS=${SET_CLIENTS:-$CLIENTS} UP_MIB=${SET_UP_MIB:-$UP_MIB} KEYS=${SET_KEYS:-$KEYS}

log() { printf '[s3bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
WORK=$(mktemp -d /tmp/s3bench.XXXXXX)
RESULT=$OUT/$(date -u +%Y-%m-%d)-s3$([ $QUICK = 1 ] && echo -quick || true)
mkdir -p "$RESULT"
SERVER_PID="" RGW_DIR=""

# Running and not a zombie (the server is our child: a zombie until waited for).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 100); do alive "$SERVER_PID" || break; sleep 0.1; done
  if alive "$SERVER_PID"; then log "the server did not stop within 10 s of SIGTERM; killing it"; kill -KILL "$SERVER_PID"; fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
stop_rgw() {
  [ -n "$RGW_DIR" ] || return 0
  "$RGW_SH" stop "$RGW_DIR" >/dev/null || log "rgw.sh stop $RGW_DIR failed"
  rm -rf "$RGW_DIR"
  RGW_DIR=""
}
cleanup() { stop_server; stop_rgw; rm -rf "$WORK"; }
trap cleanup EXIT

wait_quiet() {
  [ -n "$WAIT_LOAD" ] || return 0
  local deadline load
  deadline=$(date -u -d "${WAIT_UNTIL:-now}" +%s)
  while load=$(cut -d' ' -f1 /proc/loadavg) && awk -v l="$load" -v m="$WAIT_LOAD" 'BEGIN { exit !(l >= m) }'; do
    [ "$(date -u +%s)" -lt "$deadline" ] || { log "load $load still >= $WAIT_LOAD at $(date -u +%H:%M); measuring anyway"; return 0; }
    log "load $load >= $WAIT_LOAD; waiting"
    sleep 20
  done
}

# Machine state at the start of a phase, into the phase's notes.
state() {
  printf '%s | load %s | MemAvailable %s MiB | %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    "$(awk '/MemAvailable/ {print int($2/1024)}' /proc/meminfo)" "$1" >>"$RESULT/state.txt"
}

start_rgw() { # memstore bytes
  RGW_DIR=$WORK/rgw.$RANDOM
  RGW_MEMSTORE_BYTES=$1 "$RGW_SH" start "$RGW_DIR" >/dev/null
  # shellcheck disable=SC1091
  . "$RGW_DIR/env"
  export S3_ENDPOINT S3_ACCESS_KEY S3_SECRET_KEY
  python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import s3bench as b, argparse as a, os
b.s3_client(a.Namespace(endpoint=os.environ["S3_ENDPOINT"], access_key=os.environ["S3_ACCESS_KEY"],
    secret_key=os.environ["S3_SECRET_KEY"])).create_bucket(Bucket=sys.argv[2])' "$HERE" "$BUCKET"
  STORE_PIDS=(--store-pid "radosgw=$(cat "$RGW_DIR/client.rgw.test.started-pid")"
              --store-pid "osd=$(cat "$RGW_DIR/osd.0.started-pid")")
}

start_server() {
  local log=$WORK/server.log
  FTP__S3__ACCESSKEY=$S3_ACCESS_KEY FTP__S3__SECRETKEY=$S3_SECRET_KEY setsid "$SERVER_DIR/Ftp.Embedded.Samples.Server" \
    --port "$FTP_PORT" --s3-endpoint "$S3_ENDPOINT" --s3-bucket "$BUCKET" --user "$USER_NAME:$USER_PW" \
    --max-sessions 1000 --max-sessions-per-ip 1000 --log-level Warning >"$log" 2>&1 </dev/null &
  SERVER_PID=$!
  until grep -q "Press Ctrl+C" "$log"; do
    alive "$SERVER_PID" || { cat "$log" >&2; echo "the server exited" >&2; exit 1; }
    sleep 0.2
  done
}

bench() { python3 "$HERE/s3bench.py" "$@" --port "$FTP_PORT" --user "$USER_NAME" --password "$USER_PW" \
  --bucket "$BUCKET" --server-pid "$SERVER_PID" >/dev/null; }

if [ -z "$SERVER_DIR" ]; then
  log "publishing the sample host (Release)"
  dotnet publish "$REPO/samples/Ftp.Embedded.Samples.Server" -c Release -o "$WORK/server" -v quiet -nologo >/dev/null
  SERVER_DIR=$WORK/server
  git -C "$REPO" rev-parse --short HEAD >"$SERVER_DIR/COMMIT"
fi
{
  echo "commit $(git -C "$REPO" rev-parse --short HEAD)$(git -C "$REPO" diff --quiet HEAD -- src samples || echo ' (modified)')"
  echo "$(nproc) cores, $(awk '/MemTotal/ {print int($2/1048576+0.5)}' /proc/meminfo) GiB, $(uname -r), dotnet $(dotnet --version), $(ceph --version | cut -d' ' -f1-3), boto3 $(python3 -c 'import boto3; print(boto3.__version__)')"
  echo "server: $SERVER_DIR$([ -f "$SERVER_DIR/COMMIT" ] && echo ", built from $(cat "$SERVER_DIR/COMMIT")" || true)"
  echo "server GC: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["runtimeOptions"]["configProperties"])' "$SERVER_DIR/Ftp.Embedded.Samples.Server.runtimeconfig.json")"
  echo "environment: $(env | grep -E '^DOTNET_' | tr '\n' ' ')"
} >"$RESULT/state.txt"

for phase in $PHASES; do
  case $phase in
    xfer)
      wait_quiet; state "xfer start"
      log "xfer: ${XFER_MIB} MiB × $RUNS"
      start_rgw "$XFER_MEM"; start_server
      bench xfer --size-mib "$XFER_MIB" --runs "$RUNS" "${STORE_PIDS[@]}" --out "$RESULT/xfer.json" \
        --after-run "radosgw-admin -c $RGW_DIR/ceph.conf gc process --include-all >/dev/null 2>&1"
      stop_server; stop_rgw; state "xfer end" ;;
    upload)
      for run in $(seq "$RUNS"); do
        wait_quiet; state "upload run $run start"
        log "upload run $run: $CLIENTS clients × ${UP_MIB} MiB"
        start_rgw "$UP_MEM"; start_server
        bench upload --clients "$CLIENTS" --size-mib "$UP_MIB" --out "$RESULT/upload-$run.json"
        stop_server; stop_rgw; state "upload run $run end"
      done ;;
    list)
      wait_quiet; state "list start"
      log "list: $KEYS keys, $RUNS runs"
      start_rgw "$LIST_MEM"; start_server
      bench list --keys "$KEYS" --runs "$RUNS" "${STORE_PIDS[@]}" --out "$RESULT/list.json"
      stop_server; stop_rgw; state "list end" ;;
    *) echo "unknown phase $phase" >&2; exit 2 ;;
  esac
done
python3 "$HERE/s3report.py" "$RESULT" | tee "$RESULT/summary.md"
