#!/usr/bin/env python3
"""Measures Ftp.Embedded's S3 provider against the S3 store it sits on (stdlib + boto3).

Subcommands (each prints one JSON object; s3bench.sh runs them):
  xfer    STOR/RETR of SIZE through FTP and the same multipart PUT / GET with boto3 against the store:
          MB/s and CPU seconds per GiB of the FTP server and of the store's daemons
  upload  CLIENTS ftplib clients at once each STOR SIZE (generated): the server's RSS/PSS every 100 ms;
          then every object checked by size with boto3 and deleted
  list    KEYS keys made with boto3 in parallel; LIST and MLSD of them through FTP (and the server's peak
          memory), and list_objects_v2 paging of the same prefix with boto3

MB = 10^6 bytes, MiB/GiB = 2^20/2^30 bytes. CPU from /proc/PID/stat (utime + stime).
"""
import argparse
import concurrent.futures
import ftplib
import json
import os
import statistics
import sys
import threading
import time

import boto3
from botocore.config import Config

MIB = 1 << 20
GIB = 1 << 30
TICK = os.sysconf("SC_CLK_TCK")
CHUNK = MIB  # client send/receive block
PATTERN = os.urandom(8 * MIB)  # generated data; sent in CHUNK slices


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


def cpu_of(pids):
    return {name: cpu_seconds(pid) for name, pid in pids.items()}


def memory_of(pid):
    rss = pss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) * 1024
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    return rss, pss


class MemorySampler:
    """Samples a process's VmRSS and Pss every `interval` seconds in a thread; keeps the peaks."""

    def __init__(self, pid, interval=0.1):
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            rss, pss = memory_of(self.pid)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        rss, pss = memory_of(self.pid)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)


def s3_client(args, pool=10):
    config = Config(
        s3={"addressing_style": "path"},
        signature_version="s3v4",
        request_checksum_calculation="when_required",  # as the provider: no CRC of every part
        response_checksum_validation="when_required",
        max_pool_connections=pool,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return boto3.client("s3", endpoint_url=args.endpoint, aws_access_key_id=args.access_key,
                        aws_secret_access_key=args.secret_key, region_name="us-east-1", config=config)


def ftp_login(args):
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", args.port, timeout=120)
    ftp.login(args.user, args.password)
    ftp.voidcmd("TYPE I")
    return ftp


def ftp_stor(ftp, name, size):
    view = memoryview(PATTERN)
    conn = ftp.transfercmd(f"STOR {name}")
    try:
        sent = 0
        while sent < size:
            n = min(CHUNK, size - sent)
            start = sent % len(PATTERN)
            conn.sendall(view[start:start + n])
            sent += n
    finally:
        conn.close()
    ftp.voidresp()


def ftp_retr(ftp, name):
    buf = bytearray(CHUNK)
    got = 0
    conn = ftp.transfercmd(f"RETR {name}")
    try:
        while n := conn.recv_into(buf):
            got += n
    finally:
        conn.close()
    ftp.voidresp()
    return got


def s3_put(s3, bucket, key, size, part, in_flight=1):
    """One multipart upload of `part`-byte parts, `in_flight` at a time (1: as the provider sends them)."""
    assert part <= len(PATTERN)
    body = PATTERN[:part]
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    count = (size + part - 1) // part

    def send(number):
        n = min(part, size - (number - 1) * part)
        data = body if n == part else body[:n]
        return {"PartNumber": number, "ETag": s3.upload_part(Bucket=bucket, Key=key, UploadId=upload,
                                                             PartNumber=number, Body=data)["ETag"]}

    with concurrent.futures.ThreadPoolExecutor(in_flight) as pool:
        parts = list(pool.map(send, range(1, count + 1)))
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def s3_get(s3, bucket, key):
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    got = 0
    while chunk := body.read(CHUNK):
        got += len(chunk)
    body.close()
    return got


def measured(fn, pids):
    """Runs fn(); returns (seconds, {name: cpu seconds}, client cpu seconds, fn's result)."""
    c0, t0, own0 = cpu_of(pids), time.perf_counter(), os.times()
    result = fn()
    t1, c1, own1 = time.perf_counter(), cpu_of(pids), os.times()
    client = (own1.user - own0.user) + (own1.system - own0.system)
    return t1 - t0, {k: c1[k] - c0[k] for k in pids}, client, result


def summary(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def run_xfer(args):
    s3 = s3_client(args)
    pids = {"server": args.server_pid, **dict(p.split("=") for p in args.store_pid)}
    pids = {k: int(v) for k, v in pids.items()}
    size, key_of = args.size_mib * MIB, (lambda n: f"{args.home}/{n}")
    ftp = ftp_login(args)
    # Warm-up, not timed: the server's first transfer compiles code and opens the S3 connections.
    ftp_stor(ftp, "warm.bin", 64 * MIB)
    ftp_retr(ftp, "warm.bin")
    ftp.delete("warm.bin")
    s3_put(s3, args.bucket, key_of("warm-s3.bin"), 64 * MIB, args.part_mib * MIB)
    s3_get(s3, args.bucket, key_of("warm-s3.bin"))
    s3.delete_object(Bucket=args.bucket, Key=key_of("warm-s3.bin"))
    results = {k: [] for k in ("ftp_stor", "ftp_retr", "s3_put", "s3_put2", "s3_get")}

    def record(kind, seconds, cpu, client):
        entry = {"seconds": seconds, "mb_s": size / seconds / 1e6, "client_cpu_s_per_gib": client * GIB / size}
        entry.update({f"{k}_cpu_s_per_gib": v * GIB / size for k, v in cpu.items()})
        results[kind].append(entry)

    for run in range(args.runs):
        name = f"big{run}.bin"
        record("ftp_stor", *measured(lambda: ftp_stor(ftp, name, size), pids)[:3])
        head = s3.head_object(Bucket=args.bucket, Key=key_of(name))
        assert head["ContentLength"] == size, f"{name}: {head['ContentLength']} bytes stored, {size} sent"
        seconds, cpu, client, got = measured(lambda: ftp_retr(ftp, name), pids)
        assert got == size, f"RETR {name}: {got} bytes"
        record("ftp_retr", seconds, cpu, client)
        ftp.delete(name)
        key = key_of(f"s3-{name}")
        record("s3_put", *measured(lambda: s3_put(s3, args.bucket, key, size, args.part_mib * MIB), pids)[:3])
        seconds, cpu, client, got = measured(lambda: s3_get(s3, args.bucket, key), pids)
        assert got == size, f"GET {key}: {got} bytes"
        record("s3_get", seconds, cpu, client)
        s3.delete_object(Bucket=args.bucket, Key=key)
        # For comparison: two parts in flight, what a provider that fills one part while sending the other would do.
        record("s3_put2", *measured(lambda: s3_put(s3, args.bucket, key, size, args.part_mib * MIB, 2), pids)[:3])
        s3.delete_object(Bucket=args.bucket, Key=key)
        if args.after_run:
            os.system(args.after_run)  # frees the deleted objects' space in the store (radosgw-admin gc process)
    ftp.quit()
    out = {"size_bytes": size, "part_bytes": args.part_mib * MIB, "runs": args.runs}
    for kind, entries in results.items():
        out[kind] = {field: summary([e[field] for e in entries]) for field in entries[0]}
    return out


def run_upload(args):
    size, clients = args.size_mib * MIB, args.clients
    barrier = threading.Barrier(clients + 1)
    times, errors = [None] * clients, []

    def client(i):
        try:
            ftp = ftp_login(args)
        except Exception as ex:  # noqa: BLE001 - reported below
            errors.append(f"client {i} login: {ex!r}")
            barrier.abort()
            return
        try:
            barrier.wait()
            t0 = time.perf_counter()
            ftp_stor(ftp, f"up{i:03}.bin", size)
            times[i] = time.perf_counter() - t0
            ftp.quit()
        except Exception as ex:  # noqa: BLE001 - reported below
            errors.append(f"client {i}: {ex!r}")

    rss0, pss0 = memory_of(args.server_pid)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()  # all logged in
    rss_idle, pss_idle = memory_of(args.server_pid)
    cpu0 = cpu_seconds(args.server_pid)
    t0 = time.perf_counter()
    with MemorySampler(args.server_pid) as sampler:
        for t in threads:
            t.join()
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(args.server_pid) - cpu0
    rss_after, pss_after = memory_of(args.server_pid)
    s3 = s3_client(args, pool=32)
    wrong = []
    for i in range(clients):
        key = f"{args.home}/up{i:03}.bin"
        try:
            length = s3.head_object(Bucket=args.bucket, Key=key)["ContentLength"]
        except Exception as ex:  # noqa: BLE001
            length = repr(ex)
        if length != size:
            wrong.append(f"{key}: {length}")
    keys = [{"Key": f"{args.home}/up{i:03}.bin"} for i in range(clients)]
    s3.delete_objects(Bucket=args.bucket, Delete={"Objects": keys, "Quiet": True})
    done = [t for t in times if t is not None]
    return {
        "clients": clients, "size_bytes": size, "errors": errors, "wrong_size": wrong,
        "wall_s": wall, "aggregate_mb_s": size * len(done) / wall / 1e6,
        "client_seconds": {"median": statistics.median(done), "min": min(done), "max": max(done)} if done else None,
        "server_cpu_s_per_gib": cpu * GIB / (size * clients),
        "rss_before": rss0, "pss_before": pss0, "rss_logged_in": rss_idle, "pss_logged_in": pss_idle,
        "peak_rss": sampler.peak_rss, "peak_pss": sampler.peak_pss, "samples": sampler.samples,
        "rss_after": rss_after, "pss_after": pss_after,
    }


def ftp_listing(ftp, command):
    lines = []
    t0 = time.perf_counter()
    ftp.retrlines(command, lines.append)
    return time.perf_counter() - t0, lines


def run_list(args):
    s3 = s3_client(args, pool=args.threads)
    store = {k: int(v) for k, v in (p.split("=") for p in args.store_pid)}
    prefix = f"{args.home}/dir10k/"
    names = [f"file{i:05}.txt" for i in range(args.keys)]
    body = b"x" * 64
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        list(pool.map(lambda n: s3.put_object(Bucket=args.bucket, Key=prefix + n, Body=body), names))
    create_s = time.perf_counter() - t0
    ftp = ftp_login(args)
    ftp.cwd("dir10k")
    ftp.voidcmd("TYPE A")
    out = {"keys": args.keys, "create_s": create_s}
    rss0, pss0 = memory_of(args.server_pid)
    out["rss_before"], out["pss_before"] = rss0, pss0
    for command in ("LIST", "MLSD"):
        ftp_listing(ftp, command)  # warm-up, not timed
        times = []
        cpu0 = cpu_seconds(args.server_pid)
        store0 = {k: cpu_seconds(v) for k, v in store.items()}
        with MemorySampler(args.server_pid) as sampler:
            for _ in range(args.runs):
                seconds, lines = ftp_listing(ftp, command)
                assert len(lines) == args.keys, f"{command}: {len(lines)} lines, {args.keys} keys"
                times.append(seconds)
        cpu = cpu_seconds(args.server_pid) - cpu0
        out[command.lower()] = {"ms": summary([t * 1000 for t in times]), "server_cpu_ms_per_listing": cpu * 1000 / args.runs,
                                "store_cpu_ms_per_listing": {k: (cpu_seconds(v) - store0[k]) * 1000 / args.runs for k, v in store.items()},
                                "peak_rss": sampler.peak_rss, "peak_pss": sampler.peak_pss}
    ftp.quit()

    def page_all():
        count, token = 0, None
        while True:
            extra = {"ContinuationToken": token} if token else {}
            page = s3.list_objects_v2(Bucket=args.bucket, Prefix=prefix, Delimiter="/", **extra)
            count += page.get("KeyCount", 0)
            if not page.get("IsTruncated"):
                return count
            token = page["NextContinuationToken"]

    page_all()  # warm-up
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        count = page_all()
        times.append((time.perf_counter() - t0) * 1000)
        assert count == args.keys, f"list_objects_v2: {count} keys"
    out["s3_list_objects_v2"] = {"ms": summary(times)}

    def page_and_head():
        # The requests the provider makes for one listing (ListingsReadModificationTimes): each page, then a HEAD of
        # each of its keys, 16 at a time.
        count, token = 0, None
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            while True:
                extra = {"ContinuationToken": token} if token else {}
                page = s3.list_objects_v2(Bucket=args.bucket, Prefix=prefix, Delimiter="/", **extra)
                keys = [o["Key"] for o in page.get("Contents", [])]
                count += len(list(pool.map(lambda k: s3.head_object(Bucket=args.bucket, Key=k), keys)))
                if not page.get("IsTruncated"):
                    return count
                token = page["NextContinuationToken"]

    times = []
    cpu0 = {k: cpu_seconds(v) for k, v in store.items()}
    for _ in range(args.runs):
        t0 = time.perf_counter()
        count = page_and_head()
        times.append((time.perf_counter() - t0) * 1000)
        assert count == args.keys, f"list_objects_v2 + HEAD: {count} keys"
    out["s3_list_and_head"] = {"ms": summary(times)}
    out["store_cpu_ms_per_list_and_head"] = {k: (cpu_seconds(v) - cpu0[k]) * 1000 / args.runs for k, v in store.items()}
    keys = [{"Key": prefix + n} for n in names]
    for i in range(0, len(keys), 1000):
        s3.delete_objects(Bucket=args.bucket, Delete={"Objects": keys[i:i + 1000], "Quiet": True})
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["xfer", "upload", "list"])
    parser.add_argument("--port", type=int, required=True, help="the FTP server's control port on 127.0.0.1")
    parser.add_argument("--user", default="bench")
    parser.add_argument("--password", default="bench-pw")
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--endpoint", default=os.environ.get("S3_ENDPOINT"))
    parser.add_argument("--access-key", default=os.environ.get("S3_ACCESS_KEY"))
    parser.add_argument("--secret-key", default=os.environ.get("S3_SECRET_KEY"))
    parser.add_argument("--bucket", default="bench")
    parser.add_argument("--home", default="home/bench", help="the FTP user's key prefix in the bucket")
    parser.add_argument("--store-pid", action="append", default=[], help="NAME=PID of a store daemon (repeatable)")
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--after-run", help="shell command run after each xfer run (not timed)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--keys", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    result = {"xfer": run_xfer, "upload": run_upload, "list": run_list}[args.command](args)
    text = json.dumps(result, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
