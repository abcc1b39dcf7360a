import { strict as assert } from "node:assert";
import { DenialCode, formatDenial, formatFieldError, formatInvalid } from "../../webhooks/field-errors.js";

const tokenCache = {
  path: "metadata.annotations[inference.ai/token-cache]",
  detail: 'TokenCache "c" does not exist in namespace ml',
  fix: "create it or fix the annotation",
};

describe("field errors", () => {
  it("render as `path: detail; fix`, and without a path when the fault is not a field's", () => {
    assert.equal(
      formatFieldError(tokenCache),
      'metadata.annotations[inference.ai/token-cache]: TokenCache "c" does not exist in namespace ml; create it or fix the annotation',
    );
    assert.equal(
      formatFieldError({ path: "", detail: "inferplane's cluster view is not synced yet", fix: "retry shortly" }),
      "inferplane's cluster view is not synced yet; retry shortly",
    );
  });

  it("become one status message per denial, worded by its fault kind", () => {
    const second = { path: "spec.replicas", detail: "-1 is negative", fix: "use 0 or more" };
    assert.equal(
      formatDenial("Pod", "ml", "p", { code: DenialCode.Forbidden, errors: [tokenCache] }),
      `Pod ml/p is forbidden: ${formatFieldError(tokenCache)}`,
    );
    assert.equal(
      formatInvalid("ModelInfer", "ml", "m", [tokenCache, second]),
      `ModelInfer ml/m is invalid: ${formatFieldError(tokenCache)}; and spec.replicas: -1 is negative; use 0 or more`,
    );
    assert.equal(
      formatDenial("GPUPool", "", "p", { code: DenialCode.Unavailable, errors: [second] }),
      "GPUPool p cannot be admitted yet: spec.replicas: -1 is negative; use 0 or more",
    );
  });
});
