import assert from "node:assert/strict";
import type { Outcome } from "../../webhooks/enhancers/result.js";
import type { FieldError } from "../../webhooks/field-errors.js";

/** Every field error says what is wrong and how to fix it; returns their paths, in order. */
export function pathsOf(errors: readonly FieldError[]): string[] {
  for (const e of errors) {
    assert.ok(e.detail.length > 0, `${e.path}: no detail`);
    assert.ok(e.fix.length > 0, `${e.path}: no fix`);
  }
  return errors.map((e) => e.path);
}

/** Asserts a refusal of this code naming exactly these fields. */
export function assertDenied(outcome: Outcome<unknown>, code: number, ...paths: string[]): void {
  assert.equal(outcome.ok, false, "allowed");
  if (outcome.ok) return;
  assert.deepEqual([outcome.code, ...pathsOf(outcome.errors)], [code, ...paths]);
}
