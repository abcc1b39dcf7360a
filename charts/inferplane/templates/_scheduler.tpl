{{/* The extenders entry of a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1). */}}
{{- define "inferplane.extenderConfig" -}}
- urlPrefix: https://{{ include "inferplane.fullname" . }}.{{ .Release.Namespace }}.svc:443/scheduler
  filterVerb: filter
  prioritizeVerb: prioritize
  {{- if .Values.scheduler.bind }}
  bindVerb: bind
  {{- end }}
  weight: {{ .Values.scheduler.weight }}
  nodeCacheCapable: true
  enableHTTPS: true
  # The extender accepts kube-scheduler by this client certificate (CN kube-scheduler, the chart's CA).
  {{- $client := include "inferplane.schedulerClientData" . | fromJson }}
  tlsConfig:
    caData: {{ include "inferplane.caBundle" . }}
    certData: {{ $client.certData }}
    keyData: {{ $client.keyData }}
  httpTimeout: {{ .Values.scheduler.httpTimeout }}
  ignorable: false
{{- end -}}

{{- define "inferplane.schedulerConfig" -}}
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
# Below 100 the scheduler samples nodes in large clusters and the extender would see only part of a HyperNode.
percentageOfNodesToScore: 100
leaderElection:
  leaderElect: true
  resourceName: {{ .Values.scheduler.name }}
  resourceNamespace: {{ .Release.Namespace }}
profiles:
  - schedulerName: {{ .Values.scheduler.name }}
extenders:
{{ include "inferplane.extenderConfig" . }}
{{- end -}}
