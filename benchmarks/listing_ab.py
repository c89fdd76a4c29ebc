#!/usr/bin/env python3
"""Listings of several servers side by side, alternating: wall from PASV to the 226 and server CPU per listing.
listing_ab.py COMMAND ROUNDS RUNS NAME=PORT,PID,USER,PASSWORD,DIR [NAME=...]
Each round visits every server (the order rotates from round to round), logs in, lists DIR once to warm up, then
RUNS times; wall is taken per listing, CPU (utime+stime of every thread of PID, or of the newest child of PID given
as child:PID, for a forking server) over the RUNS listings of the round. Prints per server: listings, wall median and
range, CPU mean per listing and the range of the round means."""
import ftplib, os, statistics, sys, time

def cpu(pid):
    total = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(f[11]) + int(f[12])
    return total * 1000 / os.sysconf("SC_CLK_TCK")

def session_pid(pid):
    if not pid.startswith("child:"):
        return pid
    parent = pid[6:]
    children = open(f"/proc/{parent}/task/{parent}/children").read().split()
    return max(children, key=lambda c: os.stat(f"/proc/{c}").st_mtime)

def listing(f, cmd, d):
    lines = []
    f.retrlines(f"{cmd} {d}", lines.append)
    return len(lines)

cmd, rounds, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
servers = []
for arg in sys.argv[4:]:
    name, spec = arg.split("=", 1)
    port, pid, user, password, d = spec.split(",", 4)
    servers.append({"name": name, "port": int(port), "pid": pid, "user": user, "password": password, "dir": d,
                    "walls": [], "cpus": [], "lines": 0})
for r in range(rounds):
    order = servers[r % len(servers):] + servers[:r % len(servers)]
    for s in order:
        f = ftplib.FTP(); f.connect("127.0.0.1", s["port"]); f.login(s["user"], s["password"])
        pid = session_pid(s["pid"])
        s["lines"] = listing(f, cmd, s["dir"])
        c0 = cpu(pid)
        for _ in range(runs):
            t0 = time.perf_counter()
            listing(f, cmd, s["dir"])
            s["walls"].append((time.perf_counter() - t0) * 1000)
        s["cpus"].append((cpu(pid) - c0) / runs)
        f.quit()
for s in servers:
    w = s["walls"]
    print(f"{s['name']:>12} {cmd} {s['dir']}: {s['lines']} lines, {len(w)} listings; wall median {statistics.median(w):.1f} ms "
          f"(min {min(w):.1f}, max {max(w):.1f}); server cpu mean {statistics.mean(s['cpus']):.1f} ms/listing "
          f"(rounds {min(s['cpus']):.1f}-{max(s['cpus']):.1f})")
