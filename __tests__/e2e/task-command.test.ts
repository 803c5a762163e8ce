/**
 * `npm run task` against the moto emulator. The ECS side of the dev workspace is built here with the SDK, as the
 * stacks will build it (a VPC with two app subnets, the service's security group, the cluster, the service's and
 * the migration's task definitions, the service with its network configuration, the image-tag parameter); prod
 * gets a cluster and service without a migration task definition. Then the real command runs as a child process.
 *
 * What moto 5.2.1 can and cannot do, found in moto/ecs/models.py:
 * - A task starts RUNNING and moves one state (DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED) per DescribeTasks
 *   (the "ecs::task" state-manager transition, by default manual with times=1). The moto-api state manager can
 *   change that transition, which is how a task here never stops on its own.
 * - Every container reports exitCode 0 and there is no way to set another one; StopTask sets the stopped reason
 *   and leaves exitCode 0. Exit codes other than 0, and a task without one, are tested in
 *   __tests__/scripts/lib/run-task.test.ts against DescribeTasks results.
 * - RunTask ignores the network configuration except for its first subnet and its security groups (the task's ENI);
 *   assignPublicIp is not modelled. The RunTask request itself is read from moto's request recorder.
 * - RunTask fails with HTTP 500 (a) without container-level memory or memoryReservation, which Fargate task
 *   definitions do not need, (b) with a capacity provider strategy instead of a launch type (it then looks for
 *   EC2 container instances), (c) in a VPC without DNS host names. The fixture therefore gives the containers
 *   memory and the service launch type FARGATE; the VPC has DNS host names as the network construct's does.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
  ModifyVpcAttributeCommand,
} from "@aws-sdk/client-ec2";
import {
  ContainerDefinition,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  Task,
} from "@aws-sdk/client-ecs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadEnvironments, WorkspaceConfig } from "../../src/config";
import { clusterName, imageParameter, migrationFamily, serviceName } from "../../src/naming";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { RunResult } from "../../scripts/lib/process";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(5 * 60 * 1000);

const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
const dev = workspaces.find((w) => w.name === "dev")!;
const prod = workspaces.find((w) => w.name === "prod")!;
const region = "us-east-1";
const api = dev.services.find((s) => s.name === "api")!;
const DEV_CLUSTER = clusterName(dev.namePrefix);
const RUN_TASK_TARGET = "AmazonEC2ContainerServiceV20141113.RunTask";
const DESCRIBE_TASKS_TARGET = "AmazonEC2ContainerServiceV20141113.DescribeTasks";

let server: MotoServer;
let workDir: string;
let recordingFile: string;
let devEcs: ECSClient;
let devEc2: EC2Client;
let devSsm: SSMClient;
let prodEcs: ECSClient;

interface Network {
  readonly subnets: string[];
  readonly securityGroup: string;
}
let devNetwork: Network;
let migrationTaskDefinitionArn: string;

/** Starts the real command as a person would, with the emulator's environment. */
function startTask(args: string[]): { done: Promise<RunResult> } {
  return { done: runScript("scripts/task.ts", args, emulatorEnv(server.endpoint, region)) };
}

const task = (args: string[]) => startTask(args).done;

async function motoApi(action: string, body?: unknown): Promise<string> {
  const response = await fetch(`${server.endpoint}/moto-api/${action}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`moto-api/${action} answered ${response.status}`);
  return response.text();
}

/** Runs `fn` while moto's ECS tasks never leave RUNNING on their own. */
async function withTasksThatNeverStop<T>(fn: () => Promise<T>): Promise<T> {
  await motoApi("state-manager/set-transition", {
    model_name: "ecs::task",
    transition: { progression: "manual", times: 1_000_000 },
  });
  try {
    return await fn();
  } finally {
    await motoApi("state-manager/unset-transition", { model_name: "ecs::task" });
  }
}

/** The requests moto's recorder saw, as { target, body } for the JSON protocols. */
async function recordedRequests(): Promise<{ target: string; body: Record<string, unknown> }[]> {
  const text = await motoApi("recorder/download-recording");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { headers: Record<string, string>; body: string | null; body_encoded: boolean })
    .map((entry) => {
      const target = Object.entries(entry.headers).find(([key]) => key.toLowerCase() === "x-amz-target")?.[1] ?? "";
      const raw = entry.body_encoded ? Buffer.from(entry.body ?? "", "base64").toString("utf8") : (entry.body ?? "");
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // not a JSON request (STS, EC2)
      }
      return { target, body };
    });
}

async function allTaskArns(ecs: ECSClient, cluster: string): Promise<string[]> {
  return (await ecs.send(new ListTasksCommand({ cluster }))).taskArns ?? [];
}

/** Waits until a task appears that was not in `before` (the command has called RunTask). */
async function newTask(before: string[]): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const fresh = (await allTaskArns(devEcs, DEV_CLUSTER)).filter((arn) => !before.includes(arn));
    if (fresh.length > 0) return fresh[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the command started no task within 20 s");
}

async function describeTask(arn: string): Promise<Task> {
  const { tasks } = await devEcs.send(new DescribeTasksCommand({ cluster: DEV_CLUSTER, tasks: [arn] }));
  return tasks![0];
}

/** A VPC (with DNS host names, as the network construct makes it), two app subnets and a security group. */
async function createNetwork(ec2: EC2Client, cidrPrefix: string, groupName: string): Promise<Network> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: `${cidrPrefix}.0.0/16` }));
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: Vpc!.VpcId, EnableDnsHostnames: { Value: true } }));
  const subnets: string[] = [];
  for (const [i, zone] of ["us-east-1a", "us-east-1b"].entries()) {
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({
        VpcId: Vpc!.VpcId,
        CidrBlock: `${cidrPrefix}.${32 + i * 16}.0/20`,
        AvailabilityZone: zone,
      }),
    );
    subnets.push(Subnet!.SubnetId!);
  }
  const { GroupId } = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: groupName, Description: `Tasks of ${groupName}`, VpcId: Vpc!.VpcId }),
  );
  // A second group in the same VPC that the task must not get.
  const other = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${groupName}-other`,
      Description: "not the service's",
      VpcId: Vpc!.VpcId,
    }),
  );
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: other.GroupId,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    }),
  );
  return { subnets, securityGroup: GroupId! };
}

/** The image the test's task definitions run, as a release pins it (and the stack's IMAGE parameter holds it). */
function imageOf(ws: WorkspaceConfig): string {
  return `${ws.accountId}.dkr.ecr.${region}.amazonaws.com/${project.project}/${ws.name}/api@sha256:${"1".repeat(64)}`;
}

/** The cluster, the service's task definition (and the migration's), and the ECS service, as the stacks make them. */
async function createService(
  ecs: ECSClient,
  ws: WorkspaceConfig,
  network: Network,
  withMigration: boolean,
): Promise<string | undefined> {
  const prefix = ws.namePrefix;
  const image = imageOf(ws);
  const container = (streamPrefix: string, extra: Partial<ContainerDefinition>): ContainerDefinition => ({
    name: api.name,
    image,
    essential: true,
    // moto's RunTask needs container-level memory (see the header); the stacks set only the task's.
    memory: api.memory,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": `/ecs/${prefix}/${api.name}`,
        "awslogs-region": region,
        "awslogs-stream-prefix": streamPrefix,
      },
    },
    ...extra,
  });
  const register = (family: string, definition: ContainerDefinition) =>
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: String(api.cpu),
        memory: String(api.memory),
        containerDefinitions: [definition],
      }),
    );
  await ecs.send(
    new CreateClusterCommand({ clusterName: clusterName(prefix), capacityProviders: ["FARGATE", "FARGATE_SPOT"] }),
  );
  const service = await register(
    serviceName(prefix, api.name),
    container(api.name, { portMappings: [{ containerPort: api.port }] }),
  );
  let migrationArn: string | undefined;
  if (withMigration) {
    const migration = await register(
      migrationFamily(prefix, api.name),
      container("migrate", { command: api.migration!.command }),
    );
    migrationArn = migration.taskDefinition!.taskDefinitionArn;
  }
  await ecs.send(
    new CreateServiceCommand({
      cluster: clusterName(prefix),
      serviceName: serviceName(prefix, api.name),
      taskDefinition: service.taskDefinition!.taskDefinitionArn,
      desiredCount: 1,
      // moto's RunTask cannot place a task by capacity provider strategy (see the header).
      launchType: "FARGATE",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: network.subnets,
          securityGroups: [network.securityGroup],
          assignPublicIp: "DISABLED",
        },
      },
    }),
  );
  return migrationArn;
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "task-e2e-"));
  recordingFile = path.join(workDir, "moto-recording.jsonl");
  server = await startMoto({ env: { MOTO_RECORDER_FILEPATH: recordingFile } });
  const devCreds = await credentialsFor(server.endpoint, region, dev.accountId, dev.deployRoleName);
  const prodCreds = await credentialsFor(server.endpoint, region, prod.accountId, prod.deployRoleName);
  devEcs = new ECSClient(clientConfig(server.endpoint, region, devCreds));
  devEc2 = new EC2Client(clientConfig(server.endpoint, region, devCreds));
  devSsm = new SSMClient(clientConfig(server.endpoint, region, devCreds));
  prodEcs = new ECSClient(clientConfig(server.endpoint, region, prodCreds));
  const prodEc2 = new EC2Client(clientConfig(server.endpoint, region, prodCreds));

  devNetwork = await createNetwork(devEc2, "10.10", serviceName(dev.namePrefix, api.name));
  migrationTaskDefinitionArn = (await createService(devEcs, dev, devNetwork, true))!;
  await devSsm.send(
    new PutParameterCommand({
      Name: imageParameter(project.project, dev.name, api.name),
      Value: imageOf(dev),
      Type: "String",
    }),
  );
  await createService(
    prodEcs,
    prod,
    await createNetwork(prodEc2, "10.20", serviceName(prod.namePrefix, api.name)),
    false,
  );
});

afterAll(async () => {
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("npm run task -- dev api migrate (the task stops on its own)", () => {
  let run: RunResult;
  let taskArn: string;
  let requests: { target: string; body: Record<string, unknown> }[];

  beforeAll(async () => {
    await motoApi("recorder/reset-recording", {});
    await motoApi("recorder/start-recording", {});
    run = await task(["dev", "api", "migrate"]);
    await motoApi("recorder/stop-recording", {});
    requests = await recordedRequests();
    taskArn = /^Started (arn:aws:ecs:\S+)$/m.exec(run.stdout)?.[1] ?? "";
  });

  test("exits with the container's exit code, 0, and says so", () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Container api exited with 0: the task succeeded\.$/m);
  });

  test("prints the task ARN and the task's log group and stream", () => {
    expect(taskArn).toMatch(new RegExp(`^arn:aws:ecs:${region}:${dev.accountId}:task/${DEV_CLUSTER}/[0-9a-f-]+$`));
    const id = taskArn.split("/").pop();
    expect(run.stdout).toContain(
      `Logs: CloudWatch Logs group /ecs/${dev.namePrefix}/api, stream migrate/api/${id} (${region})`,
    );
    expect(run.stdout).toContain(
      `aws logs tail /ecs/${dev.namePrefix}/api --log-stream-names migrate/api/${id} --follow`,
    );
  });

  test("starts the latest migration task definition once, with the service's subnets and security group and no public IP", () => {
    const runTasks = requests.filter((r) => r.target === RUN_TASK_TARGET);
    expect(runTasks).toHaveLength(1);
    const { clientToken, ...body } = runTasks[0].body;
    expect(clientToken).toEqual(expect.any(String)); // the SDK's idempotency token
    expect(body).toEqual({
      cluster: DEV_CLUSTER,
      taskDefinition: migrationTaskDefinitionArn,
      count: 1,
      startedBy: "npm-run-task",
      group: "task:migrate",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: devNetwork.subnets,
          securityGroups: [devNetwork.securityGroup],
          assignPublicIp: "DISABLED",
        },
      },
      launchType: "FARGATE",
      propagateTags: "TASK_DEFINITION",
    });
  });

  test("the task ECS ran is the migration, started by the command, in one of the service's subnets", async () => {
    const described = await describeTask(taskArn);
    expect(described).toMatchObject({
      taskDefinitionArn: migrationTaskDefinitionArn,
      startedBy: "npm-run-task",
      group: "task:migrate",
      launchType: "FARGATE",
      lastStatus: "STOPPED",
    });
    const eni = described.attachments?.find((a) => a.type === "ElasticNetworkInterface");
    const detail = (name: string) => eni?.details?.find((d) => d.name === name)?.value;
    expect(devNetwork.subnets).toContain(detail("subnetId"));
    const { NetworkInterfaces } = await devEc2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [detail("networkInterfaceId")!] }),
    );
    expect(NetworkInterfaces?.[0].Groups?.map((g) => g.GroupId)).toEqual([devNetwork.securityGroup]);
    expect(NetworkInterfaces?.[0].Association?.PublicIp).toBeUndefined();
  });

  test("waits for STOPPED by polling DescribeTasks, reporting each status", () => {
    // moto moves the task one state per DescribeTasks: four polls from RUNNING to STOPPED.
    expect(requests.filter((r) => r.target === DESCRIBE_TASKS_TARGET)).toHaveLength(4);
    const statuses = [...run.stdout.matchAll(/^\s+\[\s*\d+ s\] (\w+)$/gm)].map((m) => m[1]);
    expect(statuses).toEqual(["RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]);
  });

  test("prints the image and no warning when the released image is the one the task definition runs", () => {
    expect(run.stdout).toMatch(/^ {2}image: \S+\/acme\/dev\/api@sha256:1{64}$/m);
    expect(run.stdout).not.toMatch(/warning/);
  });
});

describe("npm run task -- dev api migrate (the task is stopped while the command waits)", () => {
  test("prints the stopped reason and exits with the container's exit code as ECS reports it", async () => {
    const before = await allTaskArns(devEcs, DEV_CLUSTER);
    const run = await withTasksThatNeverStop(async () => {
      const started = startTask(["dev", "api", "migrate"]);
      const arn = await newTask(before);
      await devEcs.send(new StopTaskCommand({ cluster: DEV_CLUSTER, task: arn, reason: "Stopped by the e2e test" }));
      return started.done;
    });
    expect(run.stdout).toMatch(/^Stopped: Stopped by the e2e test$/m);
    expect(run.stdout).toMatch(/\] STOPPED$/m);
    // moto's containers always report exitCode 0, also after StopTask; real ECS would report e.g. 143 or 137.
    expect(run.stdout).toMatch(/^Container api exited with 0/m);
    expect(run.code).toBe(0);
  });
});

describe("npm run task -- dev api migrate --timeout 2 (the task never stops)", () => {
  let run: RunResult;
  let arn: string;
  let statusAfterwards: string | undefined;

  beforeAll(async () => {
    const before = await allTaskArns(devEcs, DEV_CLUSTER);
    await withTasksThatNeverStop(async () => {
      run = await task(["dev", "api", "migrate", "--timeout", "2"]);
      arn = (await allTaskArns(devEcs, DEV_CLUSTER)).find((a) => !before.includes(a))!;
      statusAfterwards = (await describeTask(arn)).lastStatus;
    });
  });

  afterAll(async () => {
    if (arn) await devEcs.send(new StopTaskCommand({ cluster: DEV_CLUSTER, task: arn, reason: "cleanup" }));
  });

  test("exits 4 and says it timed out", () => {
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/^Timed out after 2 s; the task is still RUNNING and keeps running\.$/m);
  });

  test("leaves the task running and tells how to stop it", () => {
    expect(statusAfterwards).toBe("RUNNING");
    expect(run.stdout).toContain(
      `aws ecs stop-task --cluster ${DEV_CLUSTER} --task ${arn.split("/").pop()} --region ${region}`,
    );
  });
});

describe("the image-tag check", () => {
  afterAll(async () => {
    await devSsm.send(
      new PutParameterCommand({
        Name: imageParameter(project.project, dev.name, api.name),
        Value: imageOf(dev),
        Type: "String",
        Overwrite: true,
      }),
    );
  });

  test("warns when the released image is not the one the task definition runs", async () => {
    await devSsm.send(
      new PutParameterCommand({
        Name: imageParameter(project.project, dev.name, api.name),
        Value: imageOf(dev).replace(/1{64}$/, "2".repeat(64)),
        Type: "String",
        Overwrite: true,
      }),
    );
    const run = await task(["dev", "api", "migrate"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /warning: \/acme\/dev\/api\/IMAGE holds \S+@sha256:2{64}, but this task definition runs \S+@sha256:1{64}/,
    );
    expect(run.stdout).toContain("release again (npm run release -- dev api <tag>)");
  });
});

describe("errors, without starting a task", () => {
  let before: string[];
  beforeEach(async () => {
    before = await allTaskArns(devEcs, DEV_CLUSTER);
  });
  afterEach(async () => {
    expect(await allTaskArns(devEcs, DEV_CLUSTER)).toEqual(before);
  });

  test("an unknown service exits 2, listing the services", async () => {
    const run = await task(["dev", "worker", "migrate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /No service "worker" in workspace dev \(environments\/dev\.ts\); expected one of web, api/,
    );
  });

  test("a service without a migration exits 2, naming the services that have one", async () => {
    const run = await task(["dev", "web", "migrate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Service "web" declares no migration task .*; services with one: api/);
  });

  test("an unknown task exits 2", async () => {
    const run = await task(["dev", "api", "seed"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown task "seed"; expected one of migrate/);
  });

  test("an unknown workspace exits 2", async () => {
    const run = await task(["staging", "api", "migrate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/No workspace "staging"; expected one of dev, prod/);
  });

  test.each([
    [["dev", "api"]],
    [["dev", "api", "migrate", "extra"]],
    [["dev", "api", "migrate", "--timeout", "0"]],
    [["dev", "api", "migrate", "--bogus"]],
  ])("bad arguments %j exit 2 with the usage", async (args) => {
    const run = await task(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: npm run task --");
  });

  test("a missing migration task definition exits 3 (prod has the service but not the family)", async () => {
    const run = await task(["prod", "api", "migrate"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Task definition family acme-prod-api-migrate not found/);
    expect(await allTaskArns(prodEcs, clusterName(prod.namePrefix))).toEqual([]);
  });

  test("--no-assume-role uses the caller's own account, where there is no cluster: exits 3", async () => {
    const run = await task(["dev", "api", "migrate", "--no-assume-role"]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/ECS cluster acme-dev-cluster not found/);
  });

  test("--help documents the exit codes", async () => {
    const run = await task(["--help"]);
    expect(run.code).toBe(0);
    for (const line of [
      /^ {2}0 +the task succeeded/m,
      /^ {2}1-125 +the task's own exit code/m,
      /^ {2}2 +usage error/m,
      /^ {2}3 +the ECS cluster, service or task definition does not exist/m,
      /^ {2}4 +timed out/m,
    ]) {
      expect(run.stdout).toMatch(line);
    }
  });
});
