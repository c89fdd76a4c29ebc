#!/usr/bin/env bash
# A fleet on one machine: an S3 store (Ceph RGW, or the one S3_ENDPOINT names), nodes of the sample host over the
# S3 provider, each on its own loopback address with its own passive range, and HAProxy in front. See README.md.
#
#   fleet.sh start DIR          start everything, keeping configuration, logs and PIDs in DIR
#   fleet.sh stop DIR           stop HAProxy, the nodes (gracefully, then by force) and the RGW this script started
#   fleet.sh start-node DIR N   start node N again (after it was stopped or killed), with the same settings
#   fleet.sh stop-node DIR N    stop node N (SIGTERM: it drains its transfers)
#
# Environment (defaults in brackets): FLEET_BALANCER [127.0.0.10], FLEET_NODES [3] (node N on 127.0.0.(10+N)),
# FLEET_PORT [2121], FLEET_PASSIVE_BASE [50000], FLEET_PASSIVE_PORTS [100 per node], FLEET_BUCKET [ftp-fleet],
# FLEET_PREFIX [none], FLEET_USERS ["alice:alice-pw"], FLEET_SERVER [the sample host's dll, built in Release when
# unset], FLEET_NODE_ARGS [none], FLEET_START_TIMEOUT [90 s]; S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY to use an
# existing store (else tests/Services/rgw.sh starts one in DIR/rgw). Ftp__* variables reach every node.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

usage() { echo "usage: $0 start|stop DIR | start-node|stop-node DIR N" >&2; exit 2; }

alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# Waits up to $3 seconds for PID $2 (recorded in DIR/$1.pid) to exit after SIGTERM, then kills it.
stop_pid() {
  local name=$1 pid=$2 limit=$3 deadline
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + limit))
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if alive "$pid"; then
      echo "fleet.sh: $name ($pid) still running after ${limit} s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    fi
  fi
  ! alive "$pid"
}

stop_named() {
  local dir=$1 name=$2 limit=$3
  [ -f "$dir/$name.pid" ] || return 0
  stop_pid "$name" "$(cat "$dir/$name.pid")" "$limit" || { echo "fleet.sh: $name did not exit" >&2; return 1; }
  rm -f "$dir/$name.pid"
}

# Writes DIR/fleet.env: every setting, so start-node and stop use the same ones.
write_settings() {
  local dir=$1
  {
    printf 'FLEET_BALANCER=%q\n' "${FLEET_BALANCER:-127.0.0.10}"
    printf 'FLEET_NODES=%q\n' "${FLEET_NODES:-3}"
    printf 'FLEET_PORT=%q\n' "${FLEET_PORT:-2121}"
    printf 'FLEET_PASSIVE_BASE=%q\n' "${FLEET_PASSIVE_BASE:-50000}"
    printf 'FLEET_PASSIVE_PORTS=%q\n' "${FLEET_PASSIVE_PORTS:-100}"
    printf 'FLEET_BUCKET=%q\n' "${FLEET_BUCKET:-ftp-fleet}"
    printf 'FLEET_PREFIX=%q\n' "${FLEET_PREFIX:-}"
    printf 'FLEET_USERS=%q\n' "${FLEET_USERS-alice:alice-pw}"
    printf 'FLEET_SERVER=%q\n' "$FLEET_SERVER"
    printf 'FLEET_NODE_ARGS=%q\n' "${FLEET_NODE_ARGS:-}"
    printf 'FLEET_START_TIMEOUT=%q\n' "${FLEET_START_TIMEOUT:-90}"
    printf 'S3_ENDPOINT=%q\nS3_ACCESS_KEY=%q\nS3_SECRET_KEY=%q\n' "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
  } >"$dir/fleet.env"
  chmod 600 "$dir/fleet.env"
}

node_address() { echo "${FLEET_BALANCER%.*}.$((${FLEET_BALANCER##*.} + $1))"; }

passive_range() {
  local from=$((FLEET_PASSIVE_BASE + ($1 - 1) * FLEET_PASSIVE_PORTS))
  echo "$from-$((from + FLEET_PASSIVE_PORTS - 1))"
}

write_haproxy_config() {
  local dir=$1 n
  {
    cat <<EOF
global
    maxconn ${FLEET_MAXCONN:-4000}
    stats socket $dir/haproxy.sock mode 600 level admin

defaults
    mode tcp
    log stdout format raw local0 info
    option tcplog
    # The control connection is idle while a transfer runs: the nodes' own idle timeout ends idle sessions.
    timeout connect 2s
    timeout client 1h
    timeout server 1h
    # A node that refuses the connection (just died, not yet marked down) is retried, then another node is tried.
    retries 3
    option redispatch 1
    # Nodes see the balancer's address, which they trust for PROXY headers.
    source $FLEET_BALANCER

frontend control
    bind $FLEET_BALANCER:$FLEET_PORT
    default_backend nodes

backend nodes
    balance roundrobin
EOF
    for n in $(seq 1 "$FLEET_NODES"); do
      echo "    server node$n $(node_address "$n"):$FLEET_PORT send-proxy-v2 check check-send-proxy inter 300ms fastinter 200ms downinter 500ms fall 1 rise 2"
    done
    for n in $(seq 1 "$FLEET_NODES"); do
      cat <<EOF

# Node $n's passive range: a data connection to a port of it goes to that node, the same port.
frontend passive$n
    bind $FLEET_BALANCER:$(passive_range "$n")
    default_backend passive$n

backend passive$n
    server node$n $(node_address "$n") send-proxy-v2
EOF
    done
  } >"$dir/haproxy.cfg"
}

start_node() {
  local dir=$1 n=$2 address users=() user deadline log banners
  address=$(node_address "$n")
  log="$dir/node$n.log"
  : >>"$log"
  banners=$(grep -c '^Press Ctrl+C to stop.$' "$log" || true)
  if [ -f "$dir/node$n.pid" ] && alive "$(cat "$dir/node$n.pid")"; then
    echo "fleet.sh: node$n is running" >&2
    return 1
  fi
  for user in $FLEET_USERS; do users+=(--user "$user"); done
  # shellcheck disable=SC2086 # FLEET_NODE_ARGS is a list of words
  FTP__S3__ACCESSKEY=$S3_ACCESS_KEY FTP__S3__SECRETKEY=$S3_SECRET_KEY Ftp__Greeting="Ftp.Embedded node$n ready" \
    setsid dotnet "$FLEET_SERVER" --listen "$address" --port "$FLEET_PORT" \
    --passive-ports "$(passive_range "$n")" --public-address "$FLEET_BALANCER" --trusted-proxies "$FLEET_BALANCER/32" \
    --no-active --s3-endpoint "$S3_ENDPOINT" --s3-bucket "$FLEET_BUCKET" ${FLEET_PREFIX:+--s3-prefix "$FLEET_PREFIX"} \
    "${users[@]}" $FLEET_NODE_ARGS >>"$log" 2>&1 </dev/null &
  echo $! >"$dir/node$n.pid"
  deadline=$((SECONDS + FLEET_START_TIMEOUT))
  # The banner's last line, once more than before: this start's listeners are up.
  until [ "$(grep -c '^Press Ctrl+C to stop.$' "$log" || true)" -gt "$banners" ]; do
    alive "$(cat "$dir/node$n.pid")" || { echo "fleet.sh: node$n exited:" >&2; tail -n 20 "$log" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "fleet.sh: node$n did not start within ${FLEET_START_TIMEOUT}s" >&2; return 1; }
    sleep 0.2
  done
  echo "node$n: $address:$FLEET_PORT, passive $(passive_range "$n"), pid $(cat "$dir/node$n.pid")"
}

start_store() {
  local dir=$1 code
  if [ -z "${S3_ENDPOINT:-}" ]; then
    touch "$dir/rgw.started"
    "$REPO/tests/Services/rgw.sh" start "$dir/rgw" >/dev/null
    # shellcheck disable=SC1091
    . "$dir/rgw/env"
  fi
  : "${S3_ACCESS_KEY:?S3_ENDPOINT is set: set S3_ACCESS_KEY and S3_SECRET_KEY too}" "${S3_SECRET_KEY:?set S3_SECRET_KEY}"
  code=$(curl -s -o "$dir/bucket.out" -w '%{http_code}' -m 30 -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$S3_ENDPOINT/${FLEET_BUCKET:-ftp-fleet}") || true
  case $code in
    200|409) ;;
    *) echo "fleet.sh: creating bucket ${FLEET_BUCKET:-ftp-fleet} at $S3_ENDPOINT answered '$code': $(cat "$dir/bucket.out")" >&2; return 1 ;;
  esac
}

start() {
  local dir=$1 n deadline
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/fleet.env" ] && { echo "fleet.sh: $dir already holds a fleet; stop it and use a new folder" >&2; exit 1; }
  if [ -z "${FLEET_SERVER:-}" ]; then
    dotnet build "$REPO/samples/Ftp.Embedded.Samples.Server" -c Release -v quiet -nologo >"$dir/build.log" 2>&1 ||
      { cat "$dir/build.log" >&2; exit 1; }
    FLEET_SERVER="$REPO/samples/Ftp.Embedded.Samples.Server/bin/Release/net10.0/Ftp.Embedded.Samples.Server.dll"
  fi
  start_store "$dir" || { stop "$dir"; exit 1; }
  write_settings "$dir"
  # shellcheck disable=SC1091
  . "$dir/fleet.env"
  for n in $(seq 1 "$FLEET_NODES"); do
    start_node "$dir" "$n" || { stop "$dir"; exit 1; }
  done
  write_haproxy_config "$dir"
  setsid haproxy -db -f "$dir/haproxy.cfg" >>"$dir/haproxy.log" 2>&1 </dev/null &
  echo $! >"$dir/haproxy.pid"
  deadline=$((SECONDS + 20))
  until (exec 3<>"/dev/tcp/$FLEET_BALANCER/$FLEET_PORT") 2>/dev/null; do
    alive "$(cat "$dir/haproxy.pid")" || { echo "fleet.sh: haproxy exited:" >&2; cat "$dir/haproxy.log" >&2; stop "$dir"; exit 1; }
    [ $SECONDS -lt $deadline ] || { echo "fleet.sh: haproxy did not listen within 20 s" >&2; stop "$dir"; exit 1; }
    sleep 0.2
  done
  echo "balancer: ftp://$FLEET_BALANCER:$FLEET_PORT (haproxy pid $(cat "$dir/haproxy.pid")), files in s3://$FLEET_BUCKET at $S3_ENDPOINT"
}

stop() {
  local dir=$1 status=0 n pidfile
  [ -d "$dir" ] || { echo "fleet.sh: no folder $dir" >&2; exit 1; }
  stop_named "$dir" haproxy 10 || status=1
  for pidfile in "$dir"/node*.pid; do
    [ -e "$pidfile" ] || continue
    n=$(basename "$pidfile" .pid)
    stop_named "$dir" "$n" 35 || status=1
  done
  if [ -e "$dir/rgw.started" ] && [ -d "$dir/rgw" ]; then
    "$REPO/tests/Services/rgw.sh" stop "$dir/rgw" || status=1
  fi
  return $status
}

[ $# -ge 2 ] || usage
case $1 in
  start) [ $# -eq 2 ] || usage; start "$2" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  start-node|stop-node)
    [ $# -eq 3 ] || usage
    dir=$(cd "$2" && pwd)
    # shellcheck disable=SC1091
    . "$dir/fleet.env"
    if [ "$1" = start-node ]; then start_node "$dir" "$3"; else stop_named "$dir" "node$3" 35; fi
    ;;
  *) usage ;;
esac
