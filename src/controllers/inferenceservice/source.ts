import type { EnvFromSource, EnvVar, Volume, VolumeMount } from "kubernetes-types/core/v1.js";
import type { InferenceService, ModelSource } from "../../apis/inference-ai.js";

/** Default directory of the Hugging Face download cache (HF_HOME) in the engine container. */
export const HF_HOME_DEFAULT = "/models/huggingface";
/** Default directory where pvc and local weights are mounted read-only. */
export const MODEL_DIR_DEFAULT = "/models";
/** Where a gcs credentials Secret is mounted. */
export const GCS_CREDENTIALS_DIR = "/var/run/secrets/inference.ai/gcs";

const MODEL_VOLUME = "model";

/** How the engine container reaches the weights: what it loads, and the env and volumes that need. */
export interface ModelAccess {
  /** What the engine is told to load: a Hugging Face id, an object-store URI or a directory. */
  model: string;
  source: ModelSource;
  env: EnvVar[];
  envFrom: EnvFromSource[];
  volumes: Volume[];
  mounts: VolumeMount[];
}

function huggingface(svc: InferenceService): ModelAccess {
  const { model } = svc.spec;
  const home = model.storagePath ?? HF_HOME_DEFAULT;
  const env: EnvVar[] = [{ name: "HF_HOME", value: home }];
  if (model.secretRef)
    env.push({
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: model.secretRef.name, key: model.secretRef.key ?? "token" } },
    });
  return {
    model: model.name,
    source: "huggingface",
    env,
    envFrom: [],
    volumes: [{ name: MODEL_VOLUME, emptyDir: {} }],
    mounts: [{ name: MODEL_VOLUME, mountPath: home }],
  };
}

/** s3: the Secret's keys as env (AWS_ACCESS_KEY_ID…), as the AWS SDKs of Run:ai's streamer and Triton read them. */
function s3(svc: InferenceService): ModelAccess {
  const ref = svc.spec.model.secretRef;
  return {
    model: svc.spec.model.uri ?? "",
    source: "s3",
    env: [],
    envFrom: ref ? [{ secretRef: { name: ref.name } }] : [],
    volumes: [],
    mounts: [],
  };
}

/** gcs: Google's application default credentials from a mounted service-account key file. */
function gcs(svc: InferenceService): ModelAccess {
  const ref = svc.spec.model.secretRef;
  const access: ModelAccess = {
    model: svc.spec.model.uri ?? "",
    source: "gcs",
    env: [],
    envFrom: [],
    volumes: [],
    mounts: [],
  };
  if (!ref) return access;
  const key = ref.key ?? "credentials.json";
  return {
    ...access,
    env: [{ name: "GOOGLE_APPLICATION_CREDENTIALS", value: `${GCS_CREDENTIALS_DIR}/${key}` }],
    volumes: [{ name: "gcs-credentials", secret: { secretName: ref.name, items: [{ key, path: key }] } }],
    mounts: [{ name: "gcs-credentials", mountPath: GCS_CREDENTIALS_DIR, readOnly: true }],
  };
}

/** pvc and local: the weights mounted read-only at storagePath, which the engine loads. */
function mounted(svc: InferenceService, volume: Volume): ModelAccess {
  const dir = svc.spec.model.storagePath ?? MODEL_DIR_DEFAULT;
  return {
    model: dir,
    source: svc.spec.model.source ?? "huggingface",
    env: [],
    envFrom: [],
    volumes: [volume],
    mounts: [{ name: MODEL_VOLUME, mountPath: dir, readOnly: true }],
  };
}

/** The model's access for its source (default huggingface). Pure. */
export function modelAccess(svc: InferenceService): ModelAccess {
  const { model } = svc.spec;
  switch (model.source ?? "huggingface") {
    case "s3":
      return s3(svc);
    case "gcs":
      return gcs(svc);
    case "pvc":
      return mounted(svc, {
        name: MODEL_VOLUME,
        persistentVolumeClaim: { claimName: model.pvcName ?? "", readOnly: true },
      });
    case "local":
      return mounted(svc, { name: MODEL_VOLUME, hostPath: { path: model.hostPath ?? "", type: "Directory" } });
    default:
      return huggingface(svc);
  }
}
