#!/usr/bin/env bash
# Added cost of the cgroup collector per scrape at N domains on this host's real cgroup tree.
# Creates N paused boot-sector guests (free: a paused guest uses no CPU but keeps its cgroup), runs the
# collector RUNS times against the real files, prints p50/p95 per scrape, then destroys and undefines the
# guests (also on Ctrl-C / failure). Needs root and libvirtd (bash scripts/libvirtd.sh start).
# Usage: bench/cgroup/run.sh [domains=40] [runs=100]
set -euo pipefail
cd "$(dirname "$0")"
N="${1:-40}"
RUNS="${2:-100}"
URI=qemu:///system
PREFIX="kmtbench-cg-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="/var/lib/libvirt/images/$PREFIX"
[ "$(id -u)" = 0 ] || { echo "run as root (creates libvirt guests)" >&2; exit 1; }
virsh -c "$URI" version >/dev/null || { echo "libvirtd not answering; run: bash scripts/libvirtd.sh start" >&2; exit 1; }

cleanup() {
  for i in $(seq 1 "$N"); do
    virsh -c "$URI" destroy "$PREFIX-$i" >/dev/null 2>&1 || true
    virsh -c "$URI" undefine "$PREFIX-$i" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK"
# Idle boot sector: cli; hlt; jmp $-1; 55 AA signature; padded to 1 MiB so SeaBIOS boots it from virtio.
printf '\xFA\xF4\xEB\xFD' > "$WORK/boot.img"
dd if=/dev/zero bs=1 count=506 >> "$WORK/boot.img" 2>/dev/null
printf '\x55\xAA' >> "$WORK/boot.img"
truncate -s 1M "$WORK/boot.img"
TYPE=qemu
if [ -c /dev/kvm ] && su -s /bin/sh libvirt-qemu -c 'test -r /dev/kvm -a -w /dev/kvm' 2>/dev/null; then TYPE=kvm; fi

create() {
  local i=$1 img="$WORK/boot-$1.img"
  cp "$WORK/boot.img" "$img"
  cat > "$WORK/dom-$i.xml" <<XML
<domain type='$TYPE'>
  <name>$PREFIX-$i</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='$img'/><target dev='vda' bus='virtio'/></disk>
  </devices>
</domain>
XML
  virsh -c "$URI" define "$WORK/dom-$i.xml" >/dev/null
  virsh -c "$URI" start --paused "$PREFIX-$i" >/dev/null
}
echo "creating $N paused $TYPE guests ($PREFIX-*)" >&2
for i in $(seq 1 "$N"); do create "$i" & if (( i % 4 == 0 )); then wait; fi; done; wait

: > "$WORK/domains.txt"
for i in $(seq 1 "$N"); do
  echo "$(virsh -c "$URI" domuuid "$PREFIX-$i" | head -1) $(virsh -c "$URI" domid "$PREFIX-$i" | head -1) $PREFIX-$i" >> "$WORK/domains.txt"
done
bad=$(awk '$2 !~ /^[0-9]+$/' "$WORK/domains.txt" | wc -l)
if [ "$bad" != 0 ]; then echo "$bad guests are not running:" >&2; awk '$2 !~ /^[0-9]+$/' "$WORK/domains.txt" >&2; exit 1; fi
dotnet run -c Release CgroupBench.cs -- "$WORK/domains.txt" "$RUNS"
