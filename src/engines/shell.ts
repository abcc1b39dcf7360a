/**
 * Engine command lines inside POSIX `sh -c` scripts: quoting a word so the shell reads it back as
 * written, and reading a script's simple commands into words with where each sits, so a flag can be
 * found and set in the script itself (a shell passes arguments after the script as $0, $1…, never
 * to the command inside it). Only what can be read without running anything is read: a word with
 * an expansion ($VAR, $(…), `…`, a glob) has no known value, and a here-document or an unclosed
 * quote makes the script unreadable.
 */

/** One word of a simple command: its span in the script and its value, undefined when only the shell knows it. */
export interface ShellWord {
  start: number;
  end: number;
  value: string | undefined;
}

/** A simple command's words, without redirections (`> log 2>&1`). */
export interface SimpleCommand {
  words: ShellWord[];
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** The word as the shell reads it back: as is when safe, else in single quotes (`'` written `'\''`). */
export function shellQuote(word: string): string {
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const OPERATOR = /[;&|()<>\n]/;
const BLANK = /[ \t]/;

class Reader {
  i = 0;
  constructor(readonly text: string) {}
  get ch(): string | undefined {
    return this.text[this.i];
  }
  peek(n = 1): string | undefined {
    return this.text[this.i + n];
  }
}

/** `$(…)`, `${…}` or `` `…` `` from the reader's `$` or backtick: skipped; false when unclosed. */
function skipExpansion(r: Reader): boolean {
  if (r.ch === "`") {
    const close = r.text.indexOf("`", r.i + 1);
    if (close < 0) return false;
    r.i = close + 1;
    return true;
  }
  r.i++; // the $
  const open = r.ch;
  if (open !== "(" && open !== "{") {
    while (r.ch !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(r.ch)) r.i++;
    return true;
  }
  const close = open === "(" ? ")" : "}";
  let depth = 0;
  for (; r.ch !== undefined; r.i++) {
    if (r.ch === open) depth++;
    else if (r.ch === close && --depth === 0) {
      r.i++;
      return true;
    }
  }
  return false;
}

interface WordValue {
  value: string;
  known: boolean;
}

/** A backslash in double quotes escapes only $ ` " \\ and a newline (which it removes). */
function readQuotedEscape(r: Reader, out: WordValue): boolean {
  const next = r.peek();
  if (next === undefined || !/[$`"\\\n]/.test(next)) return false;
  if (next !== "\n") out.value += next;
  r.i += 2;
  return true;
}

/** The inside of "…" from after the opening quote; an expansion makes the value unknown; false when unclosed. */
function readDoubleQuoted(r: Reader, out: WordValue): boolean {
  while (r.ch !== undefined && r.ch !== '"') {
    if (r.ch === "\\" && readQuotedEscape(r, out)) continue;
    if (r.ch === "$" || r.ch === "`") {
      out.known = false;
      if (!skipExpansion(r)) return false;
      continue;
    }
    out.value += r.ch;
    r.i++;
  }
  if (r.ch !== '"') return false;
  r.i++;
  return true;
}

function readSingleQuoted(r: Reader, out: WordValue): boolean {
  const close = r.text.indexOf("'", r.i + 1);
  if (close < 0) return false;
  out.value += r.text.slice(r.i + 1, close);
  r.i = close + 1;
  return true;
}

/** One character (or quoted run) of an unquoted word; false when the script cannot be read. */
function readWordPart(r: Reader, out: WordValue): boolean {
  const c = r.ch ?? "";
  if (c === "'") return readSingleQuoted(r, out);
  if (c === '"') {
    r.i++;
    return readDoubleQuoted(r, out);
  }
  if (c === "$" || c === "`") {
    out.known = false;
    return skipExpansion(r);
  }
  if (c === "\\") {
    if (r.peek() !== "\n") out.value += r.peek() ?? "";
    r.i += 2;
    return true;
  }
  if (/[*?[]/.test(c) || (c === "~" && out.value === "")) out.known = false;
  out.value += c;
  r.i++;
  return true;
}

function readWord(r: Reader): ShellWord | undefined {
  const start = r.i;
  const out = { value: "", known: true };
  while (r.ch !== undefined && !BLANK.test(r.ch) && !OPERATOR.test(r.ch)) if (!readWordPart(r, out)) return undefined;
  return { start, end: r.i, value: out.known ? out.value : undefined };
}

/** A redirection operator at the reader (`>`, `>>`, `>&`, `<`, `&>`…): its length, 0 when none; -1 for a here-document. */
function redirection(r: Reader): number {
  const two = r.text.slice(r.i, r.i + 2);
  if (two === "<<") return -1;
  if ([">>", ">&", "<&", "<>", ">|", "&>"].includes(two)) return two === "&>" && r.peek(2) === ">" ? 3 : 2;
  return r.ch === "<" || r.ch === ">" ? 1 : 0;
}

/** The operator at the reader that ends a simple command (`;`, `&&`, `|`, newline…): its length. */
function terminator(r: Reader): number {
  const two = r.text.slice(r.i, r.i + 2);
  return ["&&", "||", ";;", "|&"].includes(two) ? 2 : 1;
}

/** Reads a script into simple commands, one token at a time. */
class Lexer {
  readonly commands: SimpleCommand[] = [];
  private words: ShellWord[] = [];
  private readonly r: Reader;

  constructor(script: string) {
    this.r = new Reader(script);
  }

  /** Reads what is at the reader; false when the script cannot be read. */
  step(): boolean {
    const r = this.r;
    const c = r.ch ?? "";
    if (BLANK.test(c)) r.i++;
    else if (c === "\\" && r.peek() === "\n") r.i += 2;
    else if (c === "#") r.i = r.text.includes("\n", r.i) ? r.text.indexOf("\n", r.i) : r.text.length;
    else if (redirection(r) !== 0) return this.redirect();
    else if (OPERATOR.test(c)) {
      this.flush();
      r.i += terminator(r);
    } else {
      const word = readWord(r);
      if (!word) return false;
      this.words.push(word);
    }
    return true;
  }

  get done(): boolean {
    return this.r.ch === undefined;
  }

  /** A redirection and its target are no words of the command; nor is an io number written against it (`2>`). */
  private redirect(): boolean {
    const r = this.r;
    const length = redirection(r);
    if (length < 0) return false;
    const last = this.words.at(-1);
    if (last && last.end === r.i && /^\d+$/.test(last.value ?? "")) this.words.pop();
    r.i += length;
    while (r.ch !== undefined && BLANK.test(r.ch)) r.i++;
    return readWord(r) !== undefined;
  }

  flush(): void {
    if (this.words.length > 0) this.commands.push({ words: this.words });
    this.words = [];
  }
}

/**
 * The simple commands of a script, each as its words (redirections left out), or undefined when
 * the script cannot be read without running it (an unclosed quote or expansion, a here-document).
 * Comments and line continuations are skipped; `;`, `&`, `|`, `&&`, `||`, parentheses and newlines
 * end a command.
 */
export function simpleCommands(script: string): SimpleCommand[] | undefined {
  const lexer = new Lexer(script);
  while (!lexer.done) if (!lexer.step()) return undefined;
  lexer.flush();
  return lexer.commands;
}
