#!/usr/bin/env python3
"""Wall and server CPU of one listing, median of RUNS after a warm-up:
listing_median.py PORT SERVER_PID USER PASSWORD COMMAND DIR [RUNS] (COMMAND: NLST, LIST or MLSD).
SERVER_PID as child:PID measures the newest child of PID once logged in (a forking server such as pure-ftpd)."""
import ftplib, os, statistics, sys, time
port, pid, user, password, cmd, d = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
runs = int(sys.argv[7]) if len(sys.argv) > 7 else 5
def cpu():
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(f[11]) + int(f[12])
    return total * 1000 / os.sysconf("SC_CLK_TCK")
f = ftplib.FTP(); f.connect("127.0.0.1", port); f.login(user, password)
if pid.startswith("child:"):
    children = open(f"/proc/{pid[6:]}/task/{pid[6:]}/children").read().split()
    pid = max(children, key=lambda c: os.stat(f"/proc/{c}").st_mtime)
lines = []; f.retrlines(f"{cmd} {d}", lines.append)  # warm-up
walls, cpus = [], []
for _ in range(runs):
    lines = []; c0 = cpu(); t0 = time.perf_counter()
    f.retrlines(f"{cmd} {d}", lines.append)
    walls.append((time.perf_counter() - t0) * 1000); cpus.append(cpu() - c0)
print(f"{cmd} {d}: {len(lines)} lines; wall median {statistics.median(walls):.1f} ms {[round(w, 1) for w in walls]}; "
      f"server cpu median {statistics.median(cpus):.0f} ms, mean {statistics.mean(cpus):.1f} ms {[round(c) for c in cpus]}")
f.quit()
