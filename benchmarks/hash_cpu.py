#!/usr/bin/env python3
"""CPU seconds per GiB the server spends on HASH/XSHA256, next to sha256sum over the same file.

Usage: hash_cpu.py --port P --pid PID --user U --password PW --path /big1g.bin --local FILE [--alg SHA-256] [--rounds 3]
The server process's utime+stime (from /proc/PID/stat) is read before and after each HASH; sha256sum (or the
matching *sum tool) runs over the same file on disk, warm in the page cache, and its user+sys time is reported.
"""
import argparse, ftplib, os, resource, subprocess, time

TICKS = os.sysconf("SC_CLK_TCK")
TOOLS = {"SHA-256": "sha256sum", "SHA-1": "sha1sum", "SHA-512": "sha512sum", "MD5": "md5sum"}

def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1"); p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True); p.add_argument("--user", required=True)
    p.add_argument("--password", required=True); p.add_argument("--path", required=True)
    p.add_argument("--local", required=True); p.add_argument("--alg", default="SHA-256")
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    gib = os.path.getsize(a.local) / 2**30
    ftp = ftplib.FTP(); ftp.connect(a.host, a.port, timeout=600); ftp.login(a.user, a.password)
    ftp.sendcmd("OPTS HASH " + a.alg)
    for _ in range(a.rounds):
        before, t0 = cpu(a.pid), time.monotonic()
        reply = ftp.sendcmd("HASH " + a.path)
        server_cpu, wall = cpu(a.pid) - before, time.monotonic() - t0
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([TOOLS[a.alg], a.local], capture_output=True, text=True, check=True).stdout.split()[0]
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        tool_cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        same = out.lower() in reply.lower()
        print(f"{a.alg}: server {server_cpu / gib:.2f} CPU s/GiB ({wall:.1f} s wall), "
              f"{TOOLS[a.alg]} {tool_cpu / gib:.2f} CPU s/GiB, digests equal: {same}")
    ftp.quit()

if __name__ == "__main__":
    main()
