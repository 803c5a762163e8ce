import * as path from "path";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Environments, loadEnvironments, ProjectConfig, WorkspaceConfig } from "../src/config";
import { BootstrapStack, BootstrapStackProps } from "../src/stacks/bootstrap-stack";
import { WorkspaceStack } from "../src/stacks/workspace-stack";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** The project's real environment files, loaded as main.ts loads them. */
export function realEnvironments(): Environments {
  return loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
}

export function workspaceNamed(env: Environments, name: string): WorkspaceConfig {
  const ws = env.workspaces.find((w) => w.name === name);
  if (!ws) throw new Error(`no workspace ${name}`);
  return ws;
}

/** A synthesized resource map: type -> id -> config. */
export type Synthesized = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  terraform: Record<string, unknown>;
  provider: Record<string, Record<string, unknown>[]>;
};

/** A workspace stack synthesized from a validated project and workspace. */
export function synthWorkspaceStack(
  project: ProjectConfig,
  workspace: WorkspaceConfig,
): { json: string; parsed: Synthesized; stack: WorkspaceStack } {
  const stack = new WorkspaceStack(Testing.app(), workspace.name, { project, workspace });
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) as Synthesized, stack };
}

/** A bootstrap stack synthesized from its props. */
export function synthBootstrapStack(props: BootstrapStackProps): {
  json: string;
  parsed: Synthesized;
  stack: BootstrapStack;
} {
  const stack = new BootstrapStack(Testing.app(), "bootstrap", props);
  const json = Testing.synth(stack);
  return { json, parsed: JSON.parse(json) as Synthesized, stack };
}

/** The shipped bootstrap stack, as `cdktf synth` builds it (for the environment tests). */
export function synthBootstrap(): { json: string; parsed: Synthesized; stack: BootstrapStack } {
  const env = realEnvironments();
  return synthBootstrapStack({ project: env.project, workspaces: env.workspaces });
}

/** Synthesizes what `build` creates inside a test stack (Testing.synthScope), as JSON and parsed. */
export function synthConstruct(build: (scope: Construct) => void): { json: string; parsed: Synthesized } {
  const json = Testing.synthScope((scope) => build(scope));
  return { json, parsed: JSON.parse(json) as Synthesized };
}

/** Every resource of one type as a list of configs. */
export function resourcesOf(parsed: Synthesized, type: string): Record<string, unknown>[] {
  return Object.values(parsed.resource?.[type] ?? {});
}

/** Resolves a "${aws_x.y.id}" reference to the resource's synthesized id part ("aws_x.y"). */
export function refTarget(ref: unknown): string {
  const m = /^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(String(ref));
  if (!m) throw new Error(`not a reference: ${String(ref)}`);
  return m[1];
}
