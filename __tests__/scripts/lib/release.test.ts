import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  Service,
  TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { DescribeImagesCommand, ImageNotFoundException } from "@aws-sdk/client-ecr";
import { DescribeTargetHealthCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { PutItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetParameterCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { CommandFailure } from "../../../scripts/lib/cli";
import {
  Clock,
  digestOf,
  releaseImage,
  ReleaseClients,
  ReleaseRecord,
  releaseTarget,
  repositoryOf,
  rollbackTarget,
  rolloutStatus,
  trippedAlarms,
  withImage,
} from "../../../scripts/lib/release";
import { workspaceConfig, devInput, DEV_FILE } from "../../../test/fixtures";

const dev = workspaceConfig(devInput(), DEV_FILE);
const api = dev.services.find((s) => s.name === "api")!;
const target = releaseTarget("acme", dev, api);
const REPO = "222222222222.dkr.ecr.us-east-1.amazonaws.com/acme/dev/api";
const DIGEST = `sha256:${"a".repeat(64)}`;
const OLD_TD = "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api:7";
const NEW_TD = "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api:8";
const NEW_MIGRATE_TD = "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api-migrate:4";

describe("rolloutStatus", () => {
  const service = (overrides: Partial<Service>): Service => ({
    taskDefinition: NEW_TD,
    desiredCount: 2,
    runningCount: 1,
    deployments: [
      { taskDefinition: NEW_TD, status: "PRIMARY", rolloutState: "IN_PROGRESS", runningCount: 1, desiredCount: 2 },
      { taskDefinition: OLD_TD, status: "ACTIVE", rolloutState: "COMPLETED", runningCount: 2, desiredCount: 0 },
    ],
    ...overrides,
  });

  test("in progress while the new deployment runs beside the old one", () => {
    expect(rolloutStatus(service({}), NEW_TD)).toMatchObject({ state: "in-progress", running: 1, desired: 2 });
  });

  test("completed when the new deployment is the only one and COMPLETED", () => {
    const done = service({
      deployments: [{ taskDefinition: NEW_TD, rolloutState: "COMPLETED", runningCount: 2, desiredCount: 2 }],
    });
    expect(rolloutStatus(done, NEW_TD)).toMatchObject({ state: "completed", running: 2 });
  });

  test("a COMPLETED deployment with the old one still draining is still in progress", () => {
    const draining = service({
      deployments: [
        { taskDefinition: NEW_TD, rolloutState: "COMPLETED" },
        { taskDefinition: OLD_TD, rolloutState: "COMPLETED" },
      ],
    });
    expect(rolloutStatus(draining, NEW_TD).state).toBe("in-progress");
  });

  test("failed when ECS marks the deployment FAILED, with its reason", () => {
    const failed = service({
      deployments: [
        {
          taskDefinition: NEW_TD,
          rolloutState: "FAILED",
          rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
          failedTasks: 3,
        },
      ],
    });
    expect(rolloutStatus(failed, NEW_TD)).toMatchObject({
      state: "failed",
      failedTasks: 3,
      reason: "ECS deployment circuit breaker: tasks failed to start.",
    });
  });

  test("rolled back when the service runs its previous task definition again", () => {
    const rolledBack = service({
      taskDefinition: OLD_TD,
      deployments: [
        { taskDefinition: OLD_TD, status: "PRIMARY", rolloutState: "IN_PROGRESS" },
        { taskDefinition: NEW_TD, status: "ACTIVE", rolloutState: "FAILED", rolloutStateReason: "circuit breaker" },
      ],
    });
    expect(rolloutStatus(rolledBack, NEW_TD)).toMatchObject({ state: "rolled-back", reason: "circuit breaker" });
  });

  test("rolled back by deployment alarms names the alarms", () => {
    const reason = "ECS deployment detected triggered alarm(s): acme-dev-api-5xx, acme-dev-api-unhealthy-hosts.";
    const rolledBack = service({
      taskDefinition: OLD_TD,
      deployments: [
        { taskDefinition: OLD_TD, status: "PRIMARY", rolloutState: "IN_PROGRESS" },
        { taskDefinition: NEW_TD, status: "ACTIVE", rolloutState: "FAILED", rolloutStateReason: reason },
      ],
    });
    expect(rolloutStatus(rolledBack, NEW_TD)).toMatchObject({
      state: "rolled-back",
      reason,
      trippedAlarms: ["acme-dev-api-5xx", "acme-dev-api-unhealthy-hosts"],
    });
  });

  test("a circuit breaker rollback names no alarms", () => {
    expect(trippedAlarms("ECS deployment circuit breaker: tasks failed to start.")).toBeUndefined();
    expect(trippedAlarms(undefined)).toBeUndefined();
    expect(trippedAlarms("ECS deployment detected triggered alarm(s): acme-dev-web-5xx.")).toEqual([
      "acme-dev-web-5xx",
    ]);
  });
});

describe("image references", () => {
  test.each([
    [`${REPO}:v1`, REPO],
    [`${REPO}@${DIGEST}`, REPO],
    ["localhost:5000/app:1", "localhost:5000/app"],
    ["localhost:5000/app", "localhost:5000/app"],
  ])("the repository of %s is %s", (image, repository) => {
    expect(repositoryOf(image)).toBe(repository);
  });

  test("the digest of a pinned reference", () => {
    expect(digestOf(`${REPO}@${DIGEST}`)).toBe(DIGEST);
    expect(digestOf(`${REPO}:v1`)).toBeUndefined();
  });
});

describe("withImage", () => {
  const current: TaskDefinition = {
    taskDefinitionArn: OLD_TD,
    family: "acme-dev-api",
    revision: 7,
    status: "ACTIVE",
    cpu: "512",
    memory: "1024",
    networkMode: "awsvpc",
    executionRoleArn: "arn:aws:iam::222222222222:role/acme-dev-api-execution",
    taskRoleArn: "arn:aws:iam::222222222222:role/acme-dev-api-task",
    requiresCompatibilities: ["FARGATE"],
    compatibilities: ["EC2", "FARGATE"],
    registeredAt: new Date(0),
    containerDefinitions: [
      { name: "api", image: `${REPO}:v1`, environment: [{ name: "A", value: "1" }] },
      { name: "sidecar", image: "public.ecr.aws/x/y:1" },
    ],
  };

  test("changes only the named container's image, and keeps the roles, size and tags", () => {
    const input = withImage(current, [{ key: "Project", value: "acme" }], "api", `${REPO}@${DIGEST}`);
    expect(input).toEqual({
      family: "acme-dev-api",
      cpu: "512",
      memory: "1024",
      networkMode: "awsvpc",
      executionRoleArn: current.executionRoleArn,
      taskRoleArn: current.taskRoleArn,
      requiresCompatibilities: ["FARGATE"],
      containerDefinitions: [
        { name: "api", image: `${REPO}@${DIGEST}`, environment: [{ name: "A", value: "1" }] },
        { name: "sidecar", image: "public.ecr.aws/x/y:1" },
      ],
      tags: [{ key: "Project", value: "acme" }],
    });
  });

  test("refuses a task definition without the container", () => {
    expect(() => withImage(current, [], "web", "x")).toThrow(/has no container named web/);
  });
});

describe("rollbackTarget", () => {
  const record = (tag: string, outcome: ReleaseRecord["outcome"], image: string): ReleaseRecord =>
    ({ tag, outcome, image, digest: digestOf(image) }) as ReleaseRecord;
  const image = (n: number) => `${REPO}@sha256:${String(n).repeat(64)}`;
  const history = [
    record("v4", "ROLLED_BACK", image(4)),
    record("v3", "COMPLETED", image(3)),
    record("v2", "COMPLETED", image(2)),
    record("v1", "COMPLETED", image(1)),
  ];

  test("the newest completed release whose image is not the one running", () => {
    expect(rollbackTarget(history, image(3))?.tag).toBe("v2");
  });

  test("a failed or rolled-back release is never a target", () => {
    expect(rollbackTarget(history, image(9))?.tag).toBe("v3");
  });

  test("--to picks the newest completed release of that tag", () => {
    expect(rollbackTarget(history, image(3), "v1")?.tag).toBe("v1");
    expect(rollbackTarget(history, image(3), "v4")).toBeUndefined();
  });
});

/** A fake AWS: answers by command class, records every call. */
function fakeAws(options: {
  imageDigest?: string;
  services: Service[];
  parameters?: Record<string, string>;
  releases?: Record<string, { S: string }>[];
}) {
  const calls: { name: string; input: Record<string, unknown> }[] = [];
  const parameters = {
    [target.imageParameter]: `${REPO}:latest`,
    [target.imageTagParameter]: "latest",
    ...options.parameters,
  };
  let describes = 0;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    calls.push({ name, input: command.input });
    if (command instanceof DescribeImagesCommand) {
      if (!options.imageDigest) throw new ImageNotFoundException({ message: "not found", $metadata: {} });
      return { imageDetails: [{ imageDigest: options.imageDigest }] };
    }
    if (command instanceof DescribeServicesCommand) {
      const service = options.services[Math.min(describes, options.services.length - 1)];
      describes += 1;
      return { services: [service] };
    }
    if (command instanceof DescribeTaskDefinitionCommand) {
      const family = String(command.input.taskDefinition).includes("migrate") ? "acme-dev-api-migrate" : "acme-dev-api";
      return {
        taskDefinition: { family, containerDefinitions: [{ name: "api", image: `${REPO}:latest` }] },
        tags: [{ key: "Project", value: "acme" }],
      };
    }
    if (command instanceof RegisterTaskDefinitionCommand) {
      const family = String(command.input.family);
      return { taskDefinition: { taskDefinitionArn: family.endsWith("migrate") ? NEW_MIGRATE_TD : NEW_TD } };
    }
    if (command instanceof GetParameterCommand) {
      const value = parameters[String(command.input.Name)];
      return { Parameter: value === undefined ? undefined : { Value: value } };
    }
    if (command instanceof PutParameterCommand) {
      parameters[String(command.input.Name)] = String(command.input.Value);
      return { Version: 2 };
    }
    if (command instanceof GetCallerIdentityCommand) return { Arn: "arn:aws:sts::222222222222:assumed-role/ci/run" };
    if (command instanceof QueryCommand) return { Items: options.releases ?? [] };
    if (command instanceof ListTasksCommand) return { taskArns: ["arn:aws:ecs:us-east-1:222222222222:task/c/abc"] };
    if (command instanceof DescribeTasksCommand) {
      return {
        tasks: [
          {
            taskArn: "arn:aws:ecs:us-east-1:222222222222:task/c/abc",
            stoppedReason: "CannotPullContainerError: manifest unknown",
            containers: [{ name: "api", reason: "CannotPullContainerError" }],
          },
        ],
      };
    }
    if (command instanceof DescribeTargetHealthCommand) return { TargetHealthDescriptions: [] };
    return {};
  };
  const client = { send } as unknown as ReleaseClients["ecs"];
  const clients = {
    ecs: client,
    ecr: client,
    ssm: client,
    dynamodb: client,
    elbv2: client,
    sts: client,
  } as ReleaseClients;
  return { clients, calls, parameters, names: () => calls.map((c) => c.name) };
}

function fakeClock(): Clock & { slept: number[] } {
  let now = Date.parse("2026-11-26T12:00:00Z");
  const slept: number[] = [];
  return { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)), slept };
}

const running = (td: string, extra: Partial<Service> = {}): Service => ({
  taskDefinition: td,
  desiredCount: 1,
  runningCount: 1,
  deployments: [{ taskDefinition: td, rolloutState: "COMPLETED", runningCount: 1, desiredCount: 1 }],
  ...extra,
});
const rollingOut = running(NEW_TD, {
  deployments: [
    { taskDefinition: NEW_TD, rolloutState: "IN_PROGRESS" },
    { taskDefinition: OLD_TD, rolloutState: "COMPLETED" },
  ],
});

describe("releaseImage", () => {
  const base = { target, tag: "v2", kind: "release" as const, wait: true, timeoutSeconds: 600, log: () => undefined };

  test("a missing tag is refused with exit 3 before anything changes", async () => {
    const aws = fakeAws({ services: [running(OLD_TD)] });
    await expect(releaseImage({ ...base, clients: aws.clients })).rejects.toThrow(
      new CommandFailure(
        'No image tagged "v2" in the repository acme/dev/api; push it first (docker push <repository_url>:v2). Nothing was changed.',
        3,
      ),
    );
    expect(aws.names()).toEqual(["DescribeImagesCommand"]);
  });

  test("a digest other than --expect-digest is refused before anything changes", async () => {
    const aws = fakeAws({ imageDigest: DIGEST, services: [running(OLD_TD)] });
    const other = `sha256:${"b".repeat(64)}`;
    await expect(releaseImage({ ...base, clients: aws.clients, expectDigest: other })).rejects.toThrow(
      /not the expected/,
    );
    expect(aws.names()).toEqual(["DescribeImagesCommand"]);
  });

  test("a completed rollout: new revisions pinned by digest, the service moved, the parameters written, recorded", async () => {
    const aws = fakeAws({ imageDigest: DIGEST, services: [running(OLD_TD), rollingOut, running(NEW_TD)] });
    const clock = fakeClock();
    const result = await releaseImage({ ...base, clients: aws.clients, clock });
    expect(result.exitCode).toBe(0);
    const registered = aws.calls.filter((c) => c.name === "RegisterTaskDefinitionCommand").map((c) => c.input);
    expect(registered.map((r) => [r.family, (r.containerDefinitions as { image: string }[])[0].image])).toEqual([
      ["acme-dev-api", `${REPO}@${DIGEST}`],
      ["acme-dev-api-migrate", `${REPO}@${DIGEST}`],
    ]);
    expect(aws.calls.find((c) => c.name === "UpdateServiceCommand")?.input).toEqual({
      cluster: "acme-dev-cluster",
      service: "acme-dev-api",
      taskDefinition: NEW_TD,
    });
    expect(aws.parameters).toMatchObject({
      "/acme/dev/api/IMAGE": `${REPO}@${DIGEST}`,
      "/acme/dev/api/IMAGE_TAG": "v2",
    });
    const put = aws.calls.find((c) => c.name === "PutItemCommand")!.input.Item as Record<string, { S: string }>;
    expect(put).toMatchObject({
      service: { S: "api" },
      tag: { S: "v2" },
      digest: { S: DIGEST },
      previousTaskDefinition: { S: OLD_TD },
      previousImage: { S: `${REPO}:latest` },
      caller: { S: "arn:aws:sts::222222222222:assumed-role/ci/run" },
      outcome: { S: "IN_PROGRESS" },
    });
    const finished = aws.calls.find((c) => c.name === "UpdateItemCommand")!.input;
    expect(finished.ExpressionAttributeValues).toMatchObject({ ":o": { S: "COMPLETED" } });
    expect(result.record.outcome).toBe("COMPLETED");
    expect(aws.names()).not.toContain("DeregisterTaskDefinitionCommand");
  });

  test("a rolled-back rollout exits 5, says why, restores the parameters and deregisters the new revisions", async () => {
    const rolledBack = running(OLD_TD, {
      deployments: [
        { taskDefinition: OLD_TD, rolloutState: "COMPLETED" },
        {
          taskDefinition: NEW_TD,
          rolloutState: "FAILED",
          rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
        },
      ],
    });
    const aws = fakeAws({ imageDigest: DIGEST, services: [running(OLD_TD), rollingOut, rolledBack] });
    const lines: string[] = [];
    const result = await releaseImage({ ...base, clients: aws.clients, clock: fakeClock(), log: (l) => lines.push(l) });
    expect(result.exitCode).toBe(5);
    expect(lines.join("\n")).toContain("ECS deployment circuit breaker: tasks failed to start.");
    expect(lines.join("\n")).toContain("task abc stopped: CannotPullContainerError: manifest unknown");
    expect(aws.parameters).toMatchObject({
      "/acme/dev/api/IMAGE": `${REPO}:latest`,
      "/acme/dev/api/IMAGE_TAG": "latest",
    });
    expect(
      aws.calls.filter((c) => c.name === "DeregisterTaskDefinitionCommand").map((c) => c.input.taskDefinition),
    ).toEqual([NEW_TD, NEW_MIGRATE_TD]);
    expect(result.record).toMatchObject({ outcome: "ROLLED_BACK", reason: expect.stringContaining("circuit breaker") });
  });

  test("a rollout still going at the timeout exits 4 and leaves it running", async () => {
    const aws = fakeAws({ imageDigest: DIGEST, services: [running(OLD_TD), rollingOut] });
    const clock = fakeClock();
    const result = await releaseImage({ ...base, clients: aws.clients, clock, timeoutSeconds: 120 });
    expect(result.exitCode).toBe(4);
    expect(result.record.outcome).toBe("TIMED_OUT");
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(120_000);
    expect(aws.parameters["/acme/dev/api/IMAGE"]).toBe(`${REPO}@${DIGEST}`);
    expect(aws.names()).not.toContain("DeregisterTaskDefinitionCommand");
  });

  test("--no-wait returns once the service has the new revision, recorded as STARTED", async () => {
    const aws = fakeAws({ imageDigest: DIGEST, services: [running(OLD_TD)] });
    const result = await releaseImage({ ...base, clients: aws.clients, wait: false });
    expect(result).toMatchObject({ exitCode: 0, record: { outcome: "STARTED" } });
    expect(aws.names().filter((n) => n === "DescribeServicesCommand")).toHaveLength(1);
  });

  test("polls every 5 s for the first minute, then every 15 s", async () => {
    const services = [running(OLD_TD), ...Array.from({ length: 16 }, () => rollingOut), running(NEW_TD)];
    const aws = fakeAws({ imageDigest: DIGEST, services });
    const clock = fakeClock();
    await releaseImage({ ...base, clients: aws.clients, clock });
    expect(clock.slept.slice(0, 12)).toEqual(Array(12).fill(5_000));
    expect(clock.slept.slice(12)).toEqual(Array(clock.slept.length - 12).fill(15_000));
  });
});

test("the classes the fake answers exist in the SDK (a renamed command would make the fake silent)", () => {
  for (const c of [UpdateServiceCommand, UpdateItemCommand, PutItemCommand, DeregisterTaskDefinitionCommand]) {
    expect(typeof c).toBe("function");
  }
});
