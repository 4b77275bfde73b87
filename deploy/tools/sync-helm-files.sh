#!/usr/bin/env bash
# Copies alerts/ and dashboards/ into the chart (helm cannot read outside helm/kvm-metrics).
# A test (HelmChartTests.ChartFiles_AreByteForByteCopiesOfAlertsAndDashboards) fails when they drift.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
files="$root/helm/kvm-metrics/files"
rm -rf "$files/alerts" "$files/dashboards"
mkdir -p "$files/alerts" "$files/dashboards"
cp "$root/alerts/kvm-metrics.rules.yml" "$files/alerts/"
cp "$root"/dashboards/*.json "$files/dashboards/"
