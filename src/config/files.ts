import * as fs from "fs";
import * as path from "path";
import type { ConfigIssue } from "./load";

/**
 * Reading the files of `environments/`. Every `.ts` file is an environment (`bootstrap.ts` the project, each other
 * one a workspace named like the file). Files that look like an environment in another format (`dev.js`,
 * `dev.json`, `dev.yaml`, `dev.mts`...) are refused rather than skipped, because a workspace that silently drops out
 * of the synth would drop out of every plan too. Everything else (folders, dotfiles, `*.d.ts`, `README.md`, editor
 * backups) is none of the loader's business and is left alone.
 */

export const ENVIRONMENT_EXTENSION = ".ts";
/** Extensions of files that would be taken for environment files but are not read. */
export const REFUSED_EXTENSIONS = [
  ".js",
  ".mjs",
  ".cjs",
  ".mts",
  ".cts",
  ".tsx",
  ".jsx",
  ".json",
  ".jsonc",
  ".json5",
  ".yaml",
  ".yml",
  ".toml",
] as const;

export interface EnvironmentFiles {
  /** Environment files (`<name>.ts`), sorted, as full paths. */
  readonly environments: string[];
  /** Files refused for their extension, as full paths. */
  readonly refused: string[];
}

/** The files of `dir` the loader reads, and those it refuses. */
export function listEnvironmentFiles(dir: string): EnvironmentFiles {
  const environments: string[] = [];
  const refused: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name;
    if (!entry.isFile() || name.startsWith(".") || name.endsWith(".d.ts")) continue;
    const extension = path.extname(name);
    if (extension === ENVIRONMENT_EXTENSION) environments.push(path.join(dir, name));
    else if ((REFUSED_EXTENSIONS as readonly string[]).includes(extension)) refused.push(path.join(dir, name));
  }
  return { environments: environments.sort(), refused: refused.sort() };
}

/** Why a file with a refused extension is not read, for the file's issue. */
export function refusedFileIssue(file: string): ConfigIssue {
  const base = path.basename(file, path.extname(file));
  return {
    field: "",
    message:
      `only TypeScript files (${ENVIRONMENT_EXTENSION}) are read in this folder, so this file would be ignored; ` +
      `write it as ${base}${ENVIRONMENT_EXTENSION} with \`export default { ... }\`, or move it out of the folder`,
  };
}

/** What a loaded module offers: its default export, or what it exports instead. */
export type LoadedModule =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issue: ConfigIssue };

const EXPECTED = "expected `export default { ... }` with the configuration object";

/**
 * Loads an environment file and returns its default export. A file that cannot be loaded (a syntax error, an import
 * that does not resolve, an exception while it runs) or that exports no default comes back as an issue of the file
 * as a whole, worded without a stack trace.
 */
export function loadModule(file: string, display: string): LoadedModule {
  let mod: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(file);
  } catch (err) {
    return {
      ok: false,
      issue: { field: "", message: `the file cannot be loaded: ${loadFailure(err, file, display)}` },
    };
  }
  const record = (mod ?? {}) as Record<string, unknown>;
  if ("default" in record) return { ok: true, value: record.default };
  const names = Object.keys(record).filter((k) => k !== "__esModule");
  const message =
    names.length === 0
      ? `the file is empty (it exports nothing); ${EXPECTED}`
      : `the file has no default export (it exports ${names.join(", ")}); ${EXPECTED}`;
  return { ok: false, issue: { field: "", message } };
}

/** The loader's or compiler's own words for why `file` did not load: the first lines, the file named as shown. */
function loadFailure(err: unknown, file: string, display: string): string {
  const error = asError(err);
  const base = path.basename(file);
  // The file may be named absolutely or relative to the working directory; either way it is shown as `display`.
  const named = (line: string) =>
    line.replace(new RegExp(`[^\\s'"():]*${escape(base)}`, "g"), (token) =>
      path.resolve(token) === file ? display : token,
    );
  const lines = error.message
    .replace(ANSI_COLOURS, "")
    .split("\n")
    .map((line) => named(line).trim())
    .filter((line) => line !== "" && !/^Transform failed with \d+ errors?:?$/.test(line));
  // "Require stack:" and what follows lists the loader's own files.
  const stackAt = lines.findIndex((line) => line.startsWith("Require stack:"));
  const kept = (stackAt >= 0 ? lines.slice(0, stackAt) : lines).slice(0, 3);
  const where = locationInFile(error, file);
  const name = error.name && error.name !== "Error" ? `${error.name}: ` : "";
  const text = `${name}${kept.join(" ")}${where && !kept.some((l) => l.includes(display)) ? ` (${display}:${where})` : ""}`;
  return `${text}; fix the file so that \`npx tsc --noEmit -p .\` accepts it`;
}

// eslint-disable-next-line no-control-regex
const ANSI_COLOURS = /\u001b\[[0-9;]*m/g;

/** An error from any realm (the test runner loads modules in a sandbox of its own). */
function asError(err: unknown): { name: string; message: string; stack?: string } {
  if (typeof err === "object" && err !== null && "message" in err) {
    const e = err as { name?: unknown; message: unknown; stack?: unknown };
    return {
      name: typeof e.name === "string" ? e.name : "Error",
      message: String(e.message),
      stack: typeof e.stack === "string" ? e.stack : undefined,
    };
  }
  return { name: "Error", message: String(err) };
}

/** "line:column" of the first stack frame inside `file`, when the error was thrown while it ran. */
function locationInFile(error: { stack?: string }, file: string): string | undefined {
  const frame = (error.stack ?? "").split("\n").find((line) => line.includes(file));
  const match = frame && new RegExp(`${escape(file)}:(\\d+):(\\d+)`).exec(frame);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
