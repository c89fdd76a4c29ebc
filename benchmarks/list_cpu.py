#!/usr/bin/env python3
"""Server CPU per LIST/MLSD of a directory: list_cpu.py PORT SERVER_PID COUNT [LIST|MLSD] [DIR] (user ftpbench/ftpbench)."""
import ftplib, sys, time, os
port=int(sys.argv[1]); pid=int(sys.argv[2]); n=int(sys.argv[3]); cmd=sys.argv[4] if len(sys.argv)>4 else "LIST"; d=sys.argv[5] if len(sys.argv)>5 else "/pub/dir10k"
def cpu(pid):
    tot=0
    for t in os.listdir(f"/proc/{pid}/task"):
        f=open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")",1)[1].split()
        tot+=int(f[11])+int(f[12])
    return tot/os.sysconf("SC_CLK_TCK")
f=ftplib.FTP(); f.connect("127.0.0.1",port); f.login("ftpbench","ftpbench")
lines=[]; f.retrlines(cmd+" "+d, lines.append)  # warm
c0=cpu(pid); t0=time.time()
for i in range(n):
    lines=[]; f.retrlines(cmd+" "+d, lines.append)
dt=time.time()-t0; c1=cpu(pid)
print(f"{cmd}: {len(lines)} lines; wall {dt*1000/n:.1f} ms/op; server cpu {(c1-c0)*1000/n:.1f} ms/op")
f.quit()
