{{/* Chart name, truncated to 63 characters. */}}
{{- define "kvm-metrics.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full release name. */}}
{{- define "kvm-metrics.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "kvm-metrics.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "kvm-metrics.labels" -}}
helm.sh/chart: {{ include "kvm-metrics.chart" . }}
app.kubernetes.io/name: {{ include "kvm-metrics.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Immutable selector labels; the component (exporter, analyzer) is appended by the caller. */}}
{{- define "kvm-metrics.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kvm-metrics.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kvm-metrics.exporter.fullname" -}}
{{- printf "%s-exporter" (include "kvm-metrics.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kvm-metrics.analyzer.fullname" -}}
{{- printf "%s-analyzer" (include "kvm-metrics.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kvm-metrics.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) }}
{{- end }}

{{/* Restrictive container securityContext shared by both components. */}}
{{- define "kvm-metrics.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}
