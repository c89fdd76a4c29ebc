#!/usr/bin/env bash
# A throwaway S3 server for tests: Ceph's RADOS Gateway (one monitor, one memstore OSD, radosgw with the beast
# frontend on 127.0.0.1), no systemd, everything under one folder.
#
#   rgw.sh start DIR   install ceph/radosgw if missing, start the cluster in DIR, print S3_* lines (also in DIR/env)
#   rgw.sh stop DIR    stop radosgw, the OSD and the monitor by the PIDs recorded in DIR
#
# Environment: RGW_PORT (S3 port; default 7480 if free, else a free port), RGW_PORT_BASE (first of the ports the
# monitor and daemons bind; default 46700: monitor v1 +0, v2 +1, daemons +10..+99), RGW_START_TIMEOUT (seconds, 120),
# RGW_MEMSTORE_BYTES (the OSD's in-memory store; default 1 GiB).
set -euo pipefail

ACCESS_KEY=FTPEMBEDDEDTESTKEY00
SECRET_KEY=ftp-embedded-test-secret-key-0000000000
S3_USER=test

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Alive means running and not a zombie.
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

install_if_missing() {
  local tool missing=0
  for tool in ceph ceph-mon ceph-osd monmaptool radosgw radosgw-admin uuidgen curl python3; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
  done
  [ "$missing" = 0 ] && return
  echo "Installing ceph and radosgw"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends ceph radosgw uuid-runtime curl python3 >/dev/null
}

write_conf() {
  local dir=$1 port=$2 base=$3 fsid
  fsid=$(uuidgen)
  cat >"$dir/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$((base + 1)),v1:127.0.0.1:$base]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = secure crc
ms bind port min = $((base + 10))
ms bind port max = $((base + 99))
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
mon cluster log file = $dir/log/cluster.log
mon data = $dir/\$name
osd data = $dir/\$name
osd objectstore = memstore
memstore device bytes = $memstore_bytes
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 1

[client.rgw.test]
ms mon client mode = secure crc
rgw frontends = beast endpoint=127.0.0.1:$port tcp_nodelay=1
rgw data = $dir/\$name
EOF
}

# Starts a daemon in the foreground of its own session and records its PID in DIR/NAME.started-pid.
launch() {
  local dir=$1 name=$2; shift 2
  setsid "$@" >>"$dir/log/$name.out" 2>&1 </dev/null &
  echo $! >"$dir/$name.started-pid"
}

show_logs() {
  local dir=$1 f
  for f in "$dir"/log/*; do
    echo "==> $f <==" >&2
    tail -n 40 "$f" >&2
  done
}

# Reports a failed start with the logs and stops what was started.
fail() {
  echo "rgw.sh: $1" >&2
  show_logs "$2"
  stop "$2" || true
  exit 1
}

start() {
  local dir=$1 port base timeout deadline code conf
  install_if_missing
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/ceph.conf" ] && { echo "rgw.sh: $dir already holds a cluster; stop it and use a new folder" >&2; exit 1; }
  mkdir -p "$dir/run" "$dir/log" "$dir/mon.a" "$dir/osd.0" "$dir/client.rgw.test"
  : >"$dir/keyring"
  base=${RGW_PORT_BASE:-46700}
  port=${RGW_PORT:-7480}
  if [ -z "${RGW_PORT:-}" ] && port_in_use "$port"; then port=$(free_port); fi
  timeout=${RGW_START_TIMEOUT:-120}
  memstore_bytes=${RGW_MEMSTORE_BYTES:-1073741824}
  if port_in_use "$base" || port_in_use $((base + 1)); then
    echo "rgw.sh: port $base or $((base + 1)) is in use (another cluster?); set RGW_PORT_BASE to another range" >&2
    exit 1
  fi
  write_conf "$dir" "$port" "$base"
  conf=(-c "$dir/ceph.conf")

  monmaptool --create --clobber --fsid "$(awk '/^fsid/ {print $3}' "$dir/ceph.conf")" \
    --addv a "[v2:127.0.0.1:$((base + 1)),v1:127.0.0.1:$base]" "$dir/monmap" >/dev/null
  ceph-mon "${conf[@]}" -i a --mkfs --monmap "$dir/monmap" >>"$dir/log/mkfs.out" 2>&1 ||
    fail "ceph-mon --mkfs failed" "$dir"
  launch "$dir" mon.a ceph-mon "${conf[@]}" -f -i a

  local osd_uuid osd_id
  osd_uuid=$(uuidgen)
  osd_id=$(timeout 60 ceph "${conf[@]}" osd new "$osd_uuid" 2>>"$dir/log/mkfs.out") ||
    fail "the monitor did not answer 'ceph osd new'" "$dir"
  [ "$osd_id" = 0 ] || fail "expected OSD id 0, got '$osd_id'" "$dir"
  ceph-osd "${conf[@]}" -i 0 --mkfs --osd-objectstore memstore --osd-uuid "$osd_uuid" \
    >>"$dir/log/mkfs.out" 2>&1 || fail "ceph-osd --mkfs failed" "$dir"
  launch "$dir" osd.0 ceph-osd "${conf[@]}" -f -i 0
  launch "$dir" client.rgw.test radosgw "${conf[@]}" -f -n client.rgw.test

  deadline=$((SECONDS + timeout))
  until code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/") && [ "$code" = 200 ]; do
    [ $SECONDS -lt $deadline ] || fail "radosgw did not serve S3 on 127.0.0.1:$port within ${timeout}s" "$dir"
    alive "$(cat "$dir/client.rgw.test.started-pid")" || fail "radosgw exited" "$dir"
    sleep 0.5
  done

  radosgw-admin "${conf[@]}" user create --uid="$S3_USER" --display-name="$S3_USER" \
    --access-key="$ACCESS_KEY" --secret="$SECRET_KEY" >>"$dir/log/mkfs.out" 2>&1 ||
    fail "radosgw-admin user create failed" "$dir"
  printf 'S3_ENDPOINT=http://127.0.0.1:%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\n' \
    "$port" "$ACCESS_KEY" "$SECRET_KEY" | tee "$dir/env"
}

stop_one() {
  local dir=$1 name=$2 pid deadline
  [ -f "$dir/$name.started-pid" ] || return 0
  pid=$(cat "$dir/$name.started-pid")
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if alive "$pid"; then
      echo "rgw.sh: $name ($pid) still running after 30 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 10))
      while alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    fi
  fi
  alive "$pid" && { echo "rgw.sh: $name ($pid) did not exit" >&2; return 1; }
  rm -f "$dir/$name.started-pid"
}

stop() {
  local dir=$1 status=0
  [ -d "$dir" ] || { echo "rgw.sh: no folder $dir" >&2; exit 1; }
  # radosgw first: with the monitor gone it takes about two minutes to exit.
  stop_one "$dir" client.rgw.test || status=1
  stop_one "$dir" osd.0 || status=1
  stop_one "$dir" mon.a || status=1
  return $status
}

[ $# -eq 2 ] || usage
case $1 in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
