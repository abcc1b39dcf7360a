import type { Container } from "kubernetes-types/core/v1.js";
import type { Backend } from "../../src/apis/inference-ai.js";
import { ENGINES, type Engine } from "../../src/engines/index.js";
import { shellQuote, simpleCommands, type ShellWord, type SimpleCommand } from "../../src/engines/shell.js";

/**
 * The words an engine reads from a container, wherever they are written: `command` then `args`, or
 * inside the script of `sh -c <script>` (a shell hands words after the script to it as $0, $1…,
 * never to the engine command inside it, so flags go into the script). Edits go back where the
 * words are; a word of a script whose value only the shell knows (`$MODEL`) reads as undefined.
 */
export interface ArgList {
  readonly values: readonly (string | undefined)[];
  set(index: number, value: string): void;
  insert(index: number, values: readonly string[]): void;
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh"]);

const base = (word: string | undefined): string => (word ?? "").split("/").pop() ?? "";

/** `command` + `args` as one argument vector; an insertion before the end of `command` stays in it. */
function containerList(container: Container): ArgList {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  let split = container.command?.length ?? 0;
  const write = (): void => {
    if (container.command !== undefined || split > 0) container.command = argv.slice(0, split);
    if (container.args !== undefined || argv.length > split) container.args = argv.slice(split);
  };
  return {
    values: argv,
    set(index, value) {
      argv[index] = value;
      write();
    },
    insert(index, values) {
      argv.splice(index, 0, ...values);
      if (index < split) split += values.length;
      write();
    },
  };
}

/** Where the script of `sh -c <script>` is in command + args, or undefined when the container runs no shell script. */
export function shellScriptIndex(container: Container): number | undefined {
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  if (!SHELLS.has(base(argv[0]))) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (word === "-o" || word === "+o") i++;
    else if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word)) return i + 1 < argv.length ? i + 1 : undefined;
    else if (!/^[-+][A-Za-z]+$/.test(word)) return undefined;
  }
  return undefined;
}

/** The index after an engine's launcher words in `values` (`vllm serve`, `-m sglang.launch_server`), or -1. */
export function launchEnd(
  values: readonly (string | undefined)[],
  engine: Engine,
  launchers: readonly (readonly string[])[] = engine.launchers,
): number {
  for (let i = 0; i < values.length; i++)
    for (const launcher of launchers)
      if (base(values[i]) === launcher[0] && launcher.every((w, j) => j === 0 || values[i + j] === w))
        return i + launcher.length;
  return -1;
}

/** The backend whose launcher a list of words runs, if one does. */
export function launchedBackend(values: readonly (string | undefined)[]): Backend | undefined {
  return (Object.keys(ENGINES) as Backend[]).find((b) => launchEnd(values, ENGINES[b]) >= 0);
}

/** The container's script word and a way to write it back. */
function scriptSlot(container: Container, index: number): { get(): string; put(script: string): void } {
  const commandLength = container.command?.length ?? 0;
  const inCommand = index < commandLength;
  const list = (): string[] => (inCommand ? (container.command ?? []) : (container.args ?? []));
  const at = inCommand ? index : index - commandLength;
  return {
    get: () => list()[at] ?? "",
    put: (script) => {
      list()[at] = script;
    },
  };
}

/** The engine's words after its launcher in the `occurrence`-th command of the script that runs it. */
function engineWords(script: string, engine: Engine, occurrence: number): { words: ShellWord[]; after: number } {
  const found = (simpleCommands(script) ?? [])
    .map((c) => ({
      c,
      end: launchEnd(
        c.words.map((w) => w.value),
        engine,
      ),
    }))
    .filter((x) => x.end >= 0)[occurrence];
  if (!found) throw new Error("the engine command left the script");
  return { words: found.c.words.slice(found.end), after: found.c.words[found.end - 1]?.end ?? 0 };
}

function scriptList(container: Container, index: number, engine: Engine, occurrence: number): ArgList {
  const slot = scriptSlot(container, index);
  const words = (): { words: ShellWord[]; after: number } => engineWords(slot.get(), engine, occurrence);
  const splice = (start: number, end: number, text: string): void => {
    const script = slot.get();
    slot.put(`${script.slice(0, start)}${text}${script.slice(end)}`);
  };
  return {
    get values() {
      return words().words.map((w) => w.value);
    },
    set(i, value) {
      const w = words().words[i];
      if (w) splice(w.start, w.end, shellQuote(value));
    },
    insert(i, values) {
      const { words: list, after } = words();
      const text = values.map(shellQuote).join(" ");
      const before = list[i];
      if (before) splice(before.start, before.start, `${text} `);
      else splice(list.at(-1)?.end ?? after, list.at(-1)?.end ?? after, ` ${text}`);
    },
  };
}

/** The commands (the whole command line, or each of its sh -c script's) that run one of the launchers. */
function running(
  commands: readonly SimpleCommand[],
  engine: Engine,
  launchers: readonly (readonly string[])[] = [],
): number {
  return commands.filter((c) => launchEnd(wordValues(c), engine, launchers) >= 0).length;
}

const wordValues = (c: SimpleCommand): (string | undefined)[] => c.words.map((w) => w.value);

/**
 * Where a container's engine reads its words: command + args, or each command of its `sh -c`
 * script that runs the engine; none for a worker of the engine (a Ray worker takes its flags from
 * the entry). A string when flags cannot be put where the engine reads them: the script cannot be
 * read without running it, or does not run the engine's launcher.
 */
export function engineArgs(container: Container, backend: Backend): ArgList[] | string {
  const engine = ENGINES[backend];
  const index = shellScriptIndex(container);
  const argv = [...(container.command ?? []), ...(container.args ?? [])];
  const script = index === undefined ? undefined : argv[index];
  const whole: SimpleCommand = { words: argv.map((value) => ({ start: 0, end: 0, value })) };
  const commands = script === undefined ? [whole] : simpleCommands(script);
  if (!commands) return "its sh -c script cannot be read without running it (an unclosed quote or a here-document)";
  const count = running(commands, engine, engine.launchers);
  if (count === 0 && running(commands, engine, engine.workerLaunchers) > 0) return [];
  if (index === undefined) return [containerList(container)];
  if (count === 0)
    return `its sh -c script runs no ${engine.launchers.map((l) => `"${l.join(" ")}"`).join(" or ")} that inferplane can see`;
  return Array.from({ length: count }, (_, k) => scriptList(container, index, engine, k));
}
