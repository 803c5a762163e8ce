/**
 * Releases on the emulator, with its IAM enforcement on: a small workspace (test/environments/release: web rolling,
 * api blue-green, CI roles) is deployed with Terraform, then everything a pipeline does runs with the workspace's
 * CI release role's own credentials: push an image, release it, watch it, fail, roll back, and the blue/green steps.
 * The same credentials are refused everything outside the release role's scope. Terraform plans in between (run
 * with the deploy role, enforcement off) stay empty.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { AddressInfo } from "net";
import { CreateRoleCommand, AttachRolePolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { BatchGetImageCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { CreateSubnetCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { loadEnvironments, WorkspaceConfig } from "../../src/config";
import {
  blueGreenServiceName,
  imageParameter,
  imageTagParameter,
  releaseRoleName,
  roleArn,
  serviceName,
} from "../../src/naming";
import { deployBootstrapAndWorkspace, LocalDeployResult } from "../../scripts/lib/local-deploy";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { RunResult } from "../../scripts/lib/process";
import { terraform } from "../../scripts/lib/terraform";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(20 * 60 * 1000);

const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, "test", "environments", "release");
const { project, workspaces } = loadEnvironments(ENVIRONMENTS_DIR, PROJECT_ROOT);
const rel = workspaces[0] as WorkspaceConfig;
const region = rel.region;
const CLUSTER = `${rel.namePrefix}-cluster`;

let server: MotoServer;
let deployed: LocalDeployResult;
let workDir: string;
let admin: AwsCredentialIdentity;
let release: AwsCredentialIdentity;
const digests: Record<string, string> = {};
let stub: http.Server;
let stubStatus = 200;
let stubUrl: string;

/** Moto's access control: off (every request passes) or on (every request checked against IAM). */
async function enforcement(on: boolean): Promise<void> {
  const response = await fetch(`${server.endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  expect(response.status).toBe(200);
}

const adminConfig = () => clientConfig(server.endpoint, region, admin);
const releaseConfig = () => clientConfig(server.endpoint, region, release);

/** The project's command as CI runs it: the release role's credentials in the environment, --no-assume-role. */
function asReleaseRole(script: string, args: string[]): Promise<RunResult> {
  const env = {
    ...emulatorEnv(server.endpoint, region),
    ENVIRONMENTS_DIR,
    AWS_ACCESS_KEY_ID: release.accessKeyId,
    AWS_SECRET_ACCESS_KEY: release.secretAccessKey,
    AWS_SESSION_TOKEN: release.sessionToken,
  };
  return runScript(script, [...args, "--no-assume-role"], env);
}

/** Pushes a (manifest-only) image with the release role, as `docker push` would; returns its digest. */
async function push(service: string, tag: string): Promise<string> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.docker.distribution.manifest.v2+json",
    config: {
      mediaType: "application/vnd.docker.container.image.v1+json",
      size: 7,
      digest: `sha256:${Buffer.from(`${service}${tag}`).toString("hex").padEnd(64, "0").slice(0, 64)}`,
    },
    // moto derives the image digest from the layers' digests alone, so each image gets a layer of its own.
    layers: [
      {
        mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip",
        size: 32,
        digest: `sha256:${createHash("sha256").update(`${service}:${tag}`).digest("hex")}`,
      },
    ],
  });
  const ecr = new ECRClient(releaseConfig());
  const { image } = await ecr.send(
    new PutImageCommand({
      repositoryName: `${project.project}/${rel.name}/${service}`,
      imageTag: tag,
      imageManifest: manifest,
    }),
  );
  digests[`${service}:${tag}`] = image!.imageId!.imageDigest!;
  return image!.imageId!.imageDigest!;
}

async function imageOfService(ecsService: string): Promise<string> {
  const ecs = new ECSClient(releaseConfig());
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [ecsService] }));
  const { taskDefinition } = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: services![0].taskDefinition! }),
  );
  return taskDefinition!.containerDefinitions![0].image!;
}

async function parameter(name: string): Promise<string | undefined> {
  return (await new SSMClient(releaseConfig()).send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
}

/** `terraform plan` of the workspace with the deploy role (enforcement off meanwhile): true when it shows no changes. */
async function planIsEmpty(): Promise<string> {
  await enforcement(false);
  try {
    const plan = await terraform(
      deployed.workspace.directory,
      ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"],
      { env: { ...emulatorEnv(server.endpoint, region), ENVIRONMENTS_DIR }, okCodes: [0, 2] },
    );
    return plan.code === 0 ? "no changes" : plan.stdout;
  } finally {
    await enforcement(true);
  }
}

async function weights(): Promise<Record<string, number>> {
  const elbv2 = new ElasticLoadBalancingV2Client(releaseConfig());
  const { Rules } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [await productionRuleArn()] }));
  const groups = Rules![0].Actions![0].ForwardConfig!.TargetGroups!;
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn!.includes("-api-b-") ? "blue" : "green", g.Weight!]));
}

let ruleArn: string | undefined;
async function productionRuleArn(): Promise<string> {
  if (ruleArn) return ruleArn;
  const state = JSON.parse(
    (
      await terraform(deployed.workspace.directory, ["show", "-json"], {
        env: { ...emulatorEnv(server.endpoint, region), ENVIRONMENTS_DIR },
      })
    ).stdout,
  ) as { values: { root_module: { resources: { address: string; values: { arn: string } }[] } } };
  ruleArn = state.values.root_module.resources.find((r) =>
    /aws_lb_listener_rule\.Workload_Service-api_ListenerRule/.test(r.address),
  )!.values.arn;
  return ruleArn;
}

async function desiredCount(ecsService: string): Promise<number> {
  const ecs = new ECSClient(releaseConfig());
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [ecsService] }));
  return services![0].desiredCount!;
}

beforeAll(async () => {
  server = await startMoto({ env: { MOTO_ECS_DEPLOYMENT_SECONDS: "2" } });
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "release-e2e-"));
  deployed = await deployBootstrapAndWorkspace(rel.name, {
    env: { ...emulatorEnv(server.endpoint, region), ENVIRONMENTS_DIR },
    workDir,
    log: () => undefined,
  });
  // Set-up the way an organisation has it: a deploy role with administrator rights in the workspace's account.
  admin = await credentialsFor(server.endpoint, region, rel.accountId, rel.deployRoleName);
  const iam = new IAMClient(adminConfig());
  await iam.send(
    new CreateRoleCommand({
      RoleName: rel.deployRoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${rel.accountId}:root` }, Action: "sts:AssumeRole" },
        ],
      }),
    }),
  );
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: rel.deployRoleName,
      PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
  );
  admin = await credentialsFor(server.endpoint, region, rel.accountId, rel.deployRoleName);
  // A service in the same cluster that the stack does not manage: the release role must not touch it.
  const ecs = new ECSClient(adminConfig());
  const td = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: "intruder",
      containerDefinitions: [{ name: "x", image: "nginx", memory: 128 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: "intruder",
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: 0,
    }),
  );
  // CI's credentials: the release role's own (moto does not check the OIDC trust; the unit tests check it).
  const sts = new STSClient(adminConfig());
  const assumed = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn(rel.accountId, releaseRoleName(rel.namePrefix)),
      RoleSessionName: "github-actions",
    }),
  );
  release = {
    accessKeyId: assumed.Credentials!.AccessKeyId!,
    secretAccessKey: assumed.Credentials!.SecretAccessKey!,
    sessionToken: assumed.Credentials!.SessionToken,
  };
  await productionRuleArn();
  stub = http.createServer((_req, res) => res.writeHead(stubStatus).end()).listen(0, "127.0.0.1");
  await new Promise((resolve) => stub.once("listening", resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  await enforcement(true);
});

afterAll(async () => {
  stub?.close();
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("a rolling service released by the CI release role", () => {
  test("the deploy left nothing to change", () => {
    expect(deployed.workspace.secondPlanEmpty).toBe(true);
  });

  test("pushes an image to its repository", async () => {
    expect(await push("web", "v1")).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test("releases it: exit 0, the service runs the image pinned by digest, the parameters say so", async () => {
    const run = await asReleaseRole("scripts/release.ts", [rel.name, "web", "v1"]);
    expect({ code: run.code, err: run.stderr.slice(-1500) }).toEqual({ code: 0, err: "" });
    expect(run.stdout).toMatch(/running \d+\/\d+/);
    expect(run.stdout).toContain("Released:");
    const image = `${rel.accountId}.dkr.ecr.${region}.amazonaws.com/acme/rel/web@${digests["web:v1"]}`;
    expect(await imageOfService(serviceName(rel.namePrefix, "web"))).toBe(image);
    expect(await parameter(imageParameter(project.project, rel.name, "web"))).toBe(image);
    expect(await parameter(imageTagParameter(project.project, rel.name, "web"))).toBe("v1");
  });

  test("a plan afterwards shows no changes", async () => {
    expect(await planIsEmpty()).toBe("no changes");
  });

  test("a tag that is not in the repository is refused with exit 3, and nothing changes", async () => {
    const before = await imageOfService(serviceName(rel.namePrefix, "web"));
    const run = await asReleaseRole("scripts/release.ts", [rel.name, "web", "v404"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('No image tagged "v404" in the repository acme/rel/web');
    expect(await imageOfService(serviceName(rel.namePrefix, "web"))).toBe(before);
  });

  test("a failing deployment is detected: exit 5, the reason printed, the parameters put back", async () => {
    const bad = await push("web", "v2-broken");
    await fetch(`${server.endpoint}/moto-api/ecs/deployment-failures`, {
      method: "POST",
      body: JSON.stringify({ imageContains: bad, reason: "CannotPullContainerError: pull access denied" }),
    });
    try {
      const run = await asReleaseRole("scripts/release.ts", [rel.name, "web", "v2-broken"]);
      expect(run.code).toBe(5);
      expect(run.stdout).toContain("was rolled back");
      expect(run.stdout).toContain("CannotPullContainerError: pull access denied");
      expect(await parameter(imageTagParameter(project.project, rel.name, "web"))).toBe("v1");
      expect(await imageOfService(serviceName(rel.namePrefix, "web"))).toContain(digests["web:v1"]);
    } finally {
      await fetch(`${server.endpoint}/moto-api/ecs/deployment-failures`, { method: "DELETE" });
    }
    expect(await planIsEmpty()).toBe("no changes");
  });

  test("rollback returns to the previous completed release's digest", async () => {
    expect(await push("web", "v2")).not.toBe(digests["web:v1"]);
    expect((await asReleaseRole("scripts/release.ts", [rel.name, "web", "v2"])).code).toBe(0);
    const run = await asReleaseRole("scripts/rollback.ts", [rel.name, "web"]);
    expect({ code: run.code, out: run.stdout, err: run.stderr }).toMatchObject({
      code: 0,
      out: expect.stringContaining("Returning to v1"),
      err: "",
    });
    expect(await imageOfService(serviceName(rel.namePrefix, "web"))).toContain(digests["web:v1"]);
  });

  test("the history shows every release, its outcome and who made it", async () => {
    const run = await asReleaseRole("scripts/releases.ts", [rel.name, "web", "--json"]);
    expect(run.code).toBe(0);
    const records = JSON.parse(run.stdout) as {
      tag: string;
      kind: string;
      outcome: string;
      caller: string;
      digest: string;
    }[];
    expect(records.map((r) => [r.tag, r.kind, r.outcome])).toEqual([
      ["v1", "rollback", "COMPLETED"],
      ["v2", "release", "COMPLETED"],
      ["v2-broken", "release", "ROLLED_BACK"],
      ["v1", "release", "COMPLETED"],
    ]);
    expect(records[0].caller).toContain(`assumed-role/${releaseRoleName(rel.namePrefix)}/github-actions`);
    expect(records[0].digest).toBe(digests["web:v1"]);
  });
});

describe("the release role is refused everything else", () => {
  const denied = expect.objectContaining({ name: expect.stringMatching(/AccessDenied|UnauthorizedOperation/) });

  test("another service in the same cluster", async () => {
    await expect(
      new ECSClient(releaseConfig()).send(
        new UpdateServiceCommand({ cluster: CLUSTER, service: "intruder", desiredCount: 1 }),
      ),
    ).rejects.toThrow(denied);
  });

  test("passing a role that is not one of its services'", async () => {
    await expect(
      new ECSClient(releaseConfig()).send(
        new RegisterTaskDefinitionCommand({
          family: "acme-rel-web",
          executionRoleArn: roleArn(rel.accountId, rel.deployRoleName),
          containerDefinitions: [{ name: "web", image: "nginx", memory: 128 }],
        }),
      ),
    ).rejects.toThrow(denied);
  });

  test("another workspace's account", async () => {
    await expect(
      new STSClient(releaseConfig()).send(
        new AssumeRoleCommand({ RoleArn: roleArn("333333333333", "terraform-deploy"), RoleSessionName: "escape" }),
      ),
    ).rejects.toThrow(denied);
  });

  test("the network", async () => {
    const ec2 = new EC2Client(releaseConfig());
    await expect(ec2.send(new DescribeSubnetsCommand({}))).rejects.toThrow(denied);
    await expect(
      ec2.send(
        new CreateSubnetCommand({ VpcId: String(deployed.workspace.outputs.vpc_id), CidrBlock: "10.50.250.0/24" }),
      ),
    ).rejects.toThrow(denied);
  });

  test("other parameters, such as a service's configuration", async () => {
    await expect(
      new SSMClient(releaseConfig()).send(
        new PutParameterCommand({ Name: "/acme/rel/web/LOG_LEVEL", Value: "debug", Type: "String", Overwrite: true }),
      ),
    ).rejects.toThrow(denied);
  });

  test("the Terraform state", async () => {
    await expect(
      new S3Client({ ...releaseConfig(), forcePathStyle: true }).send(
        new ListObjectsV2Command({ Bucket: project.stateBucketName }),
      ),
    ).rejects.toThrow(denied);
  });

  test("a repository it does not release to (another workspace's images)", async () => {
    await expect(
      new ECRClient(releaseConfig()).send(
        new BatchGetImageCommand({
          repositoryName: "acme/prod/web",
          registryId: "333333333333",
          imageIds: [{ imageTag: "v1" }],
        }),
      ),
    ).rejects.toThrow(denied);
  });
});

describe("a blue-green service released by the CI release role", () => {
  const blue = blueGreenServiceName(rel.namePrefix, "api", "blue");
  const green = blueGreenServiceName(rel.namePrefix, "api", "green");

  test("a release starts the new version on green, reachable through the test route only", async () => {
    await push("api", "v1");
    const run = await asReleaseRole("scripts/release.ts", [rel.name, "api", "v1", "--test-url", stubUrl]);
    expect({ code: run.code, err: run.stderr.slice(-1500) }).toEqual({ code: 0, err: "" });
    expect(run.stdout).toContain(`GET ${stubUrl}/health expecting 200`);
    expect(await weights()).toEqual({ blue: 100, green: 0 });
    expect(await desiredCount(green)).toBeGreaterThan(0);
    expect(await imageOfService(green)).toContain(digests["api:v1"]);
    const status = await asReleaseRole("scripts/status.ts", [rel.name, "api"]);
    expect(status.stdout).toMatch(/blue\s+live/);
    expect(status.stdout).toContain("test listener -> green");
    expect(status.stdout).toContain("last release: v1 on green, READY");
    expect(await planIsEmpty()).toBe("no changes");
  });

  test("promotion moves traffic in the declared steps and keeps blue warm", async () => {
    const run = await asReleaseRole("scripts/promote.ts", [rel.name, "api", "--keep-previous", "3"]);
    expect({ code: run.code, err: run.stderr.slice(-1500) }).toEqual({ code: 0, err: "" });
    expect(run.stdout).toContain("50% of production traffic on green");
    expect(run.stdout).toContain("100% of production traffic on green");
    expect(run.stdout).toMatch(/Done: blue scaled to zero/);
    expect(await weights()).toEqual({ blue: 0, green: 100 });
    expect(await desiredCount(blue)).toBe(0);
    expect(await planIsEmpty()).toBe("no changes");
  });

  test("a failing validation shifts nothing and scales the new version down", async () => {
    await push("api", "v2");
    stubStatus = 500;
    try {
      const run = await asReleaseRole("scripts/release.ts", [rel.name, "api", "v2", "--test-url", stubUrl]);
      expect(run.code).toBe(5);
      expect(run.stdout).toContain("validation failed");
      expect(await weights()).toEqual({ blue: 0, green: 100 });
      expect(await desiredCount(blue)).toBe(0);
    } finally {
      stubStatus = 200;
    }
  });

  test("abort during a promotion step returns all traffic to the live version", async () => {
    expect((await asReleaseRole("scripts/release.ts", [rel.name, "api", "v2", "--test-url", stubUrl])).code).toBe(0);
    const promoting = asReleaseRole("scripts/promote.ts", [rel.name, "api"]);
    for (let i = 0; i < 120 && (await weights()).blue !== 50; i++) await new Promise((r) => setTimeout(r, 500));
    expect(await weights()).toEqual({ blue: 50, green: 50 });
    const abort = await asReleaseRole("scripts/abort.ts", [rel.name, "api"]);
    expect(abort.code).toBe(0);
    expect(await weights()).toEqual({ blue: 0, green: 100 });
    expect(await desiredCount(blue)).toBe(0);
    expect((await promoting).code).toBe(5);
    expect(await planIsEmpty()).toBe("no changes");
  });

  test("rollback after a promotion is one listener change while the previous version is warm", async () => {
    expect((await asReleaseRole("scripts/release.ts", [rel.name, "api", "v2", "--test-url", stubUrl])).code).toBe(0);
    const promoted = asReleaseRole("scripts/promote.ts", [rel.name, "api", "--keep-previous", "600"]);
    for (let i = 0; i < 120 && (await weights()).blue !== 100; i++) await new Promise((r) => setTimeout(r, 500));
    const run = await asReleaseRole("scripts/rollback.ts", [rel.name, "api"]);
    expect({ code: run.code, out: run.stdout }).toMatchObject({
      code: 0,
      out: expect.stringContaining("All production traffic back on green"),
    });
    expect(await weights()).toEqual({ blue: 0, green: 100 });
    expect(await desiredCount(blue)).toBe(0);
    expect((await promoted).code).toBe(0);
    expect(await imageOfService(green)).toContain(digests["api:v1"]);
    expect(await planIsEmpty()).toBe("no changes");
  });
});
