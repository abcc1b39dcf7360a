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

{{/* base64 PEM of the webhook CA: the caBundle of the webhooks and the extender's caData. */}}
{{- define "inferplane.caBundle" -}}
{{- if .Values.webhook.certificate.caBundle -}}
{{- .Values.webhook.certificate.caBundle -}}
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
