#!/usr/bin/env python3
"""Exporter benchmark driver (see run.sh). Creates light guests with virsh, runs each exporter alone for its phase,
scrapes it back to back, and reports latency, series, RSS after the scrapes and CPU per scrape against the anchor."""
import argparse, os, random, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request

CLK = os.sysconf("SC_CLK_TCK")
ANCHOR = "/usr/bin/prometheus-libvirt-exporter"

IDLE = bytes([0xFA, 0xF4, 0xEB, 0xFD])

def log(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def virsh(*args, check=True):
    return subprocess.run(["virsh", "-c", "qemu:///system", *args], check=check, capture_output=True, text=True)


def domain_type():
    # QEMU runs as libvirt-qemu: KVM only when /dev/kvm is usable by it (group kvm, 0660), else TCG.
    try:
        st = os.stat("/dev/kvm")
        return "kvm" if st.st_mode & 0o060 == 0o060 else "qemu"
    except OSError:
        return "qemu"


def make_guest(prefix, i, kind, code, paused, dtype):
    name = f"{prefix}-{i:02d}-{kind}"
    d = f"/var/lib/libvirt/images/{name}"
    os.makedirs(d, exist_ok=True)
    img = bytearray(1 << 20)
    img[0:len(code)] = code
    img[510:512] = b"\x55\xaa"
    with open(f"{d}/boot.img", "wb") as f:
        f.write(img)
    xml = f"""<domain type='{dtype}'><name>{name}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{d}/boot.img'/><target dev='vda' bus='virtio'/></disk>
<memballoon model='virtio'><stats period='1'/></memballoon><video><model type='none'/></video></devices></domain>"""
    with open(f"{d}/domain.xml", "w") as f:
        f.write(xml)
    virsh("define", f"{d}/domain.xml")
    virsh("start", *(["--paused"] if paused else []), name)
    return name


def remove_guest(name):
    virsh("destroy", name, check=False)
    virsh("undefine", name, check=False)
    subprocess.run(["rm", "-rf", f"/var/lib/libvirt/images/{name}"], check=False)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def libvirtd_pid():
    out = subprocess.run(["pgrep", "-x", "libvirtd"], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else None


def scrape(url):
    t0 = time.time()
    with urllib.request.urlopen(url, timeout=30) as r:
        body = r.read().decode("utf-8", "replace")
    t1 = time.time()
    return t0, t1, body


def series(body):
    return sum(1 for l in body.split("\n") if l and not l.startswith("#"))


def collection_start(body):
    for l in body.split("\n"):
        if l.startswith("kvm_exporter_collection_start_timestamp_seconds "):
            return float(l.split()[1])
    return None


def domains_seen(body, ours):
    if ours:
        return int(sum(float(l.split()[-1]) for l in body.split("\n") if l.startswith("kvm_domains{")))
    return sum(float(l.split()[-1]) for l in body.split("\n") if l.startswith("libvirt_domains_number "))


def wait_http(url, proc, timeout=60):
    stop = time.time() + timeout
    while time.time() < stop:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def raw_phase(scrapes, interval, max_seconds):
    """The raw libvirt call the exporters make, without any exporter: one virConnectGetAllDomainStats with every
    group and NOWAIT through ctypes, list freed. Its client CPU (this process) plus libvirtd's CPU is the cost an
    exporter cannot avoid; an exporter's CPU beyond the client part is its own overhead (decoding, mapping, writing, HTTP)."""
    import ctypes
    lvlib = ctypes.CDLL("libvirt.so.0")
    lvlib.virConnectOpenReadOnly.restype = ctypes.c_void_p
    lvlib.virConnectOpenReadOnly.argtypes = [ctypes.c_char_p]
    lvlib.virConnectGetAllDomainStats.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p), ctypes.c_uint]
    lvlib.virDomainStatsRecordListFree.argtypes = [ctypes.c_void_p]
    lvlib.virConnectClose.argtypes = [ctypes.c_void_p]
    conn = lvlib.virConnectOpenReadOnly(b"qemu:///system")
    if not conn:
        raise RuntimeError("raw call: cannot open qemu:///system read-only")

    def call():
        lst = ctypes.c_void_p()
        n = lvlib.virConnectGetAllDomainStats(conn, 0, ctypes.byref(lst), 1 << 29)  # 0 = every group; VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT
        if lst:
            lvlib.virDomainStatsRecordListFree(lst)
        return n

    try:
        for _ in range(3):
            call()
        lv = libvirtd_pid()
        c0, l0 = time.process_time(), cpu_seconds(lv)
        lat, doms = [], []
        next_t, deadline = time.time(), time.time() + max_seconds
        for i in range(scrapes):
            if i >= 5 and time.time() > deadline:
                break
            next_t += interval
            t0 = time.time()
            doms.append(call())
            lat.append(time.time() - t0)
            time.sleep(max(0.0, next_t - time.time()))
        c1 = time.process_time()
        l1 = cpu_seconds(lv) if libvirtd_pid() == lv else float("nan")
    finally:
        lvlib.virConnectClose(conn)
    lat.sort()
    done = len(lat)
    return {"label": "raw libvirt call (ctypes, every group, NOWAIT)", "p50": statistics.median(lat) * 1000, "p95": lat[int(0.95 * (done - 1))] * 1000,
            "series": float("nan"), "domains": statistics.median(doms), "age_max": float("nan"), "rss": float("nan"),
            "cpu": (c1 - c0) / done, "lvcpu": (l1 - l0) / done, "scrapes": done}


def phase(label, cmd, port, ours, scrapes, interval, max_seconds, warmup=1):
    url = f"http://127.0.0.1:{port}/metrics"
    log(f"phase {label}: {' '.join(cmd)}")
    err = open(os.path.join(tempfile.gettempdir(), f"kvm-bench-{port}.stderr"), "w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_http(url, proc)
        # Back-to-back warm-up scrapes: a daemon runs for days, so the steady state is what counts, not the
        # first minute in which .NET's tiered JIT recompiles the hot paths (the anchor gets the same warm-up).
        for _ in range(warmup):
            scrape(url)
        lv = libvirtd_pid()
        c0, l0, w0 = cpu_seconds(proc.pid), cpu_seconds(lv), time.time()
        lat, ages, counts, doms = [], [], [], []
        next_t = time.time()
        deadline = time.time() + max_seconds
        for i in range(scrapes):
            if i >= 5 and time.time() > deadline:
                break  # a loaded host can make scrapes slower than the interval: cap the phase, report the count
            next_t += interval
            t0, t1, body = scrape(url)
            lat.append(t1 - t0)
            counts.append(series(body))
            doms.append(domains_seen(body, ours))
            start = collection_start(body) if ours else None
            # The anchor collects during the request: its samples are at most as old as the response.
            ages.append(t1 - start if start is not None else t1 - t0)
            time.sleep(max(0.0, next_t - time.time()))
        c1 = cpu_seconds(proc.pid)
        try:
            l1 = cpu_seconds(lv) if libvirtd_pid() == lv else float("nan")
        except OSError:
            l1 = float("nan")  # libvirtd was restarted during the phase (a shared host): its CPU is not comparable
        done = len(lat)
        rss = rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat.sort()
    return {
        "label": label, "p50": statistics.median(lat) * 1000, "p95": lat[int(0.95 * (len(lat) - 1))] * 1000,
        "series": statistics.median(counts), "domains": statistics.median(doms), "age_max": max(ages), "age_p50": statistics.median(ages),
        "rss": rss, "cpu": (c1 - c0) / done, "lvcpu": (l1 - l0) / done, "scrapes": done,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True, help="the exporter binary (run.sh passes the Native AOT publish)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--domains", default="100,40", help="domain counts, largest first (guests are removed between)")
    ap.add_argument("--scrapes", type=int, default=1000, help="scrapes of the anchor and of ours (RSS is read after them)")
    ap.add_argument("--bulk-scrapes", type=int, default=200, help="scrapes of the one-bulk-call row and calls of the raw row")
    ap.add_argument("--interval", type=float, default=0.0, help="pause target between scrape starts (0 = back to back)")
    ap.add_argument("--chunks", type=int, default=16)
    ap.add_argument("--phase-seconds", type=float, default=900)
    ap.add_argument("--warmup", type=int, default=20, help="back-to-back scrapes before measuring (steady state)")
    a = ap.parse_args()
    # A background run ignores SIGINT: make SIGTERM unwind through the finally below, which removes the guests.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    counts = [int(x) for x in a.domains.split(",")]
    dtype = domain_type()
    prefix = "kmtbench-e3-" + "%06x" % random.randrange(1 << 24)
    guests = []
    rows = []
    loads = []
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        # Light guests only: one halted (hlt loop, no CPU) and the rest paused. Both report every stat group; a
        # spinning guest would load the 2-core machine that the exporters are measured on.
        top = max(counts)
        log(f"creating {top} guests ({dtype}) with prefix {prefix}")
        from concurrent.futures import ThreadPoolExecutor
        specs = [(0, "idle", IDLE, False)] + [(i, "paused", IDLE, True) for i in range(1, top)]
        names = [f"{prefix}-{i:03d}-{k}" for i, k, _, _ in specs]
        guests += names  # registered first so that a failure still cleans every one of them up
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda sp: make_guest(prefix, sp[0], sp[1], sp[2], sp[3], dtype), specs))
        time.sleep(2)
        for n in sorted(counts, reverse=True):
            for g in guests[n:]:
                remove_guest(g)
            guests = guests[:n]
            time.sleep(2)
            ours = lambda p, chunks: [a.exporter, f"--web.listen-address=127.0.0.1:{p}", f"--libvirt.parallel-chunks={chunks}", "--no-collector.cgroup"]
            configs = [
                ("anchor (prometheus-libvirt-exporter 0.2.0)", lambda p: [ANCHOR, f"--web.listen-address=127.0.0.1:{p}"], False, a.scrapes),
                (f"ours (AOT), collect on scrape, {a.chunks} chunks", lambda p: ours(p, a.chunks), True, a.scrapes),
                ("ours (AOT), collect on scrape, 1 bulk call", lambda p: ours(p, 1), True, a.bulk_scrapes),
            ]
            anchor = None
            log(f"{n} domains: raw libvirt call")
            loads.append(open("/proc/loadavg").read().split()[:3])
            raw = raw_phase(a.bulk_scrapes, a.interval, a.phase_seconds)
            raw["n"] = n
            log(f"  raw: p50 {raw['p50']:.1f} ms domains {raw['domains']:.0f} client cpu {raw['cpu']*1000:.1f} ms libvirtd {raw['lvcpu']*1000:.1f} ms")
            rows.append(raw)
            for label, cmd, is_ours, scrapes in configs:
                port = free_port()
                r = phase(label, cmd(port), port, is_ours, scrapes, a.interval, a.phase_seconds, a.warmup)
                r["n"] = n
                if anchor is None:
                    anchor = r
                r["lat_ratio"] = r["p50"] / anchor["p50"]
                r["series_ratio"] = r["series"] / anchor["series"]
                if is_ours:
                    # Overhead over the raw call: our CPU beyond the raw call's client part, as a share of the raw call's CPU.
                    r["overhead"] = (r["cpu"] - raw["cpu"]) / (raw["cpu"] + raw["lvcpu"])
                rows.append(r)
                log(f"  {label}: p50 {r['p50']:.1f} ms p95 {r['p95']:.1f} ms series {r['series']:.0f} domains {r['domains']:.0f} rss {r['rss']:.0f} MB cpu {r['cpu']*1000:.1f} ms libvirtd {r['lvcpu']*1000:.1f} ms")
            raw["lat_ratio"] = raw["p50"] / anchor["p50"]
            raw["series_ratio"] = float("nan")
    finally:
        for g in guests:
            remove_guest(g)
    load = open("/proc/loadavg").read().split()[:3]
    lines = [
        f"Measured {started} to {time.strftime('%H:%M UTC', time.gmtime())} on this 2-core machine shared with other work (guests: {dtype}, 1 halted + the rest paused; "
        f"load average at the start of each domain count: {'; '.join(' '.join(l) for l in loads)}; at the end: {' '.join(load)}). "
        f"Anchor and ours: {a.scrapes} scrapes per row, back to back after {a.warmup} warm-up scrapes, RSS read after the last one; one-bulk-call and raw rows: {a.bulk_scrapes}. "
        f"Each exporter runs alone during its row. Command: `bash bench/exporter/run.sh --domains {a.domains} --scrapes {a.scrapes} --bulk-scrapes {a.bulk_scrapes} --phase-seconds {a.phase_seconds:.0f} --warmup {a.warmup}`.",
        "The raw row is the bare libvirt call (every group, NOWAIT, one bulk virConnectGetAllDomainStats) from ctypes: its CPU column is the calling process's CPU per call. "
        "'overhead' = (exporter CPU - raw client CPU) / (raw client CPU + libvirtd CPU per raw call); the target is <= 10%.",
        "'domains' counts every domain on the host (other guests present during the run included).",
        "",
        "| domains | exporter | scrapes | p50 ms | p95 ms | p50 vs anchor | series | series vs anchor | domains seen | RSS MB after the scrapes | exporter CPU ms/scrape | libvirtd CPU ms/scrape | overhead over raw call |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ov = f"{r['overhead'] * 100:.0f}%" if "overhead" in r else ""
        lines.append(f"| {r['n']} | {r['label']} | {r['scrapes']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['lat_ratio']:.2f}x | {r['series']:.0f} | {r['series_ratio']:.1f}x | {r['domains']:.0f} | {r['rss']:.0f} | {r['cpu']*1000:.1f} | {r['lvcpu']*1000:.1f} | {ov} |")
    # The raw call has no page: its series and RSS cells are not applicable.
    text = "\n".join(lines).replace("| nanx |", "| – |").replace("| nan |", "| – |") + "\n"
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
