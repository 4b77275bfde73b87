#!/usr/bin/env bash
# Starts (or stops) a local libvirtd without systemd, the way this repository's tests need it.
#   bash scripts/libvirtd.sh start|stop|status
# Idempotent: "start" on a running daemon only checks that it answers.
set -euo pipefail
log() { printf '[libvirtd] %s\n' "$*" >&2; }
answers() { timeout 10 virsh -c qemu:///system version >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    if answers; then log "already running"; exit 0; fi
    if [ "$(id -u)" != 0 ]; then log "error: starting libvirtd needs root"; exit 1; fi
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
    libvirtd -d
    for _ in $(seq 1 60); do
      if answers; then log "started"; exit 0; fi
      sleep 0.5
    done
    log "error: libvirtd did not answer within 30 s; see /var/log/libvirt/"; exit 1 ;;
  stop)
    pkill -CONT -x libvirtd 2>/dev/null || true
    pkill -TERM -x libvirtd 2>/dev/null || true
    for _ in $(seq 1 20); do pgrep -x libvirtd >/dev/null || break; sleep 0.5; done
    pkill -KILL -x libvirtd 2>/dev/null || true
    log "stopped" ;;
  status)
    if answers; then echo running; else echo stopped; exit 3; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
