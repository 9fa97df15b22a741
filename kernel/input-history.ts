import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export type HistoryRow = [number, number, string] | [number, number, [string, string | null]];

/** Where history lives: $TSKERAS_HISTORY_FILE, else $XDG_DATA_HOME (~/.local/share)/tskeras/history.jsonl. */
export function historyFilePath(): string {
  if (process.env.TSKERAS_HISTORY_FILE) return process.env.TSKERAS_HISTORY_FILE;
  const dataHome = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(dataHome, "tskeras", "history.jsonl");
}

/** IPython's glob patterns: `*` any run of characters, `?` one character. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`, "s");
}

/**
 * Input history persisted across kernel sessions (one JSON line per executed cell), answering
 * Jupyter's history_request: tail, range and search.
 */
export class History {
  private readonly entries: HistoryEntry[] = [];
  readonly session: number;

  constructor(private readonly path: string = historyFilePath()) {
    if (existsSync(path)) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          this.entries.push(JSON.parse(line) as HistoryEntry);
        } catch {
          // A torn last line from a crash is skipped, not fatal.
        }
      }
    }
    this.session = this.entries.reduce((latest, entry) => Math.max(latest, entry.session), 0) + 1;
  }

  add(line: number, input: string, output: string | null): void {
    const entry = { session: this.session, line, input, output };
    this.entries.push(entry);
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
    } catch {
      // History is a convenience: a read-only home must not break execution.
    }
  }

  private row(entry: HistoryEntry, output: boolean): HistoryRow {
    return output ? [entry.session, entry.line, [entry.input, entry.output]] : [entry.session, entry.line, entry.input];
  }

  tail(n: number, output: boolean): HistoryRow[] {
    return this.entries.slice(-Math.max(0, n)).map((entry) => this.row(entry, output));
  }

  /** `session` ≤ 0 counts back from the current session (0 is the current one); `stop` is exclusive. */
  range(session: number, start: number, stop: number | undefined, output: boolean): HistoryRow[] {
    const wanted = session <= 0 ? this.session + session : session;
    return this.entries
      .filter((entry) => entry.session === wanted && entry.line >= start && (stop === undefined || stop <= 0 || entry.line < stop))
      .map((entry) => this.row(entry, output));
  }

  search(pattern: string, n: number | undefined, unique: boolean, output: boolean): HistoryRow[] {
    const matcher = globToRegExp(pattern || "*");
    let found = this.entries.filter((entry) => matcher.test(entry.input));
    if (unique) {
      const seen = new Set<string>();
      found = found
        .reverse()
        .filter((entry) => !seen.has(entry.input) && seen.add(entry.input))
        .reverse();
    }
    if (n !== undefined && n > 0) found = found.slice(-n);
    return found.map((entry) => this.row(entry, output));
  }
}
