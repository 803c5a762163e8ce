/**
 * `npm run secrets` against the moto emulator: the dev workspace's secrets are created here as the stack would
 * create them (no value), then the real command fills, keeps and rotates their values, run as a child process with
 * the emulator's environment. Every line it prints is kept and, at the end, checked for every value it wrote.
 */
import { randomBytes } from "crypto";
import * as path from "path";
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { loadEnvironments, SecretConfig, WorkspaceConfig } from "../../src/config";
import { clusterName, secretName, serviceName } from "../../src/naming";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { ALPHABETS, fillSecrets } from "../../scripts/lib/secrets";
import { RunResult } from "../../scripts/lib/process";
import { credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(5 * 60 * 1000);

const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
const dev = workspaces.find((w) => w.name === "dev")!;
const prod = workspaces.find((w) => w.name === "prod")!;
const region = "us-east-1";
const generated = dev.secrets.find((s) => s.name === "web-session-key")!;
const provided = dev.secrets.find((s) => s.name === "stripe-api-key")!;
const STRIPE_VAR = "SECRET_STRIPE_API_KEY";
const stripeValue = `sk_test_${randomBytes(24).toString("base64url")}`;
const rotatedStripeValue = `sk_test_${randomBytes(24).toString("base64url")}`;

let server: MotoServer;
let devSm: SecretsManagerClient;
let prodSm: SecretsManagerClient;
/** stdout and stderr of every run, and every value read back: the last test checks one against the other. */
const printed: string[] = [];
const values = new Set<string>([stripeValue, rotatedStripeValue]);

/** Runs the real command as a person would, with the emulator's environment; keeps what it printed. */
async function secrets(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env = { ...emulatorEnv(server.endpoint, region), ...extraEnv };
  if (!(STRIPE_VAR in extraEnv)) delete env[STRIPE_VAR];
  const result = await runScript("scripts/secrets.ts", args, env);
  printed.push(result.stdout, result.stderr);
  return result;
}

const idOf = (secret: SecretConfig, ws: WorkspaceConfig = dev) => secretName(project.project, ws.name, secret.name);

/** The AWSCURRENT version of a secret and its value, or undefined when it has none. */
async function current(secret: SecretConfig): Promise<{ versionId: string; value: string } | undefined> {
  const described = await devSm.send(new DescribeSecretCommand({ SecretId: idOf(secret) }));
  const versionId = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) =>
    stages.includes("AWSCURRENT"),
  )?.[0];
  if (!versionId) return undefined;
  const { SecretString } = await devSm.send(
    new GetSecretValueCommand({ SecretId: idOf(secret), VersionId: versionId }),
  );
  values.add(SecretString!);
  return { versionId, value: SecretString! };
}

function redeployCommand(service: string): string {
  return `aws ecs update-service --region ${dev.region} --cluster ${clusterName(dev.namePrefix)} --service ${serviceName(dev.namePrefix, service)} --force-new-deployment`;
}

beforeAll(async () => {
  server = await startMoto();
  const client = async (ws: WorkspaceConfig) =>
    new SecretsManagerClient({
      endpoint: server.endpoint,
      region,
      credentials: await credentialsFor(server.endpoint, region, ws.accountId, ws.deployRoleName),
    });
  devSm = await client(dev);
  prodSm = await client(prod);
  // What the workspace stack creates: the secret, without a value.
  for (const secret of dev.secrets) {
    await devSm.send(new CreateSecretCommand({ Name: idOf(secret), Description: secret.description }));
  }
});

afterAll(async () => {
  devSm?.destroy();
  prodSm?.destroy();
  await server?.stop();
});

test("the dev workspace declares the secrets this test relies on", () => {
  expect(generated).toMatchObject({ source: "generated", length: 64, readers: ["web"] });
  expect(provided).toMatchObject({ source: "provided", envVar: STRIPE_VAR, readers: ["api"] });
});

test("--help prints the usage with the exit codes", async () => {
  const run = await secrets(["--help"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("Usage: npm run secrets -- <workspace>");
  expect(run.stdout).toMatch(/Exit codes: 0 .*; 1 .*; 2 usage error/s);
});

test("an unknown workspace, secret or option is a usage error (exit 2)", async () => {
  const workspace = await secrets(["staging"]);
  expect(workspace.code).toBe(2);
  expect(workspace.stderr).toContain(
    `No workspace "staging"; expected one of ${workspaces.map((w) => w.name).join(", ")}`,
  );

  const only = await secrets(["dev", "--only", "nope"]);
  expect(only.code).toBe(2);
  expect(only.stderr).toContain(`No secret "nope"`);
  expect(only.stderr).toContain("expected one of web-session-key, stripe-api-key");

  const option = await secrets(["dev", "--force"]);
  expect(option.code).toBe(2);
  expect(option.stderr).toContain("Unknown option '--force'");
});

test("--only a provided secret whose variable is unset exits 1 naming the variable, and touches nothing else", async () => {
  const run = await secrets(["dev", "--only", "stripe-api-key"]);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`stripe-api-key: missing ${STRIPE_VAR}: set it and re-run`);
  expect(run.stdout).not.toContain("web-session-key:");
  expect(await current(provided)).toBeUndefined();
  expect(await current(generated)).toBeUndefined();
});

let first: { generated: { versionId: string; value: string }; provided: { versionId: string; value: string } };

test("the first run creates a generated value of the configured length and alphabet, and the provided one from its variable", async () => {
  const run = await secrets(["dev"], { [STRIPE_VAR]: stripeValue });
  expect(run.code).toBe(0);
  expect(run.stderr).not.toContain("still need a value");
  expect(run.stdout).toContain("web-session-key: created value (generated, 64 chars)");
  expect(run.stdout).toContain(`stripe-api-key: created value (provided from ${STRIPE_VAR})`);

  const gen = (await current(generated))!;
  const prov = (await current(provided))!;
  expect(gen.value).toHaveLength(64);
  expect([...gen.value].every((c) => ALPHABETS[generated.alphabet].includes(c))).toBe(true);
  expect(prov.value).toBe(stripeValue);
  first = { generated: gen, provided: prov };
});

test("a second run keeps both values: same AWSCURRENT versions, same values, exit 0", async () => {
  const run = await secrets(["dev"], { [STRIPE_VAR]: rotatedStripeValue });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("web-session-key: kept existing value");
  expect(run.stdout).toContain(
    `stripe-api-key: kept existing value (${STRIPE_VAR} is set but ignored without --rotate)`,
  );
  expect(run.stdout).not.toContain("redeploy");
  expect(await current(generated)).toEqual(first.generated);
  expect(await current(provided)).toEqual(first.provided);
});

test("--rotate writes a new version of the generated secret, keeps the provided one without its variable, and names web for a redeploy", async () => {
  const run = await secrets(["dev", "--rotate"]);
  expect(run.code).toBe(0);
  const gen = (await current(generated))!;
  expect(gen.versionId).not.toBe(first.generated.versionId);
  expect(gen.value).not.toBe(first.generated.value);
  expect(gen.value).toHaveLength(64);
  expect(run.stdout).toContain(`web-session-key: rotated: new version ${gen.versionId}`);

  expect(await current(provided)).toEqual(first.provided);
  expect(run.stdout).toContain(
    `stripe-api-key: kept existing value (to rotate it, set ${STRIPE_VAR} and re-run with --rotate)`,
  );

  expect(run.stdout).toContain("web (reads web-session-key)");
  expect(run.stdout).toContain(redeployCommand("web"));
  expect(run.stdout).not.toContain(serviceName(dev.namePrefix, "api"));
  first = { ...first, generated: gen };
});

test("--rotate --only the provided secret writes its variable's new value and touches only that secret", async () => {
  const run = await secrets(["dev", "--rotate", "--only", "stripe-api-key"], { [STRIPE_VAR]: rotatedStripeValue });
  expect(run.code).toBe(0);
  const prov = (await current(provided))!;
  expect(prov.versionId).not.toBe(first.provided.versionId);
  expect(prov.value).toBe(rotatedStripeValue);
  expect(run.stdout).toContain(`stripe-api-key: rotated: new version ${prov.versionId}`);
  expect(run.stdout).not.toContain("web-session-key:");
  expect(await current(generated)).toEqual(first.generated);
  expect(run.stdout).toContain(redeployCommand("api"));
  expect(run.stdout).not.toContain(redeployCommand("web"));
});

test("secrets the stack has not created are reported and not created (prod, not deployed in the emulator)", async () => {
  const run = await secrets(["prod"], { [STRIPE_VAR]: stripeValue });
  expect(run.code).toBe(1);
  for (const secret of prod.secrets) {
    expect(run.stdout).toContain(
      `${secret.name}: not deployed yet: run the stack first (no secret ${idOf(secret, prod)})`,
    );
  }
  expect(run.stderr).toContain(`${prod.secrets.length} secret(s) still need a value`);
  const listed = await prodSm.send(new ListSecretsCommand({}));
  expect(listed.SecretList ?? []).toEqual([]);
});

test("fillSecrets (the library) reports an undeclared-in-AWS secret as not deployed and leaves the others as they are", async () => {
  const extra: SecretConfig = { ...generated, name: "not-deployed", readers: [] };
  const lines: string[] = [];
  const result = await fillSecrets({
    client: devSm,
    project: project.project,
    workspace: dev,
    secrets: [...dev.secrets, extra],
    env: {},
    log: (line) => lines.push(line),
  });
  printed.push(...lines);
  expect(result.outcomes.map((o) => [o.name, o.status])).toEqual([
    ["web-session-key", "kept"],
    ["stripe-api-key", "kept"],
    ["not-deployed", "not-deployed"],
  ]);
  expect(result.failures).toBe(1);
  expect(result.redeploy).toEqual([]);
  expect(lines).toContain(`not-deployed: not deployed yet: run the stack first (no secret ${idOf(extra)})`);
  await expect(devSm.send(new DescribeSecretCommand({ SecretId: idOf(extra) }))).rejects.toMatchObject({
    name: "ResourceNotFoundException",
  });
});

test("nothing any run printed contains a secret value, whole or in part", async () => {
  // Every version ever written, current or not.
  for (const secret of dev.secrets) {
    const { Versions } = await devSm.send(
      new ListSecretVersionIdsCommand({ SecretId: idOf(secret), IncludeDeprecated: true }),
    );
    for (const version of Versions ?? []) {
      const { SecretString } = await devSm.send(
        new GetSecretValueCommand({ SecretId: idOf(secret), VersionId: version.VersionId }),
      );
      values.add(SecretString!);
    }
  }
  // Both generated versions and both provided values.
  expect(values.size).toBeGreaterThanOrEqual(4);
  const output = printed.join("\n");
  expect(output.length).toBeGreaterThan(0);
  for (const value of values) {
    expect(output).not.toContain(value);
    // Any 8 consecutive characters of a random value turning up by chance is vanishingly unlikely.
    const random = value.replace(/^sk_test_/, "");
    for (let i = 0; i + 8 <= random.length; i++) expect(output).not.toContain(random.slice(i, i + 8));
  }
});
