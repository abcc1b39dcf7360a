{{/*
Recording rules for InferenceServices (issue 14): per-pod series labelled with the pod's
InferenceService (kube-state-metrics' kube_pod_labels, with the label inference.ai/inferenceservice
allowed through --metric-labels-allowlist=pods=[inference.ai/inferenceservice]), which KEDA's
triggers and prometheus-adapter read, and the Inference Operator's metrics per InferenceService.
Sources: dcgm-exporter (DCGM_FI_DEV_GPU_UTIL percent, DCGM_FI_DEV_FB_USED MiB, with its pod and
namespace labels kept), vLLM and SGLang /metrics, Triton's nv_inference_pending_request_count.
*/}}
{{- define "inferplane.inferenceRules" -}}
- name: inferplane-inference-service
  rules:
    - record: inference:pod_inferenceservice:info
      expr: max by (namespace, pod, inferenceservice) (label_replace(kube_pod_labels{label_inference_ai_inferenceservice!=""}, "inferenceservice", "$1", "label_inference_ai_inferenceservice", "(.+)"))
    - record: inference:pod_gpu_utilization
      expr: avg by (namespace, pod) (DCGM_FI_DEV_GPU_UTIL{pod!=""}) * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info
    - record: inference:pod_gpu_memory_used_bytes
      expr: sum by (namespace, pod) (DCGM_FI_DEV_FB_USED{pod!=""}) * 1048576 * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info
    - record: inference:pod_queue_depth
      expr: sum by (namespace, pod) ({__name__=~"vllm:num_requests_waiting|sglang:num_queue_reqs|nv_inference_pending_request_count"}) * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info
    - record: inference:pod_request_latency_p95_seconds
      expr: histogram_quantile(0.95, sum by (namespace, pod, le) (rate({__name__=~"vllm:e2e_request_latency_seconds_bucket|sglang:e2e_request_latency_seconds_bucket"}[2m]))) * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info
    - record: inference_gpu_utilization
      expr: avg by (namespace, inferenceservice) (inference:pod_gpu_utilization)
    - record: inference_gpu_memory_used_bytes
      expr: sum by (namespace, inferenceservice) (inference:pod_gpu_memory_used_bytes)
    - record: inference_cache_hits_total
      expr: sum by (namespace, inferenceservice) (sum by (namespace, pod) ({__name__=~"vllm:prefix_cache_hits_total|sglang:cache_hit_total"}) * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info)
    - record: inference_gpu_allocations_total
      expr: sum by (namespace, inferenceservice) (sum by (namespace, pod) (kube_pod_container_resource_requests{resource=~"nvidia_com_gpu.*|nvidia_com_mig_.*"}) * on (namespace, pod) group_left (inferenceservice) inference:pod_inferenceservice:info)
{{- end -}}
