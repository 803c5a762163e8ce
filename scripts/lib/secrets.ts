import { randomBytes, randomUUID } from "crypto";
import {
  DescribeSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { SECRET_ALPHABETS, SecretConfig, WorkspaceConfig } from "../../src/config";
import { clusterName, secretName, serviceName } from "../../src/naming";
import {
  AWS_OPTIONS,
  AWS_OPTIONS_USAGE,
  CommandIo,
  CommandSpec,
  findWorkspace,
  loadProjectEnvironments,
  OptionsConfig,
  runCommand,
  UsageError,
  workspaceClientConfig,
} from "./cli";

/**
 * The logic of `npm run secrets`: fill the values of the secrets a workspace declares. The secrets themselves are
 * created by the workspace stack (so Terraform owns their policy, KMS key and deletion); this only writes versions.
 * No function here ever returns, logs or throws a secret value.
 */

export type SecretAlphabet = (typeof SECRET_ALPHABETS)[number];

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
/** Left out of `printable` so that a value can be pasted into a shell or a connection string without quoting. */
const PRINTABLE_EXCLUDED = new Set(['"', "'", "\\", "`"]);

/** The characters of each alphabet a generated secret can use. */
export const ALPHABETS: Readonly<Record<SecretAlphabet, string>> = {
  alphanumeric: UPPER + LOWER + DIGITS,
  hex: DIGITS + "abcdef",
  base64url: UPPER + LOWER + DIGITS + "-_",
  printable: Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i))
    .filter((c) => !PRINTABLE_EXCLUDED.has(c))
    .join(""),
};

/**
 * A cryptographically random string of `length` characters from `alphabet`. Random bytes at or above the largest
 * multiple of the alphabet's size are discarded (rejection sampling), so every character is equally likely; a plain
 * `byte % size` would favour the first `256 % size` characters.
 */
export function generateSecretValue(length: number, alphabet: SecretAlphabet | string): string {
  const chars = alphabet in ALPHABETS ? ALPHABETS[alphabet as SecretAlphabet] : alphabet;
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`length must be a positive integer, got ${length}`);
  if (chars.length < 2 || chars.length > 256)
    throw new RangeError(`an alphabet needs 2 to 256 characters, got ${chars.length}`);
  const limit = 256 - (256 % chars.length);
  let out = "";
  while (out.length < length) {
    // A quarter more than needed covers the rejected bytes in one draw almost always.
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.25) + 8);
    for (const byte of bytes) {
      if (byte >= limit) continue;
      out += chars[byte % chars.length];
      if (out.length === length) break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------------------------

export const USAGE = `Usage: npm run secrets -- <workspace> [--rotate] [--only NAME] [--no-assume-role]

Fills the values of the secrets declared in environments/<workspace>.ts. The secrets themselves are
created by the workspace stack; this only writes their values (new versions), so deploy the stack first.

  generated  a random value of the declared length and alphabet
  provided   read from the operator's environment variable (SECRET_<NAME> unless envVar says
             otherwise), never from the command line; e.g.
             SECRET_STRIPE_API_KEY=... npm run secrets -- dev

A secret that already has a value is kept, unless --rotate is given. Values are never printed.

  workspace          a workspace from environments/
  --rotate           write a new version of every generated secret, and of every provided secret whose
                     variable is set; then lists the services to redeploy (ECS reads secrets only when a
                     task starts)
  --only NAME        only the declared secret NAME
${AWS_OPTIONS_USAGE}

The AWS endpoint comes from the environment (AWS_ENDPOINT_URL for the local emulator).

Exit codes: 0 every secret has a value; 1 some secret could not be filled (not deployed yet, variable
not set, AWS refused); 2 usage error (unknown option, workspace or secret name).`;

export const SECRETS_COMMAND = {
  usage: USAGE,
  positionals: ["workspace"],
  options: { ...AWS_OPTIONS, rotate: { type: "boolean" }, only: { type: "string" } },
} as const satisfies CommandSpec<OptionsConfig>;

// ---------------------------------------------------------------------------------------------------------------
// Filling
// ---------------------------------------------------------------------------------------------------------------

export type SecretStatus = "created" | "kept" | "rotated" | "missing" | "not-deployed" | "failed";

export interface SecretOutcome {
  /** The declared name. */
  readonly name: string;
  /** The Secrets Manager name. */
  readonly secretId: string;
  readonly status: SecretStatus;
  /** The progress line printed for it (never the value). */
  readonly line: string;
  /** Version written, when one was. */
  readonly versionId?: string;
}

export interface FillOptions {
  readonly client: SecretsManagerClient;
  readonly project: string;
  readonly workspace: WorkspaceConfig;
  /** The secrets to fill. @default - every secret the workspace declares */
  readonly secrets?: readonly SecretConfig[];
  /** @default false */
  readonly rotate?: boolean;
  /** Where provided values are read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default - nothing is printed */
  readonly log?: (line: string) => void;
}

export interface Redeploy {
  readonly service: string;
  /** The rotated secrets it reads. */
  readonly secrets: string[];
  readonly command: string;
}

export interface FillResult {
  readonly outcomes: SecretOutcome[];
  /** How many secrets still have no value or could not be written. */
  readonly failures: number;
  /** Services whose running tasks hold a superseded value. */
  readonly redeploy: Redeploy[];
}

const FAILED: readonly SecretStatus[] = ["missing", "not-deployed", "failed"];

/** Writes the value of each secret that needs one; every error is turned into an outcome, none is thrown. */
export async function fillSecrets(options: FillOptions): Promise<FillResult> {
  const secrets = options.secrets ?? options.workspace.secrets;
  const env = options.env ?? process.env;
  const outcomes: SecretOutcome[] = [];
  for (const secret of secrets) {
    const secretId = secretName(options.project, options.workspace.name, secret.name);
    const written: string[] = [];
    let outcome: SecretOutcome;
    try {
      outcome = await fillOne(options.client, secret, secretId, options.rotate ?? false, env, written);
    } catch (err) {
      outcome = {
        name: secret.name,
        secretId,
        status: "failed",
        line: `${secret.name}: failed: ${describeError(err, written)}`,
      };
    }
    options.log?.(outcome.line);
    outcomes.push(outcome);
  }
  const rotated = secrets.filter((s) => outcomes.some((o) => o.name === s.name && o.status === "rotated"));
  return {
    outcomes,
    failures: outcomes.filter((o) => FAILED.includes(o.status)).length,
    redeploy: redeployments(options.workspace, rotated),
  };
}

async function fillOne(
  client: SecretsManagerClient,
  secret: SecretConfig,
  secretId: string,
  rotate: boolean,
  env: NodeJS.ProcessEnv,
  written: string[],
): Promise<SecretOutcome> {
  const result = (status: SecretStatus, text: string, versionId?: string): SecretOutcome => ({
    name: secret.name,
    secretId,
    status,
    line: `${secret.name}: ${text}`,
    versionId,
  });

  let described;
  try {
    // DescribeSecret, not GetSecretValue: whether a value exists is known without the value ever being fetched.
    described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  } catch (err) {
    if (err instanceof ResourceNotFoundException || (err as Error).name === "ResourceNotFoundException") {
      return result("not-deployed", `not deployed yet: run the stack first (no secret ${secretId})`);
    }
    throw err;
  }
  if (described.DeletedDate) {
    return result(
      "not-deployed",
      `${secretId} is scheduled for deletion (${described.DeletedDate.toISOString()}); restore it with ` +
        `\`aws secretsmanager restore-secret --secret-id ${secretId}\` or run the stack first`,
    );
  }
  const exists = Object.values(described.VersionIdsToStages ?? {}).some((stages) => stages.includes("AWSCURRENT"));

  let value: string;
  let how: string;
  if (secret.source === "generated") {
    if (exists && !rotate) return result("kept", "kept existing value");
    value = generateSecretValue(secret.length, secret.alphabet);
    how = `generated, ${secret.length} chars`;
  } else {
    const provided = env[secret.envVar];
    if (provided === undefined || provided === "") {
      if (!exists) return result("missing", `missing ${secret.envVar}: set it and re-run`);
      return result(
        "kept",
        rotate
          ? `kept existing value (to rotate it, set ${secret.envVar} and re-run with --rotate)`
          : "kept existing value",
      );
    }
    if (exists && !rotate) {
      return result("kept", `kept existing value (${secret.envVar} is set but ignored without --rotate)`);
    }
    value = provided;
    how = `provided from ${secret.envVar}`;
  }

  written.push(value);
  const put = await client.send(
    new PutSecretValueCommand({ SecretId: secretId, SecretString: value, ClientRequestToken: randomUUID() }),
  );
  const versionId = put.VersionId ?? "(unknown)";
  return exists
    ? result("rotated", `rotated: new version ${versionId}`, versionId)
    : result("created", `created value (${how})`, versionId);
}

/** The services that read any of the rotated secrets, with the command that restarts their tasks. */
export function redeployments(workspace: WorkspaceConfig, rotated: readonly SecretConfig[]): Redeploy[] {
  const byService = new Map<string, string[]>();
  for (const secret of rotated) {
    for (const reader of secret.readers) byService.set(reader, [...(byService.get(reader) ?? []), secret.name]);
  }
  return [...byService.entries()].map(([service, secrets]) => ({
    service,
    secrets,
    command:
      `aws ecs update-service --region ${workspace.region} --cluster ${clusterName(workspace.namePrefix)} ` +
      `--service ${serviceName(workspace.namePrefix, service)} --force-new-deployment`,
  }));
}

/**
 * An error as one line: its name and message only (an SDK error also carries the request and response), with any
 * value this run wrote replaced, in case a service ever echoes its input.
 */
export function describeError(err: unknown, values: readonly string[] = []): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : `unexpected error: ${String(err)}`;
  return redact(text, values);
}

function redact(text: string, values: readonly string[]): string {
  return values.filter((v) => v.length > 0).reduce((out, v) => out.split(v).join("[redacted]"), text);
}

// ---------------------------------------------------------------------------------------------------------------
// The whole command
// ---------------------------------------------------------------------------------------------------------------

export interface SecretsIo extends CommandIo {
  readonly env: NodeJS.ProcessEnv;
  /** @default - a client for the workspace's account, through workspaceClientConfig */
  readonly client?: (workspace: WorkspaceConfig, assumeRole: boolean) => SecretsManagerClient;
}

function defaultClient(workspace: WorkspaceConfig, assumeRole: boolean): SecretsManagerClient {
  return new SecretsManagerClient(workspaceClientConfig(workspace, { assumeRole, sessionName: "secrets" }));
}

/** `npm run secrets`: returns the exit code. */
export function runSecretsCommand(argv: string[], io: SecretsIo): Promise<number> {
  return runCommand(
    SECRETS_COMMAND,
    argv,
    ({ positionals, values }) =>
      fillCommand(
        {
          workspace: positionals[0],
          rotate: values.rotate ?? false,
          only: values.only,
          noAssumeRole: values["no-assume-role"] ?? false,
        },
        io,
      ),
    io,
  );
}

interface SecretsArgs {
  readonly workspace: string;
  readonly rotate: boolean;
  readonly only?: string;
  readonly noAssumeRole: boolean;
}

async function fillCommand(args: SecretsArgs, io: SecretsIo): Promise<number> {
  const environments = loadProjectEnvironments(io.env);
  const { project } = environments;
  const workspace = findWorkspace(environments, args.workspace);
  const declared = workspace.secrets;
  let secrets = declared;
  if (args.only !== undefined) {
    secrets = declared.filter((s) => s.name === args.only);
    if (secrets.length === 0) {
      throw new UsageError(
        `No secret "${args.only}" in ${workspace.file}; expected one of ${declared.map((s) => s.name).join(", ") || "(none declared)"}`,
      );
    }
  }
  if (secrets.length === 0) {
    io.out(`${workspace.file} declares no secrets; nothing to do.`);
    return 0;
  }

  // Whatever the provided values are, keep them out of every message.
  const providedValues = declared.map((s) => io.env[s.envVar] ?? "").filter((v) => v !== "");
  const client = (io.client ?? defaultClient)(workspace, !args.noAssumeRole);
  try {
    // Fail once, up front, rather than once per secret.
    await client.config.credentials();
  } catch (err) {
    client.destroy();
    io.err(`Cannot get credentials for account ${workspace.accountId}: ${describeError(err, providedValues)}`);
    return 1;
  }

  io.out(
    `Secrets of workspace ${workspace.name} (account ${workspace.accountId}, ${workspace.region}), ` +
      `under ${secretName(project.project, workspace.name, "")}${args.rotate ? "; rotating" : ""}:`,
  );
  let result: FillResult;
  try {
    result = await fillSecrets({
      client,
      project: project.project,
      workspace,
      secrets,
      rotate: args.rotate,
      env: io.env,
      log: (line) => io.out(`  ${redact(line, providedValues)}`),
    });
  } finally {
    client.destroy();
  }

  const count = (status: SecretStatus) => result.outcomes.filter((o) => o.status === status).length;
  io.out(
    `${result.outcomes.length} secret(s): ${count("created")} created, ${count("rotated")} rotated, ` +
      `${count("kept")} kept, ${result.failures} not filled.`,
  );
  if (result.redeploy.length > 0) {
    io.out("\nECS reads secrets only when a task starts; redeploy these services to use the new values:");
    for (const r of result.redeploy) io.out(`  ${r.service} (reads ${r.secrets.join(", ")}):\n    ${r.command}`);
  }
  if (result.failures > 0) {
    io.err(`${result.failures} secret(s) still need a value; see the lines above.`);
    return 1;
  }
  return 0;
}
