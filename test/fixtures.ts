// Fresh, deep-copied inputs built from the real files in environments/, for tests that change one thing and check
// what the loader says about it. Every call returns a new copy, so a test can mutate it freely.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import bootstrap from "../environments/bootstrap";
import dev from "../environments/dev";
import prod from "../environments/prod";
import {
  ConfigError,
  ConfigIssue,
  ProjectConfig,
  ProjectInput,
  validateProject,
  validateWorkspace,
  WorkspaceConfig,
  WorkspaceInput,
} from "../src/config";

export const BOOTSTRAP_FILE = "environments/bootstrap.ts";
export const DEV_FILE = "environments/dev.ts";
export const PROD_FILE = "environments/prod.ts";

/** A deep copy of `environments/bootstrap.ts`'s default export. */
export function bootstrapInput(): ProjectInput {
  return structuredClone(bootstrap);
}

/** A deep copy of `environments/dev.ts`'s default export. */
export function devInput(): WorkspaceInput {
  return structuredClone(dev);
}

/** A deep copy of `environments/prod.ts`'s default export. */
export function prodInput(): WorkspaceInput {
  return structuredClone(prod);
}

/** An input typed loosely, so a test can put in what the input types forbid (a number for a string, an unknown field). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

/** The same value, typed {@link Loose}. It is the object passed in, not a copy. */
export function loose(value: object): Loose {
  return value as Loose;
}

/** The real bootstrap file, validated. */
export function projectConfig(): ProjectConfig {
  return validateProject(bootstrapInput(), BOOTSTRAP_FILE);
}

/** A workspace input validated against the real project, as loadEnvironments would. */
export function workspaceConfig(input: unknown, file: string): WorkspaceConfig {
  return validateWorkspace(input, file, projectConfig());
}

/**
 * A thunk that validates a changed copy of environments/dev.ts or prod.ts, for `expect(...).toThrow(...)`. `change`
 * gets the copy typed loosely, so it can put in what the input types forbid.
 */
export function validateChanged(base: "dev" | "prod", change: (ws: Loose) => void): () => WorkspaceConfig {
  const input = base === "dev" ? devInput() : prodInput();
  change(loose(input));
  return () => workspaceConfig(input, base === "dev" ? DEV_FILE : PROD_FILE);
}

/** Escapes `text` for use inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Matches a ConfigError message from `file` that has an issue line `  - <field>: <message>`, where `message` is a
 * pattern for that one line (it cannot run into the next issue; `$` in it means the end of the line).
 */
export function configIssue(file: string, field: string, message: RegExp): RegExp {
  return new RegExp(
    `^${escapeRegExp(file)} is not a valid configuration:\\n(?:  - .*\\n)*  - ${escapeRegExp(field)}: ${message.source}`,
    "m",
  );
}

/** The issues of the ConfigError `check` throws; fails when it throws something else or nothing. */
export function issuesOf(check: () => unknown): ConfigIssue[] {
  try {
    check();
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

/** A thunk that validates a changed copy of environments/bootstrap.ts, for `expect(...).toThrow(...)`. */
export function validateChangedProject(change: (project: Loose) => void): () => ProjectConfig {
  const input = bootstrapInput();
  change(loose(input));
  return () => validateProject(input, BOOTSTRAP_FILE);
}

/** Validated dev and prod after `change` (each may be changed), for the checks across workspaces. */
export function workspaceSet(change: (dev: Loose, prod: Loose) => void = () => {}): WorkspaceConfig[] {
  const dev = devInput();
  const prod = prodInput();
  change(loose(dev), loose(prod));
  return [workspaceConfig(dev, DEV_FILE), workspaceConfig(prod, PROD_FILE)];
}

/**
 * A copy of environments/ in a new temporary folder, its files importing the project's src/config by absolute path
 * so they load from there. Returns the folder; the caller removes it.
 */
export function copyEnvironments(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "environments-"));
  const dir = path.join(root, "environments");
  fs.mkdirSync(dir);
  const source = path.join(__dirname, "..", "environments");
  const configModule = JSON.stringify(path.join(__dirname, "..", "src", "config"));
  for (const file of fs.readdirSync(source)) {
    const text = fs.readFileSync(path.join(source, file), "utf8");
    fs.writeFileSync(path.join(dir, file), text.replace('"../src/config"', configModule));
  }
  return dir;
}
