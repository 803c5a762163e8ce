/**
 * Operating a workspace on the emulator: a small workspace (test/environments/operate) is deployed with Terraform;
 * its alarms, alarm topic and dashboard exist; then, with the emulator's IAM enforcement on, the operator role's own
 * credentials read a log event the test wrote (npm run logs), start the maintenance task (npm run task) and stop it,
 * may call ECS Exec (which the emulator does not implement, so the call is authorized and then fails with HTTP 500),
 * and are refused everything else tried.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AttachRolePolicyCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  DeleteServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  ExecuteCommandCommand,
  ListTasksCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { loadEnvironments, WorkspaceConfig } from "../../src/config";
import {
  alarmTopicName,
  clusterName,
  dashboardName,
  imageParameter,
  maintenanceFamily,
  operatorRoleName,
  serviceLogGroupName,
} from "../../src/naming";
import { deployBootstrapAndWorkspace } from "../../scripts/lib/local-deploy";
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { RunResult } from "../../scripts/lib/process";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(20 * 60 * 1000);

const ENVIRONMENTS_DIR = path.join(PROJECT_ROOT, "test", "environments", "operate");
const { workspaces } = loadEnvironments(ENVIRONMENTS_DIR, PROJECT_ROOT);
const ops = workspaces[0] as WorkspaceConfig;
const region = ops.region;
const CLUSTER = clusterName(ops.namePrefix);

let server: MotoServer;
let workDir: string;
let admin: AwsCredentialIdentity;
let operator: AwsCredentialIdentity;

async function enforcement(on: boolean): Promise<void> {
  const response = await fetch(`${server.endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
  expect(response.status).toBe(200);
}

/**
 * A project command run with the operator role's own credentials in the environment (--no-assume-role), as a person
 * who assumed the role runs it. The set-up assumes the role before enforcement is turned on: with enforcement on,
 * the emulator answered AccessDenied to the deploy role's sts:AssumeRole into it (--as-operator makes that call).
 */
function asOperator(script: string, args: string[]): Promise<RunResult> {
  return runScript(script, [...args, "--no-assume-role"], {
    ...emulatorEnv(server.endpoint, region),
    ENVIRONMENTS_DIR,
    AWS_ACCESS_KEY_ID: operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: operator.secretAccessKey,
    AWS_SESSION_TOKEN: operator.sessionToken,
  });
}

const operatorConfig = () => clientConfig(server.endpoint, region, operator);
/** A CloudWatch Logs client with fixed credentials. */
const logsAs = (credentials: AwsCredentialIdentity) =>
  new CloudWatchLogsClient(clientConfig(server.endpoint, region, credentials));

/** The name of the error a call fails with, or "ok". */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (err) {
    return (err as Error).name;
  }
}

/** What the emulator holds, as its own data dump: model name -> records. */
async function emulatorData(service: string): Promise<string> {
  const response = await fetch(`${server.endpoint}/moto-api/data.json`);
  const data = (await response.json()) as Record<string, unknown>;
  return JSON.stringify(data[service] ?? {});
}

beforeAll(async () => {
  server = await startMoto();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "operate-e2e-"));
  await deployBootstrapAndWorkspace(ops.name, {
    env: { ...emulatorEnv(server.endpoint, region), ENVIRONMENTS_DIR },
    workDir,
    log: () => undefined,
  });
  admin = await credentialsFor(server.endpoint, region, ops.accountId, ops.deployRoleName);
  const iam = new IAMClient(clientConfig(server.endpoint, region, admin));
  await iam.send(
    new CreateRoleCommand({
      RoleName: ops.deployRoleName,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ops.accountId}:root` }, Action: "sts:AssumeRole" },
        ],
      }),
    }),
  );
  await iam.send(
    new AttachRolePolicyCommand({
      RoleName: ops.deployRoleName,
      PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
  );
  admin = await credentialsFor(server.endpoint, region, ops.accountId, ops.deployRoleName);
  operator = await credentialsFor(server.endpoint, region, ops.accountId, operatorRoleName(ops.namePrefix));
  // An event in web's log group, as the awslogs driver would write it.
  const logs = logsAs(admin);
  await logs.send(
    new CreateLogStreamCommand({
      logGroupName: serviceLogGroupName(ops.namePrefix, "web"),
      logStreamName: "web/web/t1",
    }),
  );
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: serviceLogGroupName(ops.namePrefix, "web"),
      logStreamName: "web/web/t1",
      logEvents: [{ timestamp: Date.now(), message: "operate-e2e: request served" }],
    }),
  );
  await enforcement(true);
});

afterAll(async () => {
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("operating a workspace on the emulator", () => {
  test("the alarms, the alarm topic with its subscription and the dashboard exist", async () => {
    const cloudwatch = await emulatorData("cloudwatch");
    for (const name of ["ops-web-5xx", "ops-web-unhealthy-hosts", "ops-web-cpu", "ops-alb-5xx"]) {
      expect(cloudwatch).toContain(`acme-${name}`);
    }
    expect(cloudwatch).toContain(dashboardName(ops.namePrefix));
    const sns = await emulatorData("sns");
    expect(sns).toContain(alarmTopicName(ops.namePrefix));
    expect(sns).toContain("oncall@example.com");
  });

  test("npm run logs reads the event the test wrote, as the operator", async () => {
    const result = await asOperator("scripts/logs.ts", [ops.name, "web", "--since", "10m"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/web\/web\/t1 {2}operate-e2e: request served/);
  });

  test("the maintenance task starts as the operator, and the operator stops it", async () => {
    const result = await asOperator("scripts/task.ts", [ops.name, "maintenance", "--timeout", "60"]);
    expect(`${result.stdout}${result.stderr}`).toMatch(/npm run exec -- ops maintenance --task /);
    expect(result.code).toBe(0);
    const ecs = new ECSClient(operatorConfig());
    const { taskArns } = await ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, family: maintenanceFamily(ops.namePrefix) }),
    );
    expect(taskArns).toHaveLength(1);
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArns![0], reason: "operate e2e" }));
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }));
    expect(tasks![0].stoppedReason).toBe("operate e2e");
    expect(tasks![0].desiredStatus).toBe("STOPPED");
  });

  test("the operator may call ECS Exec on the cluster's tasks (authorized; the emulator has no ECS Exec)", async () => {
    const ecs = new ECSClient({ ...operatorConfig(), maxAttempts: 1 });
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    const task = taskArns?.[0] ?? `arn:aws:ecs:${region}:${ops.accountId}:task/${CLUSTER}/0123456789abcdef`;
    const result = await outcome(
      ecs.send(new ExecuteCommandCommand({ cluster: CLUSTER, task, interactive: true, command: "sh" })),
    );
    expect(result).not.toBe("AccessDeniedException");
    const elsewhere = await outcome(
      ecs.send(
        new ExecuteCommandCommand({ cluster: "another-cluster", task: "0123", interactive: true, command: "sh" }),
      ),
    );
    expect(elsewhere).toBe("AccessDeniedException");
  });

  test("the operator is refused everything else tried", async () => {
    const ecs = new ECSClient(operatorConfig());
    expect(await outcome(ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: "acme-ops-web" })))).toBe(
      "AccessDeniedException",
    );
    const ssm = new SSMClient(operatorConfig());
    expect(await outcome(ssm.send(new GetParameterCommand({ Name: imageParameter("acme", ops.name, "web") })))).toBe(
      "AccessDeniedException",
    );
    const logs = logsAs(operator);
    expect(
      await outcome(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: serviceLogGroupName(ops.namePrefix, "web"),
            logStreamName: "web/web/t1",
            logEvents: [{ timestamp: Date.now(), message: "forged" }],
          }),
        ),
      ),
    ).toBe("AccessDeniedException");
    expect(await outcome(logs.send(new FilterLogEventsCommand({ logGroupName: `/ecs/${ops.namePrefix}/exec` })))).toBe(
      "AccessDeniedException",
    );
  });
});
