/**
 * `npm run deploy-image` against the moto emulator: the api service's image-tag parameter is created here as the
 * stack creates it (with the service's initialImageTag), then the real command runs as a child process with the
 * emulator's environment and the parameter is read back in the dev account.
 */
import * as path from "path";
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadEnvironments } from "../../src/config";
import { imageTagParameter } from "../../src/naming";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { RunResult } from "../../scripts/lib/process";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(5 * 60 * 1000);

const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
const dev = workspaces.find((w) => w.name === "dev")!;
const region = "us-east-1";
const API_PARAMETER = imageTagParameter(project.project, dev.name, "api");

let server: MotoServer;
let devSsm: SSMClient;

/** Runs the real command as a person would, with the emulator's environment. */
function deployImage(args: string[]): Promise<RunResult> {
  return runScript("scripts/deploy-image.ts", args, emulatorEnv(server.endpoint, region));
}

async function parameter(name: string): Promise<{ value?: string; version?: number }> {
  const { Parameter } = await devSsm.send(new GetParameterCommand({ Name: name }));
  return { value: Parameter?.Value, version: Parameter?.Version };
}

beforeAll(async () => {
  server = await startMoto();
  const creds = await credentialsFor(server.endpoint, region, dev.accountId, dev.deployRoleName);
  devSsm = new SSMClient(clientConfig(server.endpoint, region, creds));
  const initial = dev.services.find((s) => s.name === "api")!.initialImageTag;
  await devSsm.send(new PutParameterCommand({ Name: API_PARAMETER, Value: initial, Type: "String" }));
});

afterAll(async () => {
  await server?.stop();
});

describe("npm run deploy-image -- dev api <tag>", () => {
  let run: RunResult;

  beforeAll(async () => {
    run = await deployImage(["dev", "api", "2024.06.01-abc123"]);
  });

  test("exits 0 and writes the tag to the parameter as a String", async () => {
    expect(run.code).toBe(0);
    const { Parameter } = await devSsm.send(new GetParameterCommand({ Name: API_PARAMETER }));
    expect(Parameter).toMatchObject({ Value: "2024.06.01-abc123", Type: "String", Version: 2 });
  });

  test("prints the parameter, the old and the new tag", () => {
    expect(run.stdout).toContain(`${API_PARAMETER} in dev (account ${dev.accountId}, ${region})`);
    expect(run.stdout).toMatch(/^ {2}old tag: latest$/m);
    expect(run.stdout).toMatch(/^ {2}new tag: 2024\.06\.01-abc123 \(parameter version 2\)$/m);
  });

  test("prints the next step: cdktf deploy, and the migration the service has", () => {
    expect(run.stdout).toMatch(/^Next: npx cdktf deploy dev$/m);
    expect(run.stdout).toContain("npm run task -- dev api migrate");
  });

  test("writing the tag the parameter already holds writes nothing", async () => {
    const again = await deployImage(["dev", "api", "2024.06.01-abc123"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/new tag: 2024\.06\.01-abc123 \(unchanged; nothing written\)/);
    expect(await parameter(API_PARAMETER)).toEqual({ value: "2024.06.01-abc123", version: 2 });
  });
});

describe("refusals, without writing", () => {
  let versionsBefore: number;
  beforeEach(async () => {
    versionsBefore = (await devSsm.send(new GetParameterHistoryCommand({ Name: API_PARAMETER }))).Parameters!.length;
  });
  afterEach(async () => {
    expect((await devSsm.send(new GetParameterHistoryCommand({ Name: API_PARAMETER }))).Parameters!.length).toBe(
      versionsBefore,
    );
  });

  test.each<[string, string, RegExp]>([
    ["an image reference", "v1:latest", /looks like an image reference/],
    ["a leading dot", ".v1", /starts with "\."/],
    ["a space", "v 1", /not a Docker tag/],
    ["129 characters", "x".repeat(129), /at most 128/],
  ])("a tag with %s exits 2", async (_what, tag, message) => {
    const run = await deployImage(["dev", "api", tag]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  test("a tag starting with '-' is taken for an option and exits 2", async () => {
    const run = await deployImage(["dev", "api", "-v1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '-v'/);
  });

  test("an unknown service exits 2, listing the services, and writes no parameter for it", async () => {
    const run = await deployImage(["dev", "worker", "v2"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /No service "worker" in workspace dev \(environments\/dev\.ts\); expected one of web, api/,
    );
    await expect(
      devSsm.send(new GetParameterCommand({ Name: imageTagParameter(project.project, "dev", "worker") })),
    ).rejects.toThrow(expect.objectContaining({ name: "ParameterNotFound" }));
  });

  test("an unknown workspace exits 2", async () => {
    const run = await deployImage(["staging", "api", "v2"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No workspace "staging"; expected one of dev, prod/);
  });

  test("missing arguments exit 2 with the usage", async () => {
    const run = await deployImage(["dev", "api"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: npm run deploy-image --");
  });

  test("a service whose parameter the stack has not created yet exits 3 and creates none", async () => {
    const run = await deployImage(["dev", "web", "v2"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/The parameter \/acme\/dev\/web\/IMAGE_TAG does not exist.*npx cdktf deploy dev/);
    await expect(
      devSsm.send(new GetParameterCommand({ Name: imageTagParameter(project.project, "dev", "web") })),
    ).rejects.toThrow(expect.objectContaining({ name: "ParameterNotFound" }));
  });
});

test("--help documents the flow and the exit codes", async () => {
  const run = await deployImage(["--help"]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("npx cdktf deploy <workspace>");
  expect(run.stdout).toMatch(/Exit codes: 0 written .* 2 usage error .* 3 the parameter does not exist/s);
});
