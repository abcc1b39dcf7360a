import type { Logger } from "../src/logging.js";
import { ensureFromSnapshot, type CertPolicy, type ServingBundle } from "./ensure.js";
import { readCertFiles } from "./files.js";
import { pairMatches } from "./inspect.js";

export interface ReloaderOptions {
  dir: string;
  policy: CertPolicy;
  /** How often the directory is checked for rotated or expiring certificates. */
  intervalMs: number;
  log: Logger;
  onChange: (bundle: ServingBundle) => void;
  onError: (err: unknown) => void;
}

function sameBundle(a: ServingBundle, b: ServingBundle): boolean {
  return a.cert === b.cert && a.key === b.key && a.caCert === b.caCert;
}

/**
 * Keeps the serving certificate current at runtime: picks up files rotated by someone else
 * (a Secret update) and renews the certificate itself well before it expires. A half-written
 * rotation (key not matching the certificate) is ignored until it is complete.
 */
export class CertificateReloader {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private current: ServingBundle,
    private readonly options: ReloaderOptions,
  ) {}

  get bundle(): ServingBundle {
    return this.current;
  }

  start(): void {
    this.timer = setInterval(() => {
      void this.check();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check; concurrent calls share the one under way. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    try {
      const files = await readCertFiles(this.options.dir);
      if (files.cert && files.key && !pairMatches({ cert: files.cert, key: files.key })) {
        this.options.log.debug("certificate rotation in progress; waiting for a matching key", {
          dir: this.options.dir,
        });
        return;
      }
      const { bundle, written, warning, reason } = await ensureFromSnapshot(
        this.options.dir,
        files,
        this.options.policy,
      );
      if (warning) this.options.log.warn("serving certificate needs renewal", { warning });
      if (written.length > 0)
        this.options.log.info("certificates renewed", { dir: this.options.dir, files: written, reason });
      if (sameBundle(bundle, this.current)) return;
      this.current = bundle;
      this.options.onChange(bundle);
    } catch (err) {
      this.options.onError(err);
    }
  }
}
