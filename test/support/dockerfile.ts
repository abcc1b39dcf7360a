import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";

/*
 * A Dockerfile read and its stages assembled in directories, without a container engine: COPY
 * copies from the build context (minus .dockerignore) or from an earlier stage, and the few RUN
 * commands we use are carried out — `npm ci` by linking the context's node_modules (only the
 * production packages with --omit=dev), `npm run build` by running tsc. Anything else is refused,
 * so the check never silently skips a step the real build would take.
 */

export interface Instruction {
  keyword: string;
  /** Words, with `--flag=value` options taken out into `options`; the JSON form is read as JSON. */
  words: string[];
  options: Record<string, string>;
}

export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw) && current === "") continue;
    const continued = /\\\s*$/.test(raw);
    current += continued ? raw.replace(/\\\s*$/, " ") : raw;
    if (continued) continue;
    if (current.trim() !== "") lines.push(current.trim());
    current = "";
  }
  return lines;
}

function instruction(line: string): Instruction {
  const [keyword = "", ...rest] = line.split(/\s+/);
  const body = line.slice(keyword.length).trim();
  if (body.startsWith("[")) return { keyword: keyword.toUpperCase(), words: JSON.parse(body) as string[], options: {} };
  // Leading `--name=value` words are the instruction's options (COPY --from=build, --chown=…).
  const options: Record<string, string> = {};
  let i = 0;
  for (let option; i < rest.length && (option = /^--([a-z-]+)=(.*)$/.exec(rest[i]!)); i++)
    options[option[1]!] = option[2]!;
  const upper = keyword.toUpperCase();
  return upper === "RUN"
    ? { keyword: upper, words: rest, options: {} }
    : { keyword: upper, words: rest.slice(i), options };
}

/** The stages of a Dockerfile, in order. */
export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const ins = instruction(line);
    if (ins.keyword === "FROM") {
      const [base = "", as, name] = ins.words;
      stages.push({ base, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`Dockerfile: ${ins.keyword} before FROM`);
      stage.instructions.push(ins);
    }
  }
  return stages;
}

/** The last value of an instruction in a stage (WORKDIR, USER), or undefined. */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}

function ignored(context: string): (path: string) => boolean {
  const file = join(context, ".dockerignore");
  const patterns = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((p) => p.trim().replace(/\/$/, ""))
        .filter((p) => p && !p.startsWith("#"))
    : [];
  return (path) => {
    const rel = relative(context, path);
    return patterns.some((p) => rel === p || rel.startsWith(`${p}/`));
  };
}

/** Links node_modules as `npm ci` would install it: all of it, or only the production packages of the lock file. */
function linkNodeModules(context: string, dir: string, omitDev: boolean): void {
  const source = join(context, "node_modules");
  if (!omitDev) {
    symlinkSync(source, join(dir, "node_modules"));
    return;
  }
  const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const topLevel = /^node_modules\/((@[^/]+\/)?[^/]+)$/.exec(path);
    if (!topLevel || entry.dev === true) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(join(context, path), join(dir, path));
  }
}

function run(context: string, dir: string, command: string): void {
  const words = command.trim().split(/\s+/);
  if (words[0] === "npm" && words[1] === "ci") linkNodeModules(context, dir, words.includes("--omit=dev"));
  else if (words[0] === "npm" && words[1] === "run") {
    // The real npm runs the package's script, with the stage's (linked) node_modules/.bin on PATH.
    try {
      execFileSync("npm", ["run", ...words.slice(2)], {
        cwd: dir,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`RUN ${command.trim()} failed:\n${String(stdout)}${String(stderr)}`, { cause: err });
    }
  } else if (!(words[0] === "npm" && words[1] === "cache")) throw new Error(`cannot emulate RUN ${command}`);
}

/** Where a path inside the image lands in the stage directory (relative paths are under WORKDIR). */
function inStage(dir: string, workdir: string, path: string): string {
  const absolute = posix.resolve(workdir, path);
  if (absolute !== workdir && !absolute.startsWith(`${workdir}/`))
    throw new Error(`${path} is outside WORKDIR ${workdir}`);
  return join(dir, posix.relative(workdir, absolute));
}

function copy(
  ins: Instruction,
  from: string,
  fromWorkdir: string,
  dir: string,
  workdir: string,
  context?: string,
): void {
  const sources = ins.words.slice(0, -1);
  const target = ins.words.at(-1)!;
  const skip = context ? ignored(context) : (): boolean => false;
  for (const source of sources) {
    const path = context ? join(context, source) : inStage(from, fromWorkdir, source);
    if (!existsSync(path)) throw new Error(`COPY ${source}: not found in the ${context ? "build context" : "stage"}`);
    const into =
      target.endsWith("/") || sources.length > 1
        ? join(inStage(dir, workdir, target), source)
        : inStage(dir, workdir, target);
    cpSync(path, into, { recursive: true, filter: (p) => !skip(p) });
  }
}

export interface AssembledStage {
  dir: string;
  workdir: string;
  stage: Stage;
}

/**
 * Assembles every stage of `dockerfile` (text) under `root`, one directory per stage, from the
 * build context `context`. Throws on a COPY of a missing path, a failed build, or a RUN it cannot
 * carry out. Returns the stages by name and index.
 */
export function assembleImage(dockerfile: string, context: string, root: string): AssembledStage[] {
  const built: AssembledStage[] = [];
  parseDockerfile(dockerfile).forEach((stage, index) => {
    const dir = join(root, `stage-${index}`);
    mkdirSync(dir, { recursive: true });
    const workdir = last(stage, "WORKDIR")?.words[0] ?? "/";
    for (const ins of stage.instructions) {
      if (ins.keyword === "COPY" && ins.options.from !== undefined) {
        const from = built.find((s, i) => s.stage.name === ins.options.from || String(i) === ins.options.from);
        if (!from) throw new Error(`COPY --from=${ins.options.from}: no such stage`);
        copy(ins, from.dir, from.workdir, dir, workdir);
      } else if (ins.keyword === "COPY") copy(ins, "", "", dir, workdir, context);
      else if (ins.keyword === "RUN")
        ins.words
          .join(" ")
          .split("&&")
          .forEach((command) => {
            run(context, dir, command);
          });
    }
    built.push({ dir, workdir, stage });
  });
  return built;
}
