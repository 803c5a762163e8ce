/**
 * The one way every `npm run <command>` is written: arguments parsed by Node's util.parseArgs, the workspace looked
 * up in the environment files (honouring ENVIRONMENTS_DIR, as main.ts does), credentials for the workspace's account
 * that refresh by themselves, and exit codes that mean the same in every command:
 *
 *   0 done; 1 failed (an AWS or tool error, printed as one line); 2 usage or configuration error.
 *
 * Commands add their own codes from 3 up and list them in their --help.
 */
import { parseArgs, ParseArgsConfig } from "util";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import {
  ConfigError,
  defaultEnvironmentsDir,
  Environments,
  loadEnvironments,
  ServiceConfig,
  WorkspaceConfig,
} from "../../src/config";
import { operatorRoleName, roleArn } from "../../src/naming";
import { assumeRoleCredentials } from "./aws";
import { PROJECT_ROOT } from "./paths";
import { ToolMissingError } from "./terraform";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

// The AWS SDK prints a multi-line notice on every command that it will need Node.js 22 from 2027; the README says
// so once, and the notice would otherwise drown a command's own one-line errors.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Wrong arguments or an unknown name: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A failure the command explains itself: the message is printed as it is, with the command's own exit code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    public readonly exitCode: number,
  ) {
    super(message);
    this.name = "CommandFailure";
  }
}

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends OptionsConfig> {
  /** The full --help text, starting with "Usage: npm run <name> -- ...". */
  readonly usage: string;
  /** Names of the positional arguments, in order; those after `required` may be left out. */
  readonly positionals: readonly string[];
  /** How many positionals are required. @default - all of them */
  readonly required?: number;
  readonly options: O;
}

/** Options every command that talks to AWS takes. */
export const AWS_OPTIONS = {
  "no-assume-role": { type: "boolean" },
} as const satisfies OptionsConfig;

/** The usage line of the AWS options, for --help texts. */
export const AWS_OPTIONS_USAGE =
  "  --no-assume-role   use the caller's own credentials (e.g. CI's OIDC role) instead of assuming the\n" +
  "                     workspace's deploy role";

/** The options of a command an operator runs: AWS_OPTIONS, and --as-operator for the workspace's operator role. */
export const OPERATOR_OPTIONS = {
  ...AWS_OPTIONS,
  "as-operator": { type: "boolean", default: false },
} as const satisfies OptionsConfig;

/** The usage lines of OPERATOR_OPTIONS, for --help texts. */
export const OPERATOR_OPTIONS_USAGE =
  "  --as-operator      assume the workspace's operator role (operators: in its environment file) rather than\n" +
  "                     the deploy role\n" +
  AWS_OPTIONS_USAGE;

export interface ParsedCommandLine<O extends OptionsConfig> {
  readonly positionals: string[];
  readonly values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>["values"];
}

/** Parses argv (without `node script`); throws UsageError for anything the spec does not allow. */
export function parseCommandLine<O extends OptionsConfig>(spec: CommandSpec<O>, argv: string[]): ParsedCommandLine<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const required = spec.required ?? spec.positionals.length;
  const { positionals } = parsed;
  if (positionals.length < required) {
    const missing = spec.positionals.slice(positionals.length, required).map((p) => `<${p}>`);
    throw new UsageError(`Missing argument(s): ${missing.join(" ")}`);
  }
  if (positionals.length > spec.positionals.length) {
    throw new UsageError(`Unexpected argument(s): ${positionals.slice(spec.positionals.length).join(" ")}`);
  }
  return { positionals, values: parsed.values as ParsedCommandLine<O>["values"] };
}

/** The environment files, from ENVIRONMENTS_DIR or environments/ (as main.ts loads them). */
export function loadProjectEnvironments(env: NodeJS.ProcessEnv = process.env): Environments {
  return loadEnvironments(defaultEnvironmentsDir(PROJECT_ROOT, env), PROJECT_ROOT);
}

/** The named workspace; a UsageError listing the valid names otherwise. */
export function findWorkspace(environments: Environments, name: string): WorkspaceConfig {
  const workspace = environments.workspaces.find((w) => w.name === name);
  if (!workspace) {
    const names = environments.workspaces.map((w) => w.name).join(", ") || "(none)";
    throw new UsageError(`No workspace "${name}"; expected one of ${names}`);
  }
  return workspace;
}

/** The named service of a workspace; a UsageError listing the valid names otherwise. */
export function findService(workspace: WorkspaceConfig, name: string): ServiceConfig {
  const service = workspace.services.find((s) => s.name === name);
  if (!service) {
    const names = workspace.services.map((s) => s.name).join(", ") || "(no services)";
    throw new UsageError(
      `No service "${name}" in workspace ${workspace.name} (${workspace.file}); expected one of ${names}`,
    );
  }
  return service;
}

export interface AwsClientConfig {
  readonly region: string;
  /** @default - the SDK's own chain (environment, profile, web identity) */
  readonly credentials?: AwsCredentialIdentityProvider;
}

export interface WorkspaceCredentialsOptions {
  /** Assume a role in the workspace's account (false: the caller's own credentials). */
  readonly assumeRole: boolean;
  /** @default - the workspace's deploy role */
  readonly roleName?: string;
  /** Shown in CloudTrail as the session name. */
  readonly sessionName: string;
}

/**
 * Client settings for a workspace's account. Like the stacks' provider, this assumes the workspace's deploy role
 * (or another role of that account) unless told to use the caller's own credentials. The assumed-role credentials
 * renew themselves before they expire, so a command that waits for a long rollout keeps working. Endpoints come
 * from the environment (AWS_ENDPOINT_URL), so the same code runs against the local emulator and real AWS.
 */
export function workspaceClientConfig(
  workspace: WorkspaceConfig,
  options: WorkspaceCredentialsOptions,
): AwsClientConfig {
  if (!options.assumeRole) return { region: workspace.region };
  const role = roleArn(workspace.accountId, options.roleName ?? workspace.deployRoleName);
  const sts = new STSClient({ region: workspace.region });
  return { region: workspace.region, credentials: refreshingRoleCredentials(sts, role, options.sessionName) };
}

/**
 * Client settings for an operator command (OPERATOR_OPTIONS): the workspace's deploy role, its operator role with
 * --as-operator, or the caller's own credentials with --no-assume-role.
 */
export function operatorClientConfig(
  workspace: WorkspaceConfig,
  values: { readonly "no-assume-role"?: boolean; readonly "as-operator"?: boolean },
  sessionName: string,
): AwsClientConfig {
  return workspaceClientConfig(workspace, {
    assumeRole: !values["no-assume-role"],
    roleName: values["as-operator"] ? operatorRoleName(workspace.namePrefix) : undefined,
    sessionName,
  });
}

/** Renew this long before the credentials expire. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * A credentials provider for a role, assumed through `sts`: the same credentials are handed to every client until
 * they are about to expire, then assumed again.
 */
export function refreshingRoleCredentials(
  sts: Pick<STSClient, "send">,
  role: string,
  sessionName: string,
  now: () => number = Date.now,
): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - now() > REFRESH_MARGIN_MS;
  return async () => {
    if (current) {
      const credentials = await current.catch(() => undefined);
      if (credentials && fresh(credentials)) return credentials;
    }
    current = assumeRoleCredentials(sts, { roleArn: role, sessionName });
    return current;
  };
}

/** One line for an error: its name and message (an SDK error's other fields hold the whole request). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== "Error" ? `${err.name}: ${err.message}` : err.message;
  return String(err);
}

export interface CommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const CONSOLE_IO: CommandIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/**
 * Runs a command's main function and turns what it throws into one printed message and the matching exit code:
 * --help prints the usage; UsageError and ConfigError exit 2; a missing tool exits 2 with how to install it;
 * CommandFailure exits with its own code; anything else prints one line and exits 1.
 */
export async function runCommand<O extends OptionsConfig>(
  spec: CommandSpec<O>,
  argv: string[],
  main: (args: ParsedCommandLine<O>) => Promise<number> | number,
  io: CommandIo = CONSOLE_IO,
): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(spec.usage);
    return EXIT.ok;
  }
  try {
    return await main(parseCommandLine(spec, argv));
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n${spec.usage.split("\n", 1)[0]}  (--help for details)`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError || err instanceof ToolMissingError) {
      io.err(err.message);
      return EXIT.usage;
    }
    if (err instanceof CommandFailure) {
      io.err(err.message);
      return err.exitCode;
    }
    io.err(describeError(err));
    return EXIT.failed;
  }
}

/** The entry point of a script: runs the command and exits with its code. */
export function main<O extends OptionsConfig>(
  spec: CommandSpec<O>,
  command: (args: ParsedCommandLine<O>) => Promise<number> | number,
): void {
  void runCommand(spec, process.argv.slice(2), command).then((code) => process.exit(code));
}
