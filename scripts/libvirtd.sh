#!/usr/bin/env bash
# Starts (or stops) a local libvirtd without systemd, the way this repository's tests need it.
#   bash scripts/libvirtd.sh start|stop|status
# Idempotent: "start" on a running daemon only checks that it answers.
set -euo pipefail
log() { printf '[libvirtd] %s\n' "$*" >&2; }
answers() { timeout 10 virsh -c qemu:///system version >/dev/null 2>&1; }
root="$(cd "$(dirname "$0")/.." && pwd)"
# Read-only socket for the libvirt group without polkit (this machine has no D-Bus): the non-root tests need it.
conf="$root/deploy/libvirt/libvirtd-readonly-group.conf"
ro_sock=/var/run/libvirt/libvirt-sock-ro
configured() { [ "$(stat -c '%G %a' "$ro_sock" 2>/dev/null)" = "libvirt 770" ]; }
# Only a daemon this script started (no init system manages it) is restarted to apply the settings.
ours() { [ "$(cat /proc/1/comm 2>/dev/null)" != systemd ] && pgrep -x libvirtd >/dev/null; }
stop_daemon() {
  pkill -CONT -x libvirtd 2>/dev/null || true
  pkill -TERM -x libvirtd 2>/dev/null || true
  for _ in $(seq 1 20); do pgrep -x libvirtd >/dev/null || break; sleep 0.5; done
  pkill -KILL -x libvirtd 2>/dev/null || true
}

case "${1:-start}" in
  start)
    if answers && configured; then log "already running"; exit 0; fi
    if [ "$(id -u)" != 0 ]; then
      if answers; then log "running, but its read-only socket is not libvirt:0770 ($conf); non-root tests will fail"; exit 0; fi
      log "error: starting libvirtd needs root"; exit 1
    fi
    if answers; then
      if ! ours; then log "running under an init system without $conf: left as it is (non-root tests will fail)"; exit 0; fi
      log "running without $conf: restarting it with those socket settings (guests keep running)"
      stop_daemon
    fi
    groupadd -f kvm; groupadd -f libvirt-qemu; groupadd -f libvirt
    id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm libvirt-qemu
    mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/qemu /var/lib/libvirt/images
    # Without udev (containers, CI) /dev/kvm stays root:root 0600; Debian's udev rule makes it kvm:0660.
    if [ -e /dev/kvm ]; then chgrp kvm /dev/kvm && chmod 0660 /dev/kvm || true; fi
    pgrep -x virtlogd >/dev/null || virtlogd -d
    # A daemon that is stopped (SIGSTOP by a fault test) or wedged must not block a fresh start.
    if pgrep -x libvirtd >/dev/null; then
      pkill -CONT -x libvirtd || true
      for _ in $(seq 1 20); do answers && { log "resumed"; exit 0; }; sleep 0.5; done
      pkill -KILL -x libvirtd || true; sleep 0.5
    fi
    libvirtd -d -f "$conf"
    for _ in $(seq 1 60); do
      if answers; then log "started"; exit 0; fi
      sleep 0.5
    done
    log "error: libvirtd did not answer within 30 s; see /var/log/libvirt/"; exit 1 ;;
  stop)
    stop_daemon
    log "stopped" ;;
  status)
    if answers; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
