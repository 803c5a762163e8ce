// Fresh, deep-copied inputs built from the real files in environments/, for tests that change one thing and check
// what the loader says about it. Every call returns a new copy, so a test can mutate it freely.
import bootstrap from "../environments/bootstrap";
import dev from "../environments/dev";
import prod from "../environments/prod";
import {
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
