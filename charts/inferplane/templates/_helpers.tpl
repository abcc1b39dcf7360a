{{- define "inferplane.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "inferplane.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "inferplane.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "inferplane.certSecret" -}}
{{- default (printf "%s-webhook-tls" (include "inferplane.fullname" .)) .Values.webhook.certificate.existingSecret -}}
{{- end -}}

{{/*
The webhook certificates: generated once per render and kept across upgrades (looked up from
the live Secrets). The Secrets, the webhook configurations and the scheduler configuration all
call this, so the generated set is cached in the values map: a second genCA would give the
webhooks another CA. Returns JSON {caCert, cert, key, clientCert, clientKey} (PEM); the client
pair is kube-scheduler's identity to the extender (CN kube-scheduler, issued by the same CA).
*/}}
{{- define "inferplane.certificates" -}}
{{- $cache := .Values.webhook.certificate -}}
{{- if not (hasKey $cache "_rendered") -}}
{{- $_ := set $cache "_rendered" (include "inferplane.certificatesUncached" .) -}}
{{- end -}}
{{- get $cache "_rendered" -}}
{{- end -}}

{{- define "inferplane.certificatesUncached" -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "inferplane.certSecret" .) -}}
{{- $client := lookup "v1" "Secret" .Release.Namespace (include "inferplane.schedulerClientSecret" .) -}}
{{- if and $secret (index $secret.data "ca.crt") $client (index $client.data "tls.crt") -}}
{{- dict "caCert" (index $secret.data "ca.crt" | b64dec) "cert" (index $secret.data "tls.crt" | b64dec) "key" (index $secret.data "tls.key" | b64dec) "clientCert" (index $client.data "tls.crt" | b64dec) "clientKey" (index $client.data "tls.key" | b64dec) | toJson -}}
{{- else -}}
{{- $service := include "inferplane.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list (printf "%s.%s.svc" $service $ns) (printf "%s.%s.svc.cluster.local" $service $ns) $service (printf "%s.%s" $service $ns) -}}
{{- $ca := genCA "inferplane-webhook-ca" (int .Values.webhook.certificate.validityDays) -}}
{{- $cert := genSignedCert (printf "%s.%s.svc" $service $ns) nil $names (int .Values.webhook.certificate.validityDays) $ca -}}
{{- $scheduler := genSignedCert "kube-scheduler" nil nil (int .Values.webhook.certificate.validityDays) $ca -}}
{{- dict "caCert" $ca.Cert "cert" $cert.Cert "key" $cert.Key "clientCert" $scheduler.Cert "clientKey" $scheduler.Key | toJson -}}
{{- end -}}
{{- end -}}

{{/*
base64 PEM of the webhook CA: the caBundle of the webhooks and the extender's caData.
- caBundle set: it.
- existingSecret set: that Secret's ca.crt, read at install time. Where Helm cannot read it
  (helm template, --dry-run, GitOps tools render without a cluster) or it has no ca.crt, fail:
  a CA made up here would not have signed the Secret's certificate, and with failurePolicy Fail
  the apiserver would then reject every opted-in pod.
- neither: the CA the chart generates (kept across upgrades).
*/}}
{{- define "inferplane.caBundle" -}}
{{- $certificate := .Values.webhook.certificate -}}
{{- if $certificate.caBundle -}}
{{- $certificate.caBundle -}}
{{- else if $certificate.existingSecret -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace $certificate.existingSecret -}}
{{- $ca := "" -}}
{{- if $secret -}}
{{- $ca = index ($secret.data | default dict) "ca.crt" | default "" -}}
{{- end -}}
{{- if not $ca -}}
{{- $where := printf "%s/%s" .Release.Namespace $certificate.existingSecret -}}
{{- $why := ternary (printf "Secret %s has no ca.crt" $where) (printf "Secret %s cannot be read (it does not exist yet, or Helm renders without a cluster: helm template, --dry-run, GitOps tools)" $where) (not (empty $secret)) -}}
{{- fail (printf "webhook.certificate.existingSecret=%s: cannot resolve the webhook CA: %s. Set webhook.certificate.caBundle to the base64 PEM of the CA that signed it (kubectl -n %s get secret %s -o jsonpath='{.data.ca\\.crt}'), or leave existingSecret empty to let the chart generate a certificate" $certificate.existingSecret $why .Release.Namespace $certificate.existingSecret) -}}
{{- end -}}
{{- $ca -}}
{{- else -}}
{{- (include "inferplane.certificates" . | fromJson).caCert | b64enc -}}
{{- end -}}
{{- end -}}

{{- define "inferplane.schedulerClientSecret" -}}
{{- printf "%s-scheduler-client" (include "inferplane.fullname" .) -}}
{{- end -}}

{{/*
kube-scheduler's client certificate and key for the extender (base64 PEM, as tlsConfig.certData
and keyData take them): the given ones, else issued by the chart's CA. A CA the chart does not
hold (webhook.certificate.existingSecret) cannot issue one: then they must be given.
*/}}
{{- define "inferplane.schedulerClientData" -}}
{{- $given := .Values.scheduler.clientCertificate -}}
{{- if and $given.certData $given.keyData -}}
{{- dict "certData" $given.certData "keyData" $given.keyData | toJson -}}
{{- else if .Values.webhook.certificate.existingSecret -}}
{{- fail "scheduler.clientCertificate.certData and keyData are required with webhook.certificate.existingSecret: a certificate for CN kube-scheduler from that Secret's CA (the extender accepts no other)" -}}
{{- else -}}
{{- $certs := include "inferplane.certificates" . | fromJson -}}
{{- dict "certData" ($certs.clientCert | b64enc) "keyData" ($certs.clientKey | b64enc) | toJson -}}
{{- end -}}
{{- end -}}

{{/* The kube-scheduler image: the tag defaults to the cluster's version without a vendor suffix (v1.31.4-eks-… → v1.31.4). */}}
{{- define "inferplane.schedulerImage" -}}
{{- $image := .Values.scheduler.image -}}
{{- $tag := $image.tag | default (regexReplaceAll "^(v[0-9]+\\.[0-9]+\\.[0-9]+).*$" .Capabilities.KubeVersion.Version "${1}") -}}
{{- printf "%s:%s" $image.repository $tag -}}
{{- end -}}

{{/*
Combinations values.schema.json cannot express; each fails with what to change. Included once,
from the Deployment (always rendered).
*/}}
{{- define "inferplane.checks" -}}
{{- if and .Values.optimizer.enabled (not .Values.controller.enabled) -}}
{{- fail "optimizer.enabled=true needs controller.enabled=true: the optimizer loop runs in the controller's leader. Enable the controller, or disable the optimizer" -}}
{{- end -}}
{{- if and .Values.scheduler.bind (eq .Values.scheduler.mode "none") -}}
{{- fail "scheduler.bind=true needs scheduler.mode=second or existing: with mode none no scheduler calls the extender" -}}
{{- end -}}
{{- if and .Values.webhook.certificate.caBundle (not .Values.webhook.certificate.existingSecret) -}}
{{- fail "webhook.certificate.caBundle is set without webhook.certificate.existingSecret: the chart would serve its own generated certificate, which that CA did not sign. Set existingSecret to the Secret your CA issued, or leave caBundle empty" -}}
{{- end -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if and $pdb.enabled (ge (int .Values.replicaCount) 2) (ge (int $pdb.minAvailable) (int .Values.replicaCount)) -}}
{{- fail (printf "podDisruptionBudget.minAvailable=%d with replicaCount=%d would block every node drain: keep minAvailable below replicaCount" (int $pdb.minAvailable) (int .Values.replicaCount)) -}}
{{- end -}}
{{- end -}}

{{/* Pod annotations of the server: the scrape annotations, then podAnnotations over them. */}}
{{- define "inferplane.podAnnotations" -}}
{{- $annotations := dict -}}
{{- if .Values.metrics.scrapeAnnotations -}}
{{- $_ := set $annotations "prometheus.io/scrape" "true" -}}
{{- $_ := set $annotations "prometheus.io/port" (toString .Values.metrics.port) -}}
{{- $_ := set $annotations "prometheus.io/path" "/metrics" -}}
{{- end -}}
{{- $annotations = merge (deepCopy .Values.podAnnotations) $annotations -}}
{{- if $annotations -}}
{{- toYaml $annotations -}}
{{- end -}}
{{- end -}}

{{/* The server's pods only: the second scheduler's pods carry app.kubernetes.io/component=scheduler. */}}
{{- define "inferplane.serverPodSelector" -}}
matchLabels:
  {{- include "inferplane.selectorLabels" . | nindent 2 }}
matchExpressions:
  - key: app.kubernetes.io/component
    operator: DoesNotExist
{{- end -}}
