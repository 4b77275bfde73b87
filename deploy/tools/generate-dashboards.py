#!/usr/bin/env python3
"""Generates dashboards/*.json (Grafana schemaVersion 39) from the panel lists below.

Run `python3 deploy/tools/generate-dashboards.py` after editing, then `bash deploy/tools/sync-helm-files.sh`.
Conventions (STYLE.md): a `datasource` variable used by every panel and variable, chained host -> domain
variables (host = the Prometheus `instance` label of the exporter target), $__rate_interval in every rate,
a unit on every panel, fixed uids. Tests: tests/KvmMetrics.Deploy.Tests/Dashboards/.
"""
import json
import os

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DS = {"type": "prometheus", "uid": "${datasource}"}
H = 'instance=~"$host"'
HD = 'instance=~"$host", domain=~"$domain"'
RI = "[$__rate_interval]"


def datasource_var():
    return {"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus",
            "current": {}, "hide": 0, "refresh": 1, "regex": "", "options": []}


def query_var(name, label, query, multi=True):
    return {"name": name, "label": label, "type": "query", "datasource": DS,
            "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery"},
            "definition": query, "refresh": 2, "sort": 1, "multi": multi, "includeAll": True,
            "allValue": ".*", "current": {}, "hide": 0, "options": [], "regex": ""}


class Layout:
    def __init__(self):
        self.y = 0
        self.x = 0
        self.next_id = 1
        self.panels = []

    def row(self, title):
        if self.x:
            self.y += 8
            self.x = 0
        self.panels.append({"id": self.next_id, "type": "row", "title": title, "collapsed": False,
                            "gridPos": {"h": 1, "w": 24, "x": 0, "y": self.y}, "panels": []})
        self.next_id += 1
        self.y += 1

    def panel(self, title, kind, unit, targets, description, w=12, h=8, stack=False, extra=None):
        if self.x + w > 24:
            self.x = 0
            self.y += h
        refs = "ABCDEFGH"
        custom = {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10, "showPoints": "never",
                  "stacking": {"mode": "normal" if stack else "none", "group": "A"}} if kind == "timeseries" else {}
        p = {"id": self.next_id, "type": kind, "title": title, "description": description, "datasource": DS,
             "gridPos": {"h": h, "w": w, "x": self.x, "y": self.y},
             "fieldConfig": {"defaults": {"unit": unit, "custom": custom}, "overrides": []},
             "options": {"legend": {"displayMode": "table", "placement": "bottom", "showLegend": True,
                                    "calcs": ["mean", "max"]},
                         "tooltip": {"mode": "multi", "sort": "desc"}} if kind == "timeseries" else {},
             "targets": [{"refId": refs[i], "datasource": DS, "expr": e, "legendFormat": lf,
                          "range": kind != "table", "instant": kind == "table"}
                         for i, (e, lf) in enumerate(targets)]}
        if kind == "table":
            p["options"] = {"showHeader": True}
            p["transformations"] = [{"id": "merge", "options": {}}]
        if kind == "stat":
            p["options"] = {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                            "colorMode": "value", "graphMode": "none", "textMode": "auto"}
        if extra:
            p.update(extra)
        self.panels.append(p)
        self.next_id += 1
        self.x += w
        if self.x >= 24:
            self.x = 0
            self.y += h


def dashboard(uid, title, description, variables, layout, tags):
    return {"uid": uid, "title": title, "description": description, "tags": ["kvm", "kvm-metrics"] + tags,
            "schemaVersion": 39, "version": 1, "editable": True, "graphTooltip": 1, "timezone": "browser",
            "refresh": "1m", "time": {"from": "now-6h", "to": "now"}, "fiscalYearStartMonth": 0,
            "liveNow": False, "weekStart": "",
            "annotations": {"list": []}, "links": [
                {"title": "KVM dashboards", "type": "dashboards", "tags": ["kvm-metrics"], "asDropdown": True,
                 "includeVars": True, "keepTime": True, "icon": "external link", "targetBlank": False,
                 "tooltip": "", "url": ""}],
            "templating": {"list": variables}, "panels": layout.panels}


def host_overview():
    l = Layout()
    l.row("CPU")
    l.panel("Guest CPU utilisation", "timeseries", "percentunit",
            [(f'sum by (instance) (rate(kvm_domain_cpu_time_seconds_total{{{H}}}{RI}))'
              f' / on (instance) sum by (instance) (kvm_host_cpus{{{H}}})', "{{instance}}")],
            "CPU used by all guests (vCPUs and QEMU threads) divided by the host's logical CPUs.")
    l.panel("Guest CPU by domain", "timeseries", "short",
            [(f'sum by (instance, domain) (rate(kvm_domain_cpu_time_seconds_total{{{H}}}{RI}))',
              "{{instance}} {{domain}}")],
            "CPU cores used by each domain.", stack=True)
    l.panel("vCPU and memory overcommit", "timeseries", "short",
            [(f'kvm_host_vcpu_overcommit_ratio{{{H}}}', "{{instance}} vCPU"),
             (f'kvm_host_memory_overcommit_ratio{{{H}}}', "{{instance}} memory")],
            "Allocated vCPUs per logical CPU and allocated memory per byte of host memory (running domains).")
    l.panel("vCPU steal (top 10 domains)", "timeseries", "percentunit",
            [(f'topk(10, sum by (instance, domain) (rate(kvm_domain_vcpu_delay_seconds_total{{{H}}}{RI}))'
              f' / on (instance, domain) sum by (instance, domain) (kvm_domain_vcpus_current{{{H}}}))',
              "{{instance}} {{domain}}")],
            "Share of time the domain's vCPUs were runnable but waited for a host CPU, averaged over its vCPUs "
            "(the recording rule instance_domain:kvm_domain_vcpu_steal:ratio5m is the alerting version).")
    l.row("Memory")
    l.panel("Host memory", "timeseries", "bytes",
            [(f'kvm_host_memory_bytes{{{H}}}', "{{instance}} total"),
             (f'kvm_host_memory_allocated_bytes{{{H}}}', "{{instance}} allocated to guests"),
             (f'kvm_host_memory_free_bytes{{{H}}}', "{{instance}} free")],
            "Host memory, memory allocated to running guests and free memory.")
    l.panel("QEMU resident memory by domain", "timeseries", "bytes",
            [(f'sum by (instance, domain) (kvm_domain_balloon_rss_bytes{{{H}}})', "{{instance}} {{domain}}")],
            "Resident set size of each domain's QEMU process on the host.", stack=True)
    l.row("Pressure (PSI)")
    for res in ("cpu", "memory", "io"):
        l.panel(f"{res.upper() if res != 'memory' else 'Memory'} pressure (some) by domain", "timeseries", "percentunit",
                [(f'sum by (instance, domain) (rate(kvm_cgroup_{res}_pressure_seconds_total{{{H}, kind="some"}}{RI}))',
                  "{{instance}} {{domain}}")],
                f"Share of time some of the domain's threads were stalled on {res} (cgroup v2 {res}.pressure).", w=8)
    l.row("Disk and network")
    l.panel("Disk throughput by domain", "timeseries", "Bps",
            [(f'sum by (instance, domain) (rate(kvm_domain_block_read_bytes_total{{{H}}}{RI}))', "{{instance}} {{domain}} read"),
             (f'sum by (instance, domain) (rate(kvm_domain_block_write_bytes_total{{{H}}}{RI}))', "{{instance}} {{domain}} write")],
            "Bytes per second read and written by each domain's disks.")
    l.panel("Disk IOPS by domain", "timeseries", "iops",
            [(f'sum by (instance, domain) (rate(kvm_domain_block_read_requests_total{{{H}}}{RI})'
              f' + rate(kvm_domain_block_write_requests_total{{{H}}}{RI}))', "{{instance}} {{domain}}")],
            "Read and write requests per second of each domain's disks.")
    l.panel("Network throughput by domain", "timeseries", "Bps",
            [(f'sum by (instance, domain) (rate(kvm_domain_interface_receive_bytes_total{{{H}}}{RI}))', "{{instance}} {{domain}} rx"),
             (f'sum by (instance, domain) (rate(kvm_domain_interface_transmit_bytes_total{{{H}}}{RI}))', "{{instance}} {{domain}} tx")],
            "Bytes per second received and transmitted by each domain's interfaces.")
    l.panel("Domains by state", "timeseries", "short",
            [(f'sum by (instance, state) (kvm_domains{{{H}}})', "{{instance}} {{state}}")],
            "Number of libvirt domains in each state.", stack=True)
    l.row("Exporter")
    l.panel("Collector success", "timeseries", "short",
            [(f'kvm_exporter_collector_success{{{H}}}', "{{instance}} {{collector}}")],
            "1 when the collector finished before the scrape deadline.", w=8)
    l.panel("Collection duration", "timeseries", "s",
            [(f'kvm_exporter_collection_duration_seconds{{{H}}}', "{{instance}}")],
            "Duration of the collection round behind each scrape.", w=8)
    l.panel("libvirt up", "stat", "short", [(f'kvm_libvirt_up{{{H}}}', "{{instance}}")],
            "1 when the latest libvirt statistics call succeeded.", w=8)
    variables = [datasource_var(), query_var("host", "Host", "label_values(kvm_host_info, instance)")]
    return dashboard("kvm-host-overview", "KVM / Host overview",
                     "Per hypervisor host: CPU, memory, overcommit, steal, pressure, disk, network, domain states.",
                     variables, l, ["host"])


def vm_detail():
    l = Layout()
    l.row("CPU")
    l.panel("CPU per vCPU", "timeseries", "percentunit",
            [(f'sum by (domain, vcpu) (rate(kvm_domain_vcpu_time_seconds_total{{{HD}}}{RI}))', "{{domain}} vCPU {{vcpu}}")],
            "Share of a host CPU used by each vCPU thread.")
    l.panel("QEMU overhead CPU", "timeseries", "percentunit",
            [(f'sum by (domain) (rate(kvm_domain_cpu_time_seconds_total{{{HD}}}{RI}))'
              f' - sum by (domain) (rate(kvm_domain_vcpu_time_seconds_total{{{HD}}}{RI}))', "{{domain}} outside vCPUs"),
             (f'sum by (domain, thread) (rate(kvm_cgroup_overhead_cpu_seconds_total{{{HD}}}{RI}))', "{{domain}} {{thread}} (cgroup)")],
            "CPU used by QEMU outside the vCPU threads: total minus vCPU time (libvirt) and per thread cgroup (emulator, iothreads).")
    l.panel("vCPU steal (wait for a host CPU)", "timeseries", "percentunit",
            [(f'sum by (domain, vcpu) (rate(kvm_domain_vcpu_delay_seconds_total{{{HD}}}{RI}))', "{{domain}} vCPU {{vcpu}}")],
            "Share of time each vCPU was runnable but waiting for a host CPU.")
    l.panel("CPU throttling", "timeseries", "percentunit",
            [(f'sum by (domain) (rate(kvm_cgroup_cpu_throttled_seconds_total{{{HD}}}{RI}))', "{{domain}}")],
            "Share of time the domain's threads were throttled by its cgroup CPU limit (cpu.max).")
    l.row("Memory")
    l.panel("Memory and balloon", "timeseries", "bytes",
            [(f'kvm_domain_memory_allocated_bytes{{{HD}}}', "{{domain}} allocated"),
             (f'kvm_domain_balloon_current_bytes{{{HD}}}', "{{domain}} balloon current"),
             (f'kvm_domain_balloon_maximum_bytes{{{HD}}}', "{{domain}} balloon maximum"),
             (f'kvm_domain_balloon_rss_bytes{{{HD}}}', "{{domain}} QEMU RSS")],
            "Memory allocated in the domain XML, what the balloon currently gives the guest, and QEMU's resident set on the host.")
    l.panel("Guest-reported memory", "timeseries", "bytes",
            [(f'kvm_domain_balloon_usable_bytes{{{HD}}}', "{{domain}} usable"),
             (f'kvm_domain_balloon_unused_bytes{{{HD}}}', "{{domain}} unused")],
            "Memory the guest reports through the balloon driver (needs a guest with virtio-balloon statistics).")
    l.panel("cgroup memory", "timeseries", "bytes",
            [(f'kvm_cgroup_memory_current_bytes{{{HD}}}', "{{domain}} current"),
             (f'kvm_cgroup_memory_swap_current_bytes{{{HD}}}', "{{domain}} swap")],
            "Memory and swap charged to the domain's cgroup (memory.current, memory.swap.current).")
    l.row("Disk")
    l.panel("Disk latency", "timeseries", "s",
            [(f'sum by (domain, device) (rate(kvm_domain_block_read_time_seconds_total{{{HD}}}{RI}))'
              f' / sum by (domain, device) (rate(kvm_domain_block_read_requests_total{{{HD}}}{RI}))', "{{domain}} {{device}} read"),
             (f'sum by (domain, device) (rate(kvm_domain_block_write_time_seconds_total{{{HD}}}{RI}))'
              f' / sum by (domain, device) (rate(kvm_domain_block_write_requests_total{{{HD}}}{RI}))', "{{domain}} {{device}} write")],
            "Mean time per completed request.")
    l.panel("Disk IOPS", "timeseries", "iops",
            [(f'sum by (domain, device) (rate(kvm_domain_block_read_requests_total{{{HD}}}{RI}))', "{{domain}} {{device}} read"),
             (f'sum by (domain, device) (rate(kvm_domain_block_write_requests_total{{{HD}}}{RI}))', "{{domain}} {{device}} write")],
            "Completed read and write requests per second.")
    l.panel("Disk allocation", "timeseries", "percentunit",
            [(f'kvm_domain_block_allocation_bytes{{{HD}}} / kvm_domain_block_capacity_bytes{{{HD}}}', "{{domain}} {{device}}")],
            "Bytes used on the host by the image divided by the disk's logical size.")
    l.panel("Disk throughput", "timeseries", "Bps",
            [(f'sum by (domain, device) (rate(kvm_domain_block_read_bytes_total{{{HD}}}{RI}))', "{{domain}} {{device}} read"),
             (f'sum by (domain, device) (rate(kvm_domain_block_write_bytes_total{{{HD}}}{RI}))', "{{domain}} {{device}} write")],
            "Bytes read and written per second.")
    l.row("Network")
    l.panel("Network throughput", "timeseries", "Bps",
            [(f'sum by (domain, device) (rate(kvm_domain_interface_receive_bytes_total{{{HD}}}{RI}))', "{{domain}} {{device}} rx"),
             (f'sum by (domain, device) (rate(kvm_domain_interface_transmit_bytes_total{{{HD}}}{RI}))', "{{domain}} {{device}} tx")],
            "Bytes per second received and transmitted by the guest.")
    l.panel("Network packets and drops", "timeseries", "pps",
            [(f'sum by (domain, device) (rate(kvm_domain_interface_receive_packets_total{{{HD}}}{RI}))', "{{domain}} {{device}} rx"),
             (f'sum by (domain, device) (rate(kvm_domain_interface_transmit_packets_total{{{HD}}}{RI}))', "{{domain}} {{device}} tx"),
             (f'sum by (domain, device) (rate(kvm_domain_interface_receive_drops_total{{{HD}}}{RI})'
              f' + rate(kvm_domain_interface_transmit_drops_total{{{HD}}}{RI}))', "{{domain}} {{device}} drops")],
            "Packets per second and dropped packets per second.")
    l.row("Pressure (PSI)")
    for res in ("cpu", "memory", "io"):
        l.panel(f"{res} pressure", "timeseries", "percentunit",
                [(f'sum by (domain, kind) (rate(kvm_cgroup_{res}_pressure_seconds_total{{{HD}}}{RI}))', "{{domain}} {{kind}}")],
                f"Share of time some/all of the domain's threads were stalled on {res}.", w=8)
    variables = [datasource_var(), query_var("host", "Host", "label_values(kvm_host_info, instance)"),
                 query_var("domain", "Domain", 'label_values(kvm_domain_info{instance=~"$host"}, domain)')]
    return dashboard("kvm-vm-detail", "KVM / VM detail",
                     "Per domain: CPU per vCPU and QEMU overhead, memory and balloon, disk latency and IOPS, network, throttling and pressure.",
                     variables, l, ["vm"])


def capacity():
    l = Layout()
    A = 'instance=~"$analyzer"'
    AH = 'instance=~"$analyzer", host=~"$host"'
    l.row("Capacity")
    l.panel("Time until full", "stat", "s",
            [(f'kvm_analyzer_cluster_time_until_full_seconds{{{A}}}', "{{resource}} {{estimate}}")],
            "Time until demand reaches usable capacity at the current trend (expected and conservative estimate); +Inf = not within the horizon.",
            w=24, h=5)
    l.panel("Cluster CPU: demand and capacity", "timeseries", "short",
            [(f'kvm_analyzer_cluster_cpu_capacity_cores{{{A}}}', "capacity {{kind}}"),
             (f'kvm_analyzer_cluster_cpu_demand_cores{{{A}}}', "demand (p95 of hourly, 7 days)")],
            "Cores: total and usable (N+1 reserve, target utilisation) against the p95 demand.")
    l.panel("Cluster memory: demand and capacity", "timeseries", "bytes",
            [(f'kvm_analyzer_cluster_memory_capacity_bytes{{{A}}}', "capacity {{kind}}"),
             (f'kvm_analyzer_cluster_memory_demand_bytes{{{A}}}', "demand (p95 of hourly, 7 days)")],
            "Memory: total and usable against the p95 demand.")
    l.row("Forecasts and hotspots")
    l.panel("Forecast CPU peak (p95 band top) per host", "timeseries", "percentunit",
            [(f'kvm_analyzer_host_cpu_forecast_p95_ratio{{{AH}}}', "{{host}}")],
            "Peak of the upper (p95) band of each host's CPU forecast over the next 24 h, as a share of its cores.")
    l.panel("Forecast CPU peak in cores", "timeseries", "short",
            [(f'kvm_analyzer_host_cpu_forecast_p95_cores{{{AH}}}', "{{host}}")],
            "The same peak in cores.")
    l.panel("Expected hot hours", "timeseries", "h",
            [(f'kvm_analyzer_host_expected_hot_hours{{{AH}}}', "{{host}}")],
            "Forecast hours above the CPU watermark in the next 24 h.")
    l.panel("Hotspot severity", "table", "short",
            [(f'kvm_analyzer_host_hotspot_severity{{{AH}}}', "{{host}}")],
            "Highest active hotspot severity per host: 0 none, 1 info, 2 warning, 3 critical.")
    l.panel("Active hotspot findings", "table", "short",
            [(f'kvm_analyzer_host_hotspot{{{AH}}} == 1', "{{host}} {{rule}}")],
            "Hotspot rules currently active, per host.")
    l.panel("Hosts left out (insufficient data)", "table", "short",
            [(f'kvm_analyzer_host_data_insufficient{{{AH}}}', "{{host}}")],
            "1 when the host's data had too many gaps to balance it.")
    l.row("Rebalancing")
    l.panel("Pending migrations", "stat", "short",
            [(f'kvm_analyzer_migrations_pending{{{A}}}', "pending")],
            "Moves in the current recommended plan.", w=6)
    l.panel("Recommended moves", "table", "short",
            [(f'kvm_analyzer_migration_recommended{{{A}}}', "{{vm}}: {{from}} -> {{to}}")],
            "One row per recommended live migration of the current plan.", w=18)
    l.row("Right-sizing")
    l.panel("VMs by class", "timeseries", "short",
            [(f'kvm_analyzer_vms{{{A}}}', "{{class}}")], "VMs by right-sizing class.", w=8, stack=True)
    l.panel("Reclaimable vCPUs", "stat", "short",
            [(f'kvm_analyzer_reclaimable_vcpus{{{A}}}', "vCPUs")], "vCPUs the right-sizing recommendations would free.", w=8)
    l.panel("Reclaimable memory", "stat", "bytes",
            [(f'kvm_analyzer_reclaimable_memory_bytes{{{A}}}', "memory")], "Memory the right-sizing recommendations would free.", w=8)
    l.row("Analyzer health")
    l.panel("Data age", "timeseries", "s",
            [(f'kvm_analyzer_data_age_seconds{{{A}}}', "{{instance}}")], "Now minus the newest sample of the last load.", w=8)
    l.panel("Data stale / source up", "timeseries", "short",
            [(f'kvm_analyzer_data_stale{{{A}}}', "{{instance}} stale"), (f'kvm_analyzer_source_up{{{A}}}', "{{instance}} source up")],
            "1 when the data is stale; 1 when the last load succeeded.", w=8)
    l.panel("Task runs", "timeseries", "short",
            [(f'sum by (task, result) (increase(kvm_analyzer_analysis_runs_total{{{A}}}{RI}))', "{{task}} {{result}}")],
            "Analysis task runs per interval, by result.", w=8)
    variables = [datasource_var(),
                 query_var("analyzer", "Analyzer", "label_values(kvm_analyzer_build_info, instance)"),
                 query_var("host", "Host", 'label_values(kvm_analyzer_host_hotspot_severity{instance=~"$analyzer"}, host)')]
    return dashboard("kvm-capacity", "KVM / Capacity & rebalancing",
                     "Analyzer results: capacity and time until full, CPU forecasts, hotspots, pending migrations, reclaimable resources.",
                     variables, l, ["capacity"])


for name, d in (("kvm-host-overview", host_overview()), ("kvm-vm-detail", vm_detail()), ("kvm-capacity", capacity())):
    with open(os.path.join(ROOT, "dashboards", name + ".json"), "w", encoding="utf-8") as f:
        json.dump(d, f, indent=2, ensure_ascii=False)
        f.write("\n")
