#!/usr/bin/env python3
"""Prints the markdown summary of one s3bench.sh result folder (xfer.json, upload-N.json, list.json)."""
import glob
import json
import os
import statistics
import sys

MIB = 1 << 20


def spread(s, fmt="{:,.0f}"):
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def xfer(path):
    d = json.load(open(path))
    print(f"### STOR / RETR of {d['size_bytes'] // MIB} MiB, median of {d['runs']} (min-max)\n")
    print("| transfer | MB/s | server CPU s/GiB | radosgw CPU s/GiB | OSD CPU s/GiB | client CPU s/GiB |")
    print("|---|---:|---:|---:|---:|---:|")
    titles = {"ftp_stor": "FTP STOR (provider)", "s3_put": "boto3 multipart PUT, 8 MiB parts in turn",
              "s3_put2": "boto3 multipart PUT, 2 parts in flight", "ftp_retr": "FTP RETR (provider)", "s3_get": "boto3 GET"}
    f2 = "{:.2f}"
    for kind in ("ftp_stor", "s3_put", "s3_put2", "ftp_retr", "s3_get"):
        r = d[kind]
        print(f"| {titles[kind]} | {spread(r['mb_s'])} | {spread(r['server_cpu_s_per_gib'], f2)} | "
              f"{spread(r['radosgw_cpu_s_per_gib'], f2)} | {spread(r['osd_cpu_s_per_gib'], f2)} | "
              f"{spread(r['client_cpu_s_per_gib'], f2)} |")
    print()


def upload(paths):
    runs = [json.load(open(p)) for p in sorted(paths)]
    first = runs[0]
    print(f"### {first['clients']} clients each STOR {first['size_bytes'] // MIB} MiB at once, {len(runs)} runs "
          "(a fresh store and server each)\n")
    print("| run | peak RSS MiB | peak PSS MiB | RSS logged in MiB | RSS after MiB | aggregate MB/s | server CPU s/GiB | wall s | errors | wrong sizes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for i, r in enumerate(runs, 1):
        print(f"| {i} | {r['peak_rss'] / MIB:,.0f} | {r['peak_pss'] / MIB:,.0f} | {r['rss_logged_in'] / MIB:,.0f} | "
              f"{r['rss_after'] / MIB:,.0f} | {r['aggregate_mb_s']:,.0f} | {r['server_cpu_s_per_gib']:.2f} | "
              f"{r['wall_s']:.1f} | {len(r['errors'])} | {len(r['wrong_size'])} |")
    med = lambda k: statistics.median(r[k] for r in runs)  # noqa: E731
    print(f"\nmedian peak RSS {med('peak_rss') / MIB:,.0f} MiB, PSS {med('peak_pss') / MIB:,.0f} MiB, "
          f"{med('aggregate_mb_s'):,.0f} MB/s\n")
    for r in runs:
        for e in r["errors"] + r["wrong_size"]:
            print(f"- {e}")


def listing(path):
    d = json.load(open(path))
    runs = len(d["list"]["ms"]["runs"])
    print(f"### Listing {d['keys']:,} keys, median of {runs} (min-max) after one untimed listing "
          f"(keys put by boto3 in {d['create_s']:.1f} s)\n")
    print("| listing | ms | server CPU ms | radosgw CPU ms | server peak RSS MiB | peak PSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, title in (("list", "FTP LIST"), ("mlsd", "FTP MLSD")):
        r = d[kind]
        print(f"| {title} | {spread(r['ms'])} | {r['server_cpu_ms_per_listing']:,.0f} | "
              f"{r['store_cpu_ms_per_listing']['radosgw']:,.0f} | {r['peak_rss'] / MIB:,.0f} | {r['peak_pss'] / MIB:,.0f} |")
    print(f"| boto3 list_objects_v2 (1,000 a page) | {spread(d['s3_list_objects_v2']['ms'])} | | | | |")
    print(f"| boto3 list_objects_v2 + HEAD of each key, 16 at a time | {spread(d['s3_list_and_head']['ms'])} | | "
          f"{d['store_cpu_ms_per_list_and_head']['radosgw']:,.0f} | | |")
    print(f"\nserver RSS before the listings {d['rss_before'] / MIB:,.0f} MiB\n")


def main():
    folder = sys.argv[1]
    state = os.path.join(folder, "state.txt")
    if os.path.exists(state):
        print("```\n" + open(state).read().rstrip() + "\n```\n")
    if os.path.exists(os.path.join(folder, "xfer.json")):
        xfer(os.path.join(folder, "xfer.json"))
    if paths := glob.glob(os.path.join(folder, "upload-*.json")):
        upload(paths)
    if os.path.exists(os.path.join(folder, "list.json")):
        listing(os.path.join(folder, "list.json"))


if __name__ == "__main__":
    main()
