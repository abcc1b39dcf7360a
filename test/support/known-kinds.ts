import { SERVED_KINDS } from "../../src/cluster-view/served-kinds.js";
import * as core from "../../src/kube/core-kinds.js";
import type { KindRef } from "../../src/kube/kind.js";

/** Every kind inferplane reads or writes: what the API double serves unless a test says otherwise. */
export const KNOWN_KINDS: readonly KindRef[] = [
  ...new Map<string, KindRef>(
    [...Object.values(core), ...SERVED_KINDS.map((s) => s.kind)].map((k) => [`${k.group}/${k.version}/${k.kind}`, k]),
  ).values(),
];
