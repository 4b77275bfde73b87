#!/usr/bin/env python3
"""Exporter soak (see run.sh). Runs the Release exporter against its own 40 paused guests, serves N scrapes from
10 concurrent keep-alive clients while a churn thread destroys and creates guests, samples the process every
--sample-every scrapes, and checks the bounds stated below. Prints a Markdown report; exit code 1 when a bound
is exceeded, 2 when the run itself failed."""
import argparse, http.client, os, random, signal, subprocess, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "exporter"))
import bench  # noqa: E402  (guest helpers: make_guest, remove_guest, domain_type, free_port, wait_http)

# The bounds this soak enforces (after warm-up = the first --warmup fraction of the scrapes).
# Memory moves in a garbage-collector sawtooth (tens of MB between collections), so "last sample minus first" or a
# least-squares slope mostly measures where in the sawtooth the samples happened to fall. A leak raises the whole
# band: the post-warm-up samples are split into two halves and both the band's top (max) and bottom (min) of the
# second half are compared with the first half's.
RSS_GROWTH_MB = 16.0          # band growth (max of peak growth and trough growth), second half vs first half
PRIVATE_DIRTY_GROWTH_MB = 16.0
NATIVE_GROWTH_MB = 16.0       # Private_Dirty minus the GC's committed memory: native allocations (libvirt, glib, sockets, runtime)
FDS_GROWTH = 8                # open descriptors: a few sockets may be in flight at the sampling instant
THREADS_GROWTH = 8            # thread-pool threads come and go; a leak grows without bound


def log(*a):
    print("[soak]", *a, file=sys.stderr, flush=True)


def proc_sample(pid):
    s = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "VmRSS":
                s["rss_mb"] = int(v.split()[0]) / 1024
            elif k == "Threads":
                s["threads"] = int(v)
    s["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Private_Dirty:"):
                s["private_dirty_mb"] = int(line.split()[1]) / 1024
    return s


def gc_committed_mb(port):
    """The exporter's own dotnet_gc_committed_bytes (memory the GC holds for the managed heap), in MB."""
    for line in scrape_once(port).split("\n"):
        if line.startswith("dotnet_gc_committed_bytes "):
            return float(line.split()[-1]) / (1 << 20)
    return float("nan")


def self_metrics(body):
    """kvm_exporter_* round/scrape counters and kvm_libvirt_calls_total summed, from one page."""
    m = {"rounds": 0.0, "round": 0.0, "joined": 0.0, "cached": 0.0, "libvirt_calls": 0.0, "domains": 0.0, "ok": 1.0}
    for line in body.split("\n"):
        if line.startswith("kvm_exporter_collection_rounds_total "):
            m["rounds"] = float(line.split()[-1])
        elif line.startswith("kvm_exporter_scrapes_total{"):
            src = line.split('source="', 1)[1].split('"', 1)[0]
            m[src] = float(line.split()[-1])
        elif line.startswith("kvm_libvirt_calls_total{"):
            m["libvirt_calls"] += float(line.split()[-1])
        elif line.startswith("kvm_domains{"):
            m["domains"] += float(line.split()[-1])
        elif line.startswith("kvm_exporter_collector_success{") and line.endswith(" 0"):
            m["ok"] = 0.0
    return m


class Clients:
    def __init__(self, port, total, concurrency):
        self.port, self.total, self.concurrency = port, total, concurrency
        self.lock = threading.Lock()
        self.issued = 0
        self.done = 0
        self.errors = 0
        self.failed_rounds = 0
        self.latencies = []
        self.threads = [threading.Thread(target=self.worker, daemon=True) for _ in range(concurrency)]

    def take(self):
        with self.lock:
            if self.issued >= self.total:
                return False
            self.issued += 1
            return True

    def worker(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        lat = []
        while self.take():
            t0 = time.monotonic()
            try:
                conn.request("GET", "/metrics")
                r = conn.getresponse()
                body = r.read()
                ok = r.status == 200
                # a page whose round missed its deadline says so (collector_success 0): counted, not an error
                failed = ok and b"kvm_exporter_collector_success{collector=\"domain\"} 0" in body
            except (OSError, http.client.HTTPException):
                ok, failed = False, False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            lat.append(time.monotonic() - t0)
            with self.lock:
                self.done += 1
                self.errors += 0 if ok else 1
                self.failed_rounds += 1 if failed else 0
        conn.close()
        with self.lock:
            self.latencies.extend(lat)

    def start(self):
        for t in self.threads:
            t.start()

    def join(self):
        for t in self.threads:
            t.join()


def churn(prefix, dtype, guests, stop, every, counter, lock, created, destroyed):
    """Every `every` seconds: destroy+undefine the oldest churnable guest and define+start a new one (new name, new UUID)."""
    while not stop.wait(every):
        with lock:
            if len(guests) == 0:
                return
            victim = guests.pop(0)
            counter[0] += 1
            i = counter[0]
        bench.remove_guest(victim)
        destroyed[0] += 1
        if stop.is_set():
            return
        name = bench.make_guest(prefix, i, "churn", bench.IDLE, True, dtype)
        created[0] += 1
        with lock:
            guests.append(name)


def band_growth(post, key):
    """(growth, first-half min..max, second-half min..max): the larger of the peak growth and the trough growth."""
    h = len(post) // 2
    a, b = [x[key] for x in post[:h]], [x[key] for x in post[h:]]
    if not a or not b:
        return 0.0, (float("nan"), float("nan")), (float("nan"), float("nan"))
    return max(max(b) - max(a), min(b) - min(a)), (min(a), max(a)), (min(b), max(b))


def scrape_once(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/metrics")
        return conn.getresponse().read().decode("utf-8", "replace")
    finally:
        conn.close()


def run_mode(a, label, extra, scrapes, prefix, dtype, guests, lock, counter):
    port = bench.free_port()
    cmd = [a.exporter, f"--web.listen-address=127.0.0.1:{port}", f"--domain.include={prefix}-.*", f"--scrape.timeout={a.scrape_timeout}", *extra]
    log(f"mode {label}: {' '.join(cmd)}")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(a.log, "a"))
    stop = threading.Event()
    created, destroyed = [0], [0]
    ch = threading.Thread(target=churn, args=(prefix, dtype, guests, stop, a.churn_every, counter, lock, created, destroyed), daemon=True)
    samples = []
    try:
        bench.wait_http(f"http://127.0.0.1:{port}/metrics", proc)
        before = self_metrics(scrape_once(port))
        clients = Clients(port, scrapes, a.concurrency)
        every = a.sample_every or max(1, scrapes // 200)
        t0 = time.monotonic()
        ch.start()
        clients.start()
        next_at = 0
        while True:
            with clients.lock:
                done = clients.done
            if done >= next_at or done >= scrapes:
                s = proc_sample(proc.pid)
                # Private_Dirty holds the GC's committed memory and everything native (libvirt, glib, JIT code,
                # runtime data); shared library pages are not in it. Their difference is the native estimate.
                s["gc_committed_mb"] = gc_committed_mb(port)
                s["native_mb"] = s["private_dirty_mb"] - s["gc_committed_mb"]
                s["scrapes"] = done
                s["t"] = time.monotonic() - t0
                samples.append(s)
                log(f"  {done:>7} scrapes {s['t']:7.1f} s  rss {s['rss_mb']:.1f} MB  private_dirty {s['private_dirty_mb']:.1f} MB  gc_committed {s['gc_committed_mb']:.1f} MB  fds {s['fds']}  threads {s['threads']}")
                next_at = (done // every + 1) * every
            if done >= scrapes:
                break
            if proc.poll() is not None:
                raise RuntimeError(f"exporter exited with {proc.returncode} after {done} scrapes")
            time.sleep(0.2)
        clients.join()
        wall = time.monotonic() - t0
        stop.set()
        ch.join(120)
        after = self_metrics(scrape_once(port))
        final = proc_sample(proc.pid)
    finally:
        stop.set()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    lat = sorted(clients.latencies)
    return {
        "label": label, "cmd": " ".join(cmd), "samples": samples, "every": every, "final": final, "wall": wall,
        "scrapes": clients.done, "errors": clients.errors, "failed_rounds": clients.failed_rounds,
        "p50": lat[len(lat) // 2] * 1000 if lat else float("nan"), "p99": lat[int(0.99 * (len(lat) - 1))] * 1000 if lat else float("nan"),
        "max": lat[-1] * 1000 if lat else float("nan"),
        "rounds": after["rounds"] - before["rounds"], "src_round": after["round"] - before["round"],
        "src_joined": after["joined"] - before["joined"], "src_cached": after["cached"] - before["cached"],
        "libvirt_calls": after["libvirt_calls"] - before["libvirt_calls"], "domains_end": after["domains"],
        "created": created[0], "destroyed": destroyed[0],
    }


def judge(r, warmup):
    s = r["samples"]
    cut = max(1, int(len(s) * warmup))
    base = s[cut - 1]
    post = s[cut - 1:]
    checks = []

    def check(name, value, bound, unit, detail=""):
        checks.append((name, value, bound, unit, value <= bound, detail))

    for key, name, bound in (("rss_mb", "RSS band growth", RSS_GROWTH_MB),
                             ("private_dirty_mb", "Private_Dirty band growth", PRIVATE_DIRTY_GROWTH_MB),
                             ("native_mb", "native (Private_Dirty minus GC committed) band growth", NATIVE_GROWTH_MB)):
        g, (a0, a1), (b0, b1) = band_growth(post, key)
        check(name, g, bound, "MB", f"first half {a0:.1f}–{a1:.1f}, second half {b0:.1f}–{b1:.1f}")
    check("open fds growth after warm-up", max(x["fds"] for x in post) - base["fds"], FDS_GROWTH, "")
    check("threads growth after warm-up", max(x["threads"] for x in post) - base["threads"], THREADS_GROWTH, "")
    check("rounds per scrape served", r["rounds"] / max(1, r["scrapes"] + 2), 1.0, "")
    check("HTTP errors", r["errors"], 0, "")
    return checks


def report(a, results, dtype):
    load = open("/proc/loadavg").read().split()[:3]
    out = [
        f"Soak measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this 2-core machine shared with other work (load average {' '.join(load)} at the end), "
        f"guests: {a.guests} paused boot-sector guests ({dtype}), one destroyed and a new one created every {a.churn_every:g} s; "
        f"{a.concurrency} concurrent keep-alive clients. Command: `bash bench/soak/run.sh {os.environ.get('SOAK_ARGS', '')}`.",
        "",
    ]
    worst = 0
    for r in results:
        s = r["samples"]
        out += [f"### {r['label']}", "", f"`{r['cmd']}`", "",
                f"{r['scrapes']} scrapes (process sampled every {r['every']}) in {r['wall']:.0f} s ({r['scrapes'] / r['wall']:.0f}/s), HTTP errors {r['errors']}, pages whose round missed its deadline {r['failed_rounds']}; "
                f"latency p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms, max {r['max']:.0f} ms. Guests created {r['created']}, destroyed {r['destroyed']}; domains on the last page {r['domains_end']:.0f}.",
                "",
                f"Coalescing (exporter's own counters, deltas over the run): kvm_exporter_collection_rounds_total +{r['rounds']:.0f}; "
                f"kvm_exporter_scrapes_total source=round +{r['src_round']:.0f}, joined +{r['src_joined']:.0f}, cached +{r['src_cached']:.0f}; "
                f"kvm_libvirt_calls_total +{r['libvirt_calls']:.0f} ({r['libvirt_calls'] / max(1, r['rounds']):.1f} per round, {r['scrapes'] / max(1, r['rounds']):.1f} scrapes per round).",
                "",
                "| metric | first | end of warm-up | last | min | max |", "|---|---|---|---|---|---|"]
        cut = max(1, int(len(s) * a.warmup))
        for key, unit in (("rss_mb", "MB"), ("private_dirty_mb", "MB"), ("gc_committed_mb", "MB"), ("native_mb", "MB"), ("fds", ""), ("threads", "")):
            vals = [x[key] for x in s]
            fmt = (lambda v: f"{v:.1f}") if unit else (lambda v: f"{v:.0f}")
            out.append(f"| {key} | {fmt(vals[0])} | {fmt(vals[cut - 1])} | {fmt(vals[-1])} | {fmt(min(vals))} | {fmt(max(vals))} |")
        out += ["", "| bound | measured | limit | | detail |", "|---|---|---|---|---|"]
        for name, value, bound, unit, ok, detail in judge(r, a.warmup):
            out.append(f"| {name} | {value:.2f} {unit} | {bound} {unit} | {'ok' if ok else 'EXCEEDED'} | {detail} |")
            worst = max(worst, 0 if ok else 1)
        out += ["", "Samples (scrapes, seconds, RSS MB, Private_Dirty MB, GC committed MB, fds, threads): " +
                "; ".join(f"{x['scrapes']},{x['t']:.0f},{x['rss_mb']:.1f},{x['private_dirty_mb']:.1f},{x['gc_committed_mb']:.1f},{x['fds']},{x['threads']}" for x in s), ""]
    return "\n".join(out) + "\n", worst


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exporter", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--log", default="/tmp/kvm-soak-exporter.log")
    ap.add_argument("--scrapes", type=int, default=100000)
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--guests", type=int, default=40)
    ap.add_argument("--churn-every", type=float, default=10.0, help="seconds between one guest destroyed and a new one created")
    ap.add_argument("--sample-every", type=int, default=0, help="scrapes between process samples (default: the mode's scrapes/200)")
    ap.add_argument("--warmup", type=float, default=0.1, help="fraction of the scrapes treated as warm-up")
    ap.add_argument("--scrape-timeout", default="10s")
    ap.add_argument("--modes", default="off", help="comma list of collection modes: off (collect on scrape) and/or an interval such as 5s, "
                    "each optionally with its own scrape count (off:6000,5s:30000; default --scrapes)")
    a = ap.parse_args()
    dtype = bench.domain_type()
    prefix = "kmtsoak-" + "%06x" % random.randrange(1 << 24)
    guests, lock, counter = [], threading.Lock(), [a.guests]
    results = []
    try:
        log(f"creating {a.guests} paused guests ({dtype}) with prefix {prefix}")
        from concurrent.futures import ThreadPoolExecutor
        names = [f"{prefix}-{i:02d}-paused" for i in range(a.guests)]
        guests += names
        with ThreadPoolExecutor(6) as pool:
            list(pool.map(lambda i: bench.make_guest(prefix, i, "paused", bench.IDLE, True, dtype), range(a.guests)))
        for spec in a.modes.split(","):
            mode, _, count = spec.partition(":")
            extra = [] if mode == "off" else [f"--collection.interval={mode}"]
            label = "collect on scrape" if mode == "off" else f"background collection every {mode}"
            results.append(run_mode(a, label, extra, int(count) if count else a.scrapes, prefix, dtype, guests, lock, counter))
    except Exception as e:  # noqa: BLE001  report what was measured, then fail
        log(f"error: {e}")
        if not results:
            for g in list(guests):
                bench.remove_guest(g)
            return 2
    finally:
        log("removing guests")
        with lock:
            left = list(guests)
            guests.clear()
        for g in left:
            bench.remove_guest(g)
    text, worst = report(a, results, dtype)
    with open(a.out, "w") as f:
        f.write(text)
    print(text)
    return worst


if __name__ == "__main__":
    sys.exit(main())
