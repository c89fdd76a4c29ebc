#!/usr/bin/env python3
"""Server CPU seconds per GiB of MODE Z (zlib) RETR and STOR against MODE S, for compressible data.

Usage: modez_cpu.py --port PORT --pid SERVER_PID --user NAME --password PW [--mib 256] [--rounds 3] [--level 6]

Uploads and downloads --mib MiB of log-like text --rounds times in each mode over passive FTP on 127.0.0.1, and reads
the server's utime + stime from /proc/PID/stat before and after each set. The client sends a zlib stream it compressed
before the clock starts and drains downloads without inflating them, so its own CPU stays small. Per GiB means per GiB
of file bytes (what the file holds), whatever crossed the wire.
"""
import argparse, ftplib, os, time, zlib

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--mib", type=int, default=256)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--level", type=int, default=6)
    a = p.parse_args()

    line = b"2026-12-07 12:00:00 INFO session %06d RETR /pub/file-%04d.bin 226 Transfer complete, 1048576 bytes\n"
    data = b"".join(line % (i, i % 1000) for i in range(a.mib * 1024 * 1024 // len(line % (0, 0)) + 1))[: a.mib * 1024 * 1024]
    wire = {"S": data, "Z": zlib.compress(data, a.level)}
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", a.port, timeout=120)
    ftp.login(a.user, a.password)
    ftp.voidcmd("TYPE I")
    gib = len(data) * a.rounds / 2**30
    print(f"{a.mib} MiB x {a.rounds}, zlib level {a.level}; compressed {len(wire['Z'])} bytes (ratio {len(data) / len(wire['Z']):.1f})")
    for mode in ("S", "Z"):
        ftp.voidcmd("MODE " + mode)
        if mode == "Z":
            ftp.voidcmd(f"OPTS MODE Z LEVEL {a.level}")
        name = f"modez-bench-{mode}.bin"
        before, start = cpu_seconds(a.pid), time.monotonic()
        for _ in range(a.rounds):
            conn = ftp.transfercmd("STOR " + name)
            conn.sendall(wire[mode])
            conn.close()
            ftp.voidresp()
        stor = (cpu_seconds(a.pid) - before) / gib, time.monotonic() - start
        before, start, received = cpu_seconds(a.pid), time.monotonic(), 0
        for _ in range(a.rounds):
            conn = ftp.transfercmd("RETR " + name)
            while chunk := conn.recv(1 << 20):
                received += len(chunk)
            conn.close()
            ftp.voidresp()
        retr = (cpu_seconds(a.pid) - before) / gib, time.monotonic() - start
        print(f"MODE {mode}: STOR {stor[0]:.2f} CPU s/GiB ({stor[1]:.1f} s wall), "
              f"RETR {retr[0]:.2f} CPU s/GiB ({retr[1]:.1f} s wall, {received // a.rounds} wire bytes each)")
        ftp.delete(name)
    ftp.quit()

if __name__ == "__main__":
    main()
