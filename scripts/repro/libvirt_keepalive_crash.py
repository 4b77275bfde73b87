#!/usr/bin/env python3
"""Reproduces the libvirt client crash that made the exporter turn client keepalive off by default
(docs/reliability.md). No KvmMetrics code is involved: a plain libvirt.so.0 client over ctypes registers the default
event loop (run on its own thread, as libvirt requires for keepalive), opens a read-only connection through a Unix
socket relay, sets keepalive (5 s interval, 3 missed), and calls virConnectListAllDomains in a loop from --threads
threads. The relay process is then frozen with SIGSTOP for --freeze seconds, which to the client is a hung libvirtd,
and resumed. The client process's exit code is reported: 139/-11 is SIGSEGV.

  python3 scripts/repro/libvirt_keepalive_crash.py [--threads 3] [--freeze 26] [--runs 2]

Needs root (or access to the read-only socket) and a running libvirtd (bash scripts/libvirtd.sh start)."""
import argparse, os, signal, socket, subprocess, sys, tempfile, threading, time

RELAY = r'''
import socket, sys, threading, os
listen, target = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX); srv.bind(listen); srv.listen(16)
def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d: break
            b.sendall(d)
    except OSError: pass
    finally:
        for s in (a, b):
            try: s.shutdown(socket.SHUT_RDWR)
            except OSError: pass
while True:
    c, _ = srv.accept()
    u = socket.socket(socket.AF_UNIX); u.connect(target)
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
'''

CLIENT = r'''
import ctypes, threading, time, sys
lv = ctypes.CDLL("libvirt.so.0")
lv.virConnectOpenReadOnly.restype = ctypes.c_void_p
lv.virConnectOpenReadOnly.argtypes = [ctypes.c_char_p]
lv.virConnectSetKeepAlive.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint]
lv.virConnectListAllDomains.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_uint]
lv.virConnectIsAlive.argtypes = [ctypes.c_void_p]
silent = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(lambda u, e: None)
lv.virSetErrorFunc(None, silent)
assert lv.virEventRegisterDefaultImpl() == 0
def loop():
    while True:
        lv.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
conn = lv.virConnectOpenReadOnly(("qemu+unix:///system?socket=" + sys.argv[1]).encode())
assert conn, "virConnectOpenReadOnly failed"
assert lv.virConnectSetKeepAlive(conn, 5, 3) == 0
def calls(n):
    while True:
        t = time.time()
        r = lv.virConnectListAllDomains(conn, None, 0)
        if time.time() - t > 1 or r < 0:
            print(f"thread {n}: virConnectListAllDomains -> {r} after {time.time() - t:.1f} s, alive {lv.virConnectIsAlive(conn)}", flush=True)
        time.sleep(0.5 if r >= 0 else 1)
for n in range(int(sys.argv[2])):
    threading.Thread(target=calls, args=(n,), daemon=True).start()
time.sleep(float(sys.argv[3]))
print("client exits normally", flush=True)
'''


def run(threads, freeze, target):
    with tempfile.TemporaryDirectory(prefix="kvm-ka-") as d:
        sock = os.path.join(d, "relay.sock")
        relay = subprocess.Popen([sys.executable, "-c", RELAY, sock, target])
        while not os.path.exists(sock):
            time.sleep(0.05)
        settle, after = 4.0, 20.0
        client = subprocess.Popen([sys.executable, "-c", CLIENT, sock, str(threads), str(settle + freeze + after)],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        time.sleep(settle)
        relay.send_signal(signal.SIGSTOP)
        time.sleep(freeze)
        relay.send_signal(signal.SIGCONT)
        out, _ = client.communicate(timeout=after + 60)
        relay.kill()
        relay.wait()
        return client.returncode, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=3)
    ap.add_argument("--freeze", type=float, default=26.0, help="seconds the relay is stopped (keepalive gives up after 5 s x 3)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--socket", default="/var/run/libvirt/libvirt-sock-ro")
    a = ap.parse_args()
    crashes = 0
    for i in range(a.runs):
        code, out = run(a.threads, a.freeze, a.socket)
        crashed = code in (-11, 139)
        crashes += crashed
        lines = out.strip().splitlines()
        print(f"run {i + 1}: {a.threads} calling thread(s), relay frozen {a.freeze:g} s: exit {code}"
              f"{' (SIGSEGV)' if crashed else ''}; last client line: {lines[-1] if lines else '-'}")
    print(f"{crashes} of {a.runs} runs crashed")


if __name__ == "__main__":
    main()
