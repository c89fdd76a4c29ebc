import json,glob,statistics,sys,os
B=os.path.dirname(os.path.abspath(__file__))
tests=['retr_mbps','retr_cpu_s_per_gib','stor_mbps','stor_cpu_s_per_gib','login_rate','list_10k_ms','mlsd_10k_ms','small_files_ops','parallel_retr_mbps',
       'tls_retr_mbps','tls_retr_cpu_s_per_gib','tls_stor_mbps','tls_stor_cpu_s_per_gib','tls_login_rate','tls_login_cpu_ms','tls_small_files_ops','login_cpu_us','small_files_cpu_us','tls_small_files_cpu_us']
lower={'login_cpu_us','small_files_cpu_us','tls_small_files_cpu_us','retr_cpu_s_per_gib','stor_cpu_s_per_gib','list_10k_ms','mlsd_10k_ms','tls_retr_cpu_s_per_gib','tls_stor_cpu_s_per_gib','tls_login_cpu_ms'}
def load(path):
    d=json.load(open(path)); out={}
    for t,r in d['results'].items():
        if r.get('status')!='ok': continue
        out[t]=r['value']
        det=r.get('detail',{})
        if t=='login_rate' and det.get('logins_ok'): out['login_cpu_us']=det['server_cpu_s']/det['logins_ok']*1e6
        if t in ('small_files_ops','tls_small_files_ops') and det.get('files'): out[t.replace('_ops','_cpu_us')]=det['server_cpu_s']/(2*det['files'])*1e6
    return out
runs={}
for kind in ['after','before']:
    for r in (1,2,3):
        for f in glob.glob(f'{B}/{kind}{r}/*.json'):
            srv=os.path.basename(f)[:-5]
            name=('ftp-embedded-before' if kind=='before' else srv)
            runs.setdefault(name,[]).append(load(f))
def fmt(x):
    return f"{x:,.0f}" if x>=100 else (f"{x:.1f}" if x>=10 else f"{x:.3g}")
servers=['ftp-embedded-before','ftp-embedded','vsftpd','pureftpd','pyftpdlib']
print('| figure | '+' | '.join(servers)+' | best peer | after ÷ best (median of per-run ratios; range) |')
print('|---|'+'---:|'*len(servers)+'---|---:|')
keys=set()
for s in servers:
    for run in runs.get(s,[]): keys|=set(run)
for t in tests:
    if t not in keys: continue
    cells=[]
    med={}
    for s in servers:
        vals=[run[t] for run in runs.get(s,[]) if t in run]
        if not vals: cells.append('skip'); continue
        m=statistics.median(vals); med[s]=m
        cells.append(f"{fmt(m)} ({fmt(min(vals))}-{fmt(max(vals))})" if len(vals)>1 else fmt(m))
    peers=[p for p in ['vsftpd','pureftpd','pyftpdlib'] if p in med]
    if not peers: continue
    best=(min if t in lower else max)(peers,key=lambda p:med[p])
    # per-run ratio against the best peer of that run
    ratios=[]
    for i,run in enumerate(runs.get('ftp-embedded',[])):
        pv=[runs[p][i][t] for p in peers if i<len(runs[p]) and t in runs[p][i]]
        if t not in run or not pv: continue
        b=(min if t in lower else max)(pv)
        ratios.append(run[t]/b)
    rs=f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})" if ratios else ''
    print(f"| `{t}` | "+' | '.join(cells)+f" | {best} | {rs} |")
