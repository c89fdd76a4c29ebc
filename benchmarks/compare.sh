#!/usr/bin/env bash
# compare.sh - Ftp.Embedded next to vsftpd, pure-ftpd, proftpd and pyftpdlib, measured from outside by
# benchmarks/Ftp.Embedded.Load, one server after the other on this machine's loopback.
#
# Usage (as root, on Debian 12 with the .NET 10 SDK):
#   benchmarks/compare.sh [--quick] [--only NAME[,NAME]] [--idle-sessions N] [--tests T[,T]]
#                         [--wait-quiet MINUTES] [--out DIR] [--keep-data]
#
#   --quick              small sizes for a smoke run (64 MiB / 16 MiB files, 1,000 logins, 500 idle
#                        sessions, 100 small files); writes DATE-quick.md / .png
#   --only NAMES         servers to run, of: ftp-embedded vsftpd pureftpd pyftpdlib proftpd (default all)
#   --idle-sessions N    idle sessions to hold (default 20000; lowered to what the open-files limit allows)
#   --tests LIST         load-tool tests to run (default all; see Ftp.Embedded.Load --help); the FTPS ones:
#                        tls_retr_mbps,tls_stor_mbps,tls_login_rate,tls_small_files_ops
#   --wait-quiet MIN     before each server, wait for a 1-minute load below 0.7 (up to MIN minutes from the
#                        start, then up to 3 minutes per server); figures taken anyway are marked in the report
#   --out DIR            where the report goes (default benchmarks/results)
#   --keep-data          keep the temporary data tree and logs
#
# What it does:
#   1. installs the peers from Debian packages: proftpd-basic, proftpd-mod-crypto (mod_tls), python3-pyftpdlib
#      and python3-openssl (its TLS_FTPHandler) with apt-get; vsftpd and
#      pure-ftpd (which conflict with proftpd as installed packages) with apt-get download + dpkg -x into
#      $PEERS_ROOT, plus the libraries they link; gnuplot-nox for the chart. Service start-up is blocked while
#      apt-get installs (policy-rc.d), so no daemon is left listening on port 21.
#   2. creates the bench user (Unix account $BENCH_USER, password $BENCH_PASS) whose home is the data tree, and
#      the data tree in a temporary directory: pub/big1g.bin (1 GiB), pub/f128m.bin (128 MiB), pub/f1m.bin
#      (1 MiB), pub/dir10k/ (10,000 files of 64 bytes), upload/ (writable by the bench user). Every server shows
#      it as /, with the prepared files in /pub and /upload writable.
#      One self-signed RSA-2048 certificate (openssl, CN=localhost) is made per run: every server offers explicit
#      FTPS with it (AUTH TLS, PBSZ, PROT; TLS optional per session, so the plain figures are measured as before).
#   3. publishes the sample host (samples/Ftp.Embedded.Samples.Server) in Release, ReadyToRun, and the load tool.
#   4. for each server: writes its configuration, starts it on 127.0.0.1 (control ports below, passive ports
#      $PASV_MIN-$PASV_MAX), runs the load tool with --server-pid (the process that owns the listening socket),
#      stops it and waits until its processes are gone.
#   5. writes DIR/DATE.md (every figure per server, the best peer per figure and Ftp.Embedded's ratio to it),
#      DIR/DATE.png (chart of the ratios) and DIR/DATE/*.json (the load tool's raw results).
#
# Processes are stopped by the PIDs this script started (and their descendants), never by name.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_ROOT=${PEERS_ROOT:-/opt/ftp-embedded-compare}
BENCH_USER=${BENCH_USER:-ftpcompare}
BENCH_PASS=${BENCH_PASS:-ftpcompare-bench}
PASV_MIN=31000
PASV_MAX=31999
# proftpd last: tearing down its ~11,000 idle session processes leaves the load average high for minutes
ALL_SERVERS="ftp-embedded vsftpd pureftpd pyftpdlib proftpd"
PY=/usr/bin/python3

port_of() {
  case $1 in
    ftp-embedded) echo 2151 ;; vsftpd) echo 2152 ;; pureftpd) echo 2153 ;; proftpd) echo 2154 ;; pyftpdlib) echo 2155 ;;
    *) return 1 ;;
  esac
}
title_of() {
  case $1 in
    ftp-embedded) echo Ftp.Embedded ;; vsftpd) echo vsftpd ;; pureftpd) echo pure-ftpd ;; proftpd) echo proftpd ;; pyftpdlib) echo pyftpdlib ;;
  esac
}

log() { printf '[compare] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ------------------------------------------------------------------ options
QUICK=0
ONLY=$ALL_SERVERS
IDLE=20000
IDLE_GIVEN=0
TESTS=""
WAIT_QUIET=0
OUT=$REPO/benchmarks/results
KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --only) [ $# -ge 2 ] || die "--only needs a value"; ONLY=${2//,/ }; shift ;;
    --idle-sessions) [ $# -ge 2 ] || die "--idle-sessions needs a value"; IDLE=$2; IDLE_GIVEN=1; shift ;;
    --tests) [ $# -ge 2 ] || die "--tests needs a value"; TESTS=$2; shift ;;
    --wait-quiet) [ $# -ge 2 ] || die "--wait-quiet needs a value"; WAIT_QUIET=$2; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; OUT=$2; shift ;;
    --keep-data) KEEP=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
for s in $ONLY; do port_of "$s" >/dev/null || die "unknown server '$s' (known: $ALL_SERVERS)"; done
[[ $IDLE =~ ^[0-9]+$ ]] && [ "$IDLE" -ge 1 ] || die "--idle-sessions: '$IDLE' is not a positive number"
[[ $WAIT_QUIET =~ ^[0-9]+$ ]] || die "--wait-quiet: '$WAIT_QUIET' is not a number of minutes"
[ "$(id -u)" = 0 ] || die "run as root (installs packages, creates the bench user, servers bind and chroot)"
command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is needed to build the sample host and the load tool"

if [ "$QUICK" = 1 ]; then
  BIG_MIB=64; MID_MIB=16
  [ "$IDLE_GIVEN" = 1 ] || IDLE=500
  LOAD_SIZES=(--big-mib 64 --mid-mib 16 --login-count 1000 --small-count 100)
  SUFFIX=-quick
else
  BIG_MIB=1024; MID_MIB=128
  LOAD_SIZES=()
  SUFFIX=""
fi

DATE=$(date +%Y-%m-%d)
WORK=$(mktemp -d /tmp/ftpe-compare.XXXXXX)
chmod 755 "$WORK"
DATA=$WORK/data
RAW=$WORK/results
mkdir -p "$RAW"

# ------------------------------------------------------ cleanup on any exit
STARTED_PIDS=()   # "pid starttime" of every daemon this script started
starttime_of() {  # field 22 of /proc/PID/stat (after "pid (comm)"); empty when the process is gone
  local s
  { read -r s < "/proc/$1/stat"; } 2>/dev/null || return 0
  s=${s##*) }
  set -- $s
  echo "${20}"
}
descendants() {   # all descendants of $1, from one listing of every process's parent
  ps -eo pid=,ppid= | awk -v root="$1" '{ parent[$1] = $2 }
    END { tree[root] = 1; grown = 1
          while (grown) { grown = 0; for (k in parent) if (!(k in tree) && (parent[k] in tree)) { tree[k] = 1; grown = 1 } }
          for (k in tree) if (k != root) print k }'
}
stop_tree() {     # $1 pid, $2 its start time: TERM the tree, wait up to 30 s, then KILL what is left
  local pid=$1 st=$2 k i alive
  [ "$(starttime_of "$pid")" = "$st" ] || return 0
  local -A start=()
  local pids="$pid $(descendants "$pid" | tr '\n' ' ')"
  for k in $pids; do start[$k]=$(starttime_of "$k"); done
  for k in $pids; do [ -n "${start[$k]}" ] && [ "$(starttime_of "$k")" = "${start[$k]}" ] && kill -TERM "$k" 2>/dev/null || true; done
  for i in $(seq 1 150); do
    alive=""
    for k in $pids; do [ -n "${start[$k]}" ] && [ "$(starttime_of "$k")" = "${start[$k]}" ] && alive="$alive $k"; done
    [ -z "$alive" ] && return 0
    sleep 0.2
  done
  log "still alive after 30 s:$alive; sending KILL"
  for k in $alive; do [ "$(starttime_of "$k")" = "${start[$k]}" ] && kill -KILL "$k" 2>/dev/null || true; done
  sleep 1
}
cleanup() {
  local entry
  for entry in "${STARTED_PIDS[@]}"; do stop_tree $entry; done
  if [ "$KEEP" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ install
install_peers() {
  local pkgs=()
  [ -x /usr/sbin/proftpd ] || pkgs+=(proftpd-basic)
  [ -f /usr/lib/proftpd/mod_tls.so ] || pkgs+=(proftpd-mod-crypto)
  "$PY" -c 'import pyftpdlib' 2>/dev/null || pkgs+=(python3-pyftpdlib)
  "$PY" -c 'import OpenSSL' 2>/dev/null || pkgs+=(python3-openssl)
  command -v openssl >/dev/null || pkgs+=(openssl)
  command -v gnuplot >/dev/null || pkgs+=(gnuplot-nox)
  command -v ss >/dev/null || pkgs+=(iproute2)
  local unpack=0
  [ -x "$PEERS_ROOT/usr/sbin/vsftpd" ] && [ -x "$PEERS_ROOT/usr/sbin/pure-ftpd" ] || unpack=1
  [ ${#pkgs[@]} -eq 0 ] && [ $unpack = 0 ] && return 0
  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  apt-get update -qq >/dev/null || die "apt-get update failed"
  if [ ${#pkgs[@]} -gt 0 ]; then
    log "installing ${pkgs[*]}"
    # keep the packages' services from starting (proftpd would listen on port 21)
    local policy=/usr/sbin/policy-rc.d own_policy=0
    if [ ! -e $policy ]; then printf '#!/bin/sh\nexit 101\n' > $policy; chmod 755 $policy; own_policy=1; fi
    local rc=0
    apt-get install -y -qq "${pkgs[@]}" >/dev/null || rc=$?
    [ $own_policy = 1 ] && rm -f $policy
    [ $rc = 0 ] || die "apt-get install ${pkgs[*]} failed"
  fi
  if [ $unpack = 1 ]; then
    log "unpacking vsftpd and pure-ftpd into $PEERS_ROOT"
    local debs; debs=$(mktemp -d)
    chmod 777 "$debs"   # apt-get download runs as the _apt user
    (cd "$debs" && apt-get download -qq vsftpd pure-ftpd >/dev/null) || die "apt-get download vsftpd pure-ftpd failed"
    mkdir -p "$PEERS_ROOT"
    local f; for f in "$debs"/*.deb; do
      dpkg -x "$f" "$PEERS_ROOT" || die "cannot unpack $f"
      dpkg-deb -f "$f" Package Version | paste -sd' ' >> "$PEERS_ROOT/versions.txt"
    done
    rm -rf "$debs"
    # the libraries they link (dpkg -x does not install dependencies)
    local libs
    libs=$(apt-cache depends vsftpd pure-ftpd 2>/dev/null | awk '$1 ~ /^\|?Depends:$/ && $2 ~ /^lib/ {print $2}' | sort -u | tr '\n' ' ')
    [ -n "$libs" ] && { apt-get install -y -qq $libs >/dev/null || die "apt-get install $libs failed"; }
  fi
  [ -x "$PEERS_ROOT/usr/sbin/vsftpd" ] && [ -x "$PEERS_ROOT/usr/sbin/pure-ftpd" ] && [ -x /usr/sbin/proftpd ] \
    && [ -f /usr/lib/proftpd/mod_tls.so ] && "$PY" -c 'import pyftpdlib, OpenSSL' || die "peer servers missing after install"
  local b; for b in "$PEERS_ROOT/usr/sbin/vsftpd" "$PEERS_ROOT/usr/sbin/pure-ftpd"; do
    ! ldd "$b" | grep -q 'not found' || die "$b: missing libraries: $(ldd "$b" | grep 'not found' | tr '\n' ' ')"
  done
}

# ---------------------------------------------------------- user and data
prepare_data() {
  if ! getent passwd ftp >/dev/null; then   # the anonymous account of vsftpd, pure-ftpd and proftpd
    log "creating system user ftp (anonymous logins)"
    useradd --system --home-dir /srv/ftp --no-create-home --shell /usr/sbin/nologin ftp
  fi
  local ftp_home; ftp_home=$(getent passwd ftp | cut -d: -f6)
  [ -d "$ftp_home" ] || { mkdir -p "$ftp_home"; chmod 755 "$ftp_home"; }
  if ! getent passwd "$BENCH_USER" >/dev/null; then
    log "creating Unix user $BENCH_USER"
    useradd --no-create-home --home-dir "$DATA" --shell /bin/sh "$BENCH_USER"
  fi
  usermod --home "$DATA" "$BENCH_USER" 2>/dev/null || true
  echo "$BENCH_USER:$BENCH_PASS" | chpasswd
  local uid; uid=$(id -u "$BENCH_USER")

  log "creating the data tree in $DATA (${BIG_MIB} MiB, ${MID_MIB} MiB, 1 MiB, 10,000 files)"
  mkdir -p "$DATA/pub/dir10k" "$DATA/upload"
  head -c $((BIG_MIB * 1048576)) /dev/urandom > "$DATA/pub/big1g.bin"
  head -c $((MID_MIB * 1048576)) /dev/urandom > "$DATA/pub/f128m.bin"
  head -c 1048576 /dev/urandom > "$DATA/pub/f1m.bin"
  "$PY" -c '
import os, sys
for i in range(10000):
    with open(os.path.join(sys.argv[1], "file%05d.txt" % i), "wb") as f:
        f.write(b"%063d\n" % i)' "$DATA/pub/dir10k"
  chown -R root:root "$DATA"
  chmod -R u=rwX,go=rX "$DATA"
  chown "$uid" "$DATA/upload"
}

# ------------------------------------------------------- FTPS certificate
# One self-signed RSA-2048 certificate per run for every server. CN=localhost: the load tool accepts the server's
# certificate by that subject (it checks no chain). The key is read by each server as root, before it drops privileges.
TLS_CERT=$WORK/tls/cert.pem
TLS_KEY=$WORK/tls/key.pem
make_cert() {
  log "creating a self-signed RSA-2048 certificate for FTPS ($TLS_CERT)"
  mkdir -p "$WORK/tls"; chmod 755 "$WORK/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$TLS_KEY" -out "$TLS_CERT" > "$WORK/tls/openssl.log" 2>&1 \
    || { cat "$WORK/tls/openssl.log" >&2; die "openssl req failed"; }
  chmod 600 "$TLS_KEY"; chmod 644 "$TLS_CERT"
}

# ------------------------------------------------------------------ build
build() {
  log "publishing the sample host (Release, ReadyToRun) and the load tool"
  dotnet publish "$REPO/samples/Ftp.Embedded.Samples.Server" -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$WORK/ftp-embedded-bin" > "$WORK/publish-server.log" 2>&1 \
    || { tail -20 "$WORK/publish-server.log" >&2; die "cannot publish the sample host"; }
  dotnet publish "$REPO/benchmarks/Ftp.Embedded.Load" -c Release -o "$WORK/load-bin" > "$WORK/publish-load.log" 2>&1 \
    || { tail -20 "$WORK/publish-load.log" >&2; die "cannot publish the load tool"; }
}

# ---------------------------------------------------------------- configs
# Every server: 127.0.0.1 only, passive ports PASV_MIN-PASV_MAX, anonymous read-only logins, the bench user
# chrooted to the data tree, idle timeout 900 s, session limits above the idle sessions asked for, logging low.
max_clients() { echo $((IDLE + 200)); }

write_vsftpd() {
  local d=$WORK/vsftpd
  mkdir -p "$d/empty"; chmod 555 "$d/empty"
  # PAM: password check against /etc/shadow, nothing else
  cat > /etc/pam.d/ftpe-compare-vsftpd <<'EOF'
# written by Ftp.Embedded benchmarks/compare.sh for its vsftpd peer
@include common-auth
@include common-account
EOF
  cat > "$d/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$(port_of vsftpd)
background=NO
anonymous_enable=YES
anon_root=$DATA
no_anon_password=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
secure_chroot_dir=$d/empty
pam_service_name=ftpe-compare-vsftpd
pasv_enable=YES
pasv_min_port=$PASV_MIN
pasv_max_port=$PASV_MAX
connect_from_port_20=NO
max_clients=$(max_clients)
max_per_ip=$(max_clients)
idle_session_timeout=900
data_connection_timeout=300
use_sendfile=YES
isolate=NO
isolate_network=NO
seccomp_sandbox=NO
dirmessage_enable=NO
xferlog_enable=NO
syslog_enable=NO
vsftpd_log_file=$d/vsftpd.log
# explicit FTPS, optional per session. require_ssl_reuse=NO: with its default YES vsftpd refuses a PROT P data
# connection that does not resume the control connection's TLS session ("522 SSL connection failed: session reuse
# required").
ssl_enable=YES
rsa_cert_file=$TLS_CERT
rsa_private_key_file=$TLS_KEY
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
require_ssl_reuse=${VSFTPD_REQUIRE_SSL_REUSE:-NO}
EOF
  echo "$PEERS_ROOT/usr/sbin/vsftpd $d/vsftpd.conf"
}

write_proftpd() {
  local d=$WORK/proftpd
  mkdir -p "$d"
  cat > "$d/proftpd.conf" <<EOF
ServerName "proftpd (Ftp.Embedded compare)"
ServerType standalone
DefaultServer on
UseIPv6 off
DefaultAddress 127.0.0.1
SocketBindTight on
Port $(port_of proftpd)
User nobody
Group nogroup
PidFile $d/proftpd.pid
ScoreboardFile $d/proftpd.scoreboard
DelayEngine off
ControlsEngine off
WtmpLog off
UseLastlog off
UseReverseDNS off
SystemLog $d/proftpd.log
TransferLog none
MaxInstances $(max_clients)
MaxClients none
MaxClientsPerHost none
PassivePorts $PASV_MIN $PASV_MAX
AuthOrder mod_auth_unix.c
RequireValidShell off
UseFtpUsers off
DefaultRoot ~
AllowOverwrite on
Umask 022
TimeoutIdle 900
UseSendfile on
<Anonymous $DATA>
  User ftp
  Group nogroup
  UserAlias anonymous ftp
  RequireValidShell off
  MaxClients none
  <Limit WRITE>
    DenyAll
  </Limit>
</Anonymous>
# explicit FTPS, optional per session: mod_tls from proftpd-mod-crypto
ModulePath /usr/lib/proftpd
<IfModule !mod_tls.c>
  LoadModule mod_tls.c
</IfModule>
TLSEngine on
TLSProtocol TLSv1.2 TLSv1.3
TLSRSACertificateFile $TLS_CERT
TLSRSACertificateKeyFile $TLS_KEY
# else every session, plain ones too, parses the system CA bundle
TLSCACertificateFile $TLS_CERT
TLSRequired off
TLSVerifyClient off
TLSRenegotiate none
TLSOptions NoSessionReuseRequired
EOF
  /usr/sbin/proftpd -t -c "$d/proftpd.conf" > "$d/configtest.log" 2>&1 || { cat "$d/configtest.log" >&2; die "proftpd rejects its configuration"; }
  echo "/usr/sbin/proftpd -n -q -c $d/proftpd.conf"
}

write_pyftpdlib() {
  local d=$WORK/pyftpdlib
  mkdir -p "$d"
  cat > "$d/serve.py" <<EOF
import logging, os, pwd
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler as FTPHandler
from pyftpdlib.servers import FTPServer

logging.basicConfig(filename="$d/pyftpdlib.log", level=logging.WARNING)
authorizer = DummyAuthorizer()
authorizer.add_user("$BENCH_USER", "$BENCH_PASS", "$DATA", perm="elr")
authorizer.override_perm("$BENCH_USER", "$DATA/upload", perm="elradfmwMT", recursive=True)
authorizer.add_anonymous("$DATA", perm="elr")
FTPHandler.authorizer = authorizer
FTPHandler.passive_ports = range($PASV_MIN, $PASV_MAX + 1)
FTPHandler.timeout = 900
FTPHandler.certfile = "$TLS_CERT"   # explicit FTPS, optional per session (pyOpenSSL); loaded by FTPServer(), as root
FTPHandler.keyfile = "$TLS_KEY"
server = FTPServer(("127.0.0.1", $(port_of pyftpdlib)), FTPHandler, backlog=1024)
server.max_cons = $(max_clients)
server.max_cons_per_ip = 0
bench = pwd.getpwnam("$BENCH_USER")   # bound: now run as the bench user
os.setgroups([])
os.setgid(bench.pw_gid)
os.setuid(bench.pw_uid)
server.serve_forever()
EOF
  echo "$PY $d/serve.py"
}

pureftpd_cmd() {
  # -A chroot everyone (the bench user to its home, the data tree), -H no DNS, -c/-C client limits
  # (pure-ftpd caps them at half the passive range), -L LIST limits above 10,000 files, -I idle minutes
  echo "$PEERS_ROOT/usr/sbin/pure-ftpd -S 127.0.0.1,$(port_of pureftpd) -l unix -A -H -4 -c $(max_clients) -C $(max_clients) -p $PASV_MIN:$PASV_MAX -L 20000:5 -I 15 -f none -Y 1 -2 $TLS_CERT,$TLS_KEY"
}

ftpe_hash() {   # FtpPasswordHasher's format: PBKDF2-SHA256$iterations$salt$hash (base64)
  "$PY" -c '
import base64, hashlib, os, sys
salt = os.urandom(16)
key = hashlib.pbkdf2_hmac("sha256", sys.argv[1].encode(), salt, 100000, 32)
print("PBKDF2-SHA256$100000$%s$%s" % (base64.b64encode(salt).decode(), base64.b64encode(key).decode()))' "$BENCH_PASS"
}

# ------------------------------------------------------------ run a server
SERVER_PID=""
start_server() {
  local name=$1 port; port=$(port_of "$1")
  local d=$WORK/$name; mkdir -p "$d"
  ! ss -ltnH "sport = :$port" | grep -q . || die "port $port is in use; not starting $name"
  local cmd
  case $name in
    ftp-embedded)
      cmd="$WORK/ftp-embedded-bin/Ftp.Embedded.Samples.Server --port $port --root $DATA --passive-ports $PASV_MIN-$PASV_MAX --max-sessions $(max_clients) --max-sessions-per-ip $(max_clients) --log-level Warning --tls-cert $TLS_CERT --tls-key $TLS_KEY"
      export Ftp__Users__0__Name=$BENCH_USER Ftp__Users__0__PasswordHash; Ftp__Users__0__PasswordHash=$(ftpe_hash)
      export Ftp__Users__0__HomeDirectory=/ Ftp__Limits__IdleTimeout=900 Logging__LogLevel__Default=Warning ;;
    vsftpd) cmd=$(write_vsftpd) ;;
    pureftpd) cmd=$(pureftpd_cmd) ;;
    proftpd) cmd=$(write_proftpd) ;;
    pyftpdlib) cmd=$(write_pyftpdlib) ;;
  esac
  log "starting $name on 127.0.0.1:$port: $cmd"
  echo "$cmd" > "$d/command"
  # shellcheck disable=SC2086 # the command is a plain word list
  (cd "$d" && exec setsid $cmd > "$d/output.log" 2>&1 < /dev/null) &
  local launched=$!
  unset Ftp__Users__0__Name Ftp__Users__0__PasswordHash Ftp__Users__0__HomeDirectory Ftp__Limits__IdleTimeout Logging__LogLevel__Default
  STARTED_PIDS+=("$launched $(starttime_of "$launched")")
  local i
  for i in $(seq 1 100); do
    SERVER_PID=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
    [ -n "$SERVER_PID" ] && break
    sleep 0.2
  done
  if [ -z "$SERVER_PID" ]; then
    tail -20 "$d/output.log" >&2
    die "$name did not start listening on $port"
  fi
  # the listening process is the root of the server's tree; remember it too in case it left the launcher
  STARTED_PIDS+=("$SERVER_PID $(starttime_of "$SERVER_PID")")
  log "$name: pid $SERVER_PID listens on $port"
}

stop_servers() {
  local entry
  for entry in "${STARTED_PIDS[@]}"; do stop_tree $entry; done
  STARTED_PIDS=()
}

wait_quiet() {   # until the 1-minute load is below 0.7: at most until QUIET_DEADLINE, and then at most 3 minutes
  [ "$WAIT_QUIET" -gt 0 ] || return 0
  local load until=$QUIET_DEADLINE now; now=$(date +%s)
  [ "$until" -ge $((now + 180)) ] || until=$((now + 180))   # always let our own previous run's load decay
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" 'BEGIN { exit !(l < 0.7) }' && return 0
    if [ "$(date +%s)" -ge "$until" ]; then
      log "load $load still not below 0.7; measuring $1 anyway"
      NOT_QUIET="$NOT_QUIET $(title_of "$1") (load $load);"
      return 0
    fi
    log "load $load; waiting for a quiet machine before $1"
    sleep 15
  done
}

run_server() {
  local name=$1
  # Write back what the data tree and the previous server left dirty, so that no server's uploads pay for it.
  sync
  wait_quiet "$name"
  start_server "$name"
  sleep 2
  LOADAVG[$name]=$(cut -d' ' -f1-3 /proc/loadavg)
  local args=(--host 127.0.0.1 --port "$(port_of "$name")" --user "$BENCH_USER" --password "$BENCH_PASS"
              --workdir /upload --pubdir /pub --server-pid "$SERVER_PID" --label "$name"
              --idle-sessions "$IDLE" --min-available-mib 3072 --json "$RAW/$name.json" "${LOAD_SIZES[@]}")
  [ -n "$TESTS" ] && args+=(--only "$TESTS")
  log "measuring $name"
  dotnet "$WORK/load-bin/Ftp.Embedded.Load.dll" "${args[@]}" 2>&1 | tee "$RAW/$name.txt" || log "$name: some tests failed (see the report)"
  stop_servers
  sleep 3
}

# -------------------------------------------------------------------- main
declare -A LOADAVG=()
NOT_QUIET=""
QUIET_DEADLINE=$(( $(date +%s) + WAIT_QUIET * 60 ))
for s in $ONLY; do p=$(port_of "$s"); ! ss -ltnH "sport = :$p" | grep -q . || die "port $p ($s) is already in use"; done

# open files: each idle session is one descriptor in the load tool and one in a single-process server
WANT_FD=$((IDLE + 1024))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$WANT_FD" ]; then
  ulimit -Hn "$WANT_FD" 2>/dev/null || true
fi
HARD_FD=$(ulimit -Hn)
[ "$HARD_FD" = unlimited ] && HARD_FD=$WANT_FD
ulimit -Sn "$(( HARD_FD < WANT_FD ? HARD_FD : WANT_FD ))"
FD_NOTE=""
if [ "$(ulimit -Sn)" -lt "$WANT_FD" ]; then
  NEW_IDLE=$(( $(ulimit -Sn) - 500 ))
  FD_NOTE="The open-files limit here is $(ulimit -Sn) and cannot be raised (no CAP_SYS_RESOURCE), so each run asked for $NEW_IDLE idle sessions instead of $IDLE."
  log "$FD_NOTE"
  IDLE=$NEW_IDLE
fi

install_peers
prepare_data
make_cert
build

for s in $ALL_SERVERS; do
  case " $ONLY " in *" $s "*) run_server "$s" ;; esac
done

# ------------------------------------------------------------------ report
mkdir -p "$OUT/$DATE$SUFFIX"
cp "$RAW"/*.json "$RAW"/*.txt "$OUT/$DATE$SUFFIX/" 2>/dev/null || true
pairs=()
for s in $ALL_SERVERS; do
  case " $ONLY " in *" $s "*) pairs+=("$(title_of "$s")=$RAW/$s.json") ;; esac
done
dotnet "$WORK/load-bin/Ftp.Embedded.Load.dll" compare --out "$WORK/table.md" --chart-data "$WORK/ratios.dat" "${pairs[@]}"

deb_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"; }
unpacked_version() { awk -v p="Package: $1" '$0 ~ p { v = $NF } END { print (v ? v : "?") }' "$PEERS_ROOT/versions.txt" 2>/dev/null || echo "?"; }
dotnet_v=$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}')
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "?")
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)

REPORT=$OUT/$DATE$SUFFIX.md
CHART=$DATE$SUFFIX.png
{
  echo "# Ftp.Embedded next to peer FTP servers, $DATE${SUFFIX:+ (quick smoke run: small sizes, not for comparison)}"
  echo
  echo "Measured by \`benchmarks/compare.sh$( [ "$QUICK" = 1 ] && echo " --quick")$( [ "$ONLY" != "$ALL_SERVERS" ] && echo " --only ${ONLY// /,}")\` with \`benchmarks/Ftp.Embedded.Load\`"
  echo "at commit $commit: one server at a time on 127.0.0.1, client and server on the same machine."
  echo
  echo "- Machine: $(nproc) cores ($cpu), $mem, Linux $(uname -r), $(. /etc/os-release && echo "$PRETTY_NAME")."
  echo "- Servers: Ftp.Embedded sample host (commit $commit, .NET $dotnet_v, ReadyToRun); Debian packages vsftpd $(unpacked_version vsftpd),"
  echo "  pure-ftpd $(unpacked_version pure-ftpd), proftpd-core $(deb_version proftpd-core), python3-pyftpdlib $(deb_version python3-pyftpdlib)."
  echo "- Sizes: big file $BIG_MIB MiB, parallel file $MID_MIB MiB x 8, 10,000-file directory, idle sessions asked: $IDLE."
  echo "- 1-minute / 5 / 15 load average when each server's run began:$(for s in $ALL_SERVERS; do [ -n "${LOADAVG[$s]:-}" ] && printf ' %s %s;' "$(title_of "$s")" "${LOADAVG[$s]}"; done)"
  [ -n "$NOT_QUIET" ] && echo "- Measured although the machine was not quiet (1-minute load ≥ 0.7 after waiting):$NOT_QUIET"
  [ -n "$FD_NOTE" ] && echo "- $FD_NOTE"
  echo
  cat "$WORK/table.md"
  echo
  echo "![Ftp.Embedded's advantage over the best peer per figure](${CHART})"
  echo
  echo "Configuration of the peers (written by compare.sh): vsftpd with \`isolate=NO\`, \`isolate_network=NO\`,"
  echo "\`seccomp_sandbox=NO\` and sendfile; pure-ftpd with \`-A -H -L 20000:5\` (it caps its client limit at half the"
  echo "passive range: 500 here); proftpd standalone with sendfile and \`DelayEngine off\`; pyftpdlib's FTPHandler."
  echo "FTPS (the \`tls_*\` figures): one self-signed RSA-2048 certificate made by openssl for this run, explicit TLS"
  echo "optional per session on every server: Ftp.Embedded \`--tls-cert/--tls-key\`; vsftpd \`ssl_enable=YES\`,"
  echo "\`require_ssl_reuse=NO\`; pure-ftpd \`-Y 1 -2 cert,key\`; proftpd mod_tls (\`TLSRequired off\`,"
  echo "\`NoSessionReuseRequired\`); pyftpdlib's TLS_FTPHandler. The load tool offers TLS 1.2 and 1.3 and sends"
  echo "AUTH TLS, PBSZ 0 and PROT P on every session; each data connection is a TLS handshake (session resumption"
  echo "left to .NET's client session cache)."
  echo "The raw results of the load tool are in [$DATE$SUFFIX/]($DATE$SUFFIX/)."
} > "$REPORT"

if command -v gnuplot >/dev/null && [ -s "$WORK/ratios.dat" ]; then
  gnuplot <<EOF || log "gnuplot failed; no chart"
set terminal pngcairo size 1000,560 font "DejaVu Sans,10"
set output "$OUT/$CHART"
set termoption noenhanced
set title "Ftp.Embedded vs the best peer per figure, $DATE${SUFFIX} (above 1 = Ftp.Embedded better)"
set logscale y 2
set yrange [*:*]
set grid ytics
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -35 left
set ylabel "advantage (x, log scale)"
set bmargin 9
set rmargin 10
set offsets 0.5, 0.5, 0, 0
unset key
plot "$WORK/ratios.dat" using 0:2:(\$0 - 0.35):(\$0 + 0.35):(1):2:(\$2 >= 1 ? 0x2e8b57 : 0xcd5c5c):xtic(1) \
       with boxxyerror lc rgb variable, \
     "" using 0:(\$2 >= 1 ? \$2 * 1.12 : \$2 / 1.12):(sprintf("%.2f", \$2)) with labels font ",9", \
     1 with lines lc rgb "black" lw 1
EOF
fi
log "report: $REPORT"
[ -f "$OUT/$CHART" ] && log "chart: $OUT/$CHART"
exit 0
