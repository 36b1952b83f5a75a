{{/* The chart's name. */}}
{{- define "kubemigrate-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The objects' name: the release name when it already contains the chart's name (so that
`helm install kubemigrate-operator ...` gives the names of deploy/operator/operator.yaml),
else RELEASE-CHART.
*/}}
{{- define "kubemigrate-operator.fullname" -}}
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

{{- define "kubemigrate-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kubemigrate-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubemigrate-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "kubemigrate-operator.labels" -}}
{{ include "kubemigrate-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "kubemigrate-operator.chart" . }}
{{- end }}

{{- define "kubemigrate-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kubemigrate-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "kubemigrate-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The operator's rights, in each watched namespace (Role) or everywhere (ClusterRole): what
`kubemigrate run` needs, plus its Migrations and their Events. Identical to the ClusterRole of
deploy/operator/operator.yaml; `kubemigrate doctor --mode operator` checks exactly this list.
*/}}
{{- define "kubemigrate-operator.rules" -}}
# Migrations: watched, and their status written.
- apiGroups: [kubemigrate.dev]
  resources: [migrations]
  verbs: [get, list, watch]
- apiGroups: [kubemigrate.dev]
  resources: [migrations/status]
  verbs: [get, patch, update]
# Events on Migrations: Running, Succeeded, Failed; a Job's Events read for FailedCreate.
- apiGroups: [""]
  resources: [events]
  verbs: [create, list, watch]
# Run records: created as the claim, updated with the result, pruned.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, update, delete]
# The migration Jobs: created, watched, stopped when they cannot start.
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, list, watch, create, delete]
# Their pods: watched for fail-fast reasons (patch: before Kubernetes 1.26, the start
# gate's annotation lets one pod of an attempt start); their logs streamed into the record's tail.
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, patch]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
# Each app's lock, and the operator's own leader-election Lease (renewed with a patch).
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update, patch]
# The pre-flight's reads (optional: without one it skips that check and says so). A Secret is read
# for its key names and type only. Nodes and priority classes are cluster-wide: a Role cannot grant
# them, and with watchNamespaces the pre-flight skips those two checks.
- apiGroups: [""]
  resources: [secrets, serviceaccounts]
  verbs: [get]
- apiGroups: [""]
  resources: [resourcequotas, limitranges, nodes]
  verbs: [list, watch]
- apiGroups: [scheduling.k8s.io]
  resources: [priorityclasses]
  verbs: [get]
# The post phase's --after (optional): the workloads whose rollout it waits for.
- apiGroups: [apps]
  resources: [deployments, statefulsets]
  verbs: [get, list, watch]
{{- end }}
