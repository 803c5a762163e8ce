import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  Service,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import {
  EXIT,
  logLocation,
  latestTaskDefinition,
  resolveOneOffTask,
  runTaskInput,
  servicePlacement,
  ServicePlacement,
  stopHint,
  taskOutcome,
  TaskCommandError,
  waitForTaskToStop,
} from "../../../scripts/lib/run-task";
import { DEV_FILE, devInput, workspaceConfig } from "../../../test/fixtures";

const dev = () => workspaceConfig(devInput(), DEV_FILE);
const TASK_ARN = "arn:aws:ecs:us-east-1:222222222222:task/acme-dev-cluster/0123456789abcdef";

/** An ECS client whose `send` answers each command type from a function (or throws what it returns as an Error). */
function fakeEcs(answers: { [command: string]: (input: unknown) => unknown }): ECSClient {
  const send = async (command: { constructor: { name: string }; input: unknown }) => {
    const answer = answers[command.constructor.name];
    if (!answer) throw new Error(`unexpected ${command.constructor.name}`);
    const result = answer(command.input);
    if (result instanceof Error) throw result;
    return result;
  };
  return { send } as unknown as ECSClient;
}

function thrown(fn: () => unknown): TaskCommandError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TaskCommandError) return err;
    throw err;
  }
  throw new Error("expected a TaskCommandError");
}

async function rejection(promise: Promise<unknown>): Promise<TaskCommandError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TaskCommandError) return err;
  throw new Error(`expected a TaskCommandError, got ${String(err)}`);
}

describe("resolveOneOffTask", () => {
  test("names the cluster, service, family and container of the migration through naming.ts", () => {
    expect(resolveOneOffTask(dev(), "api", "migrate")).toMatchObject({
      task: "migrate",
      cluster: "acme-dev-cluster",
      ecsService: "acme-dev-api",
      family: "acme-dev-api-migrate",
      containerName: "api",
      group: "task:migrate",
    });
  });

  test("an unknown service is a usage error listing the workspace's services", () => {
    const err = thrown(() => resolveOneOffTask(dev(), "worker", "migrate"));
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toMatch(
      /No service "worker" in workspace dev \(environments\/dev\.ts\); expected one of web, api/,
    );
  });

  test("a service without a migration is a usage error naming the services that have one", () => {
    const err = thrown(() => resolveOneOffTask(dev(), "web", "migrate"));
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toMatch(/Service "web" declares no migration task .*services with one: api/);
  });

  test("without any migration in the workspace, the message says so", () => {
    const input = devInput();
    input.services?.forEach((s) => delete s.migration);
    const err = thrown(() => resolveOneOffTask(workspaceConfig(input, DEV_FILE), "api", "migrate"));
    expect(err.message).toMatch(/no service in workspace dev declares one/);
  });

  test("an unknown task is a usage error listing the tasks", () => {
    const err = thrown(() => resolveOneOffTask(dev(), "api", "seed"));
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toMatch(/Unknown task "seed"; expected one of migrate/);
  });
});

describe("servicePlacement", () => {
  const service: Service = {
    serviceName: "acme-dev-api",
    status: "ACTIVE",
    taskDefinition: "arn:aws:ecs:us-east-1:222222222222:task-definition/acme-dev-api:7",
    networkConfiguration: {
      awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-api"], assignPublicIp: "ENABLED" },
    },
    capacityProviderStrategy: [
      { capacityProvider: "FARGATE", weight: 1, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 1 },
    ],
    launchType: "FARGATE",
    platformVersion: "1.4.0",
  };

  test("takes the subnets, security groups and capacity provider strategy of the service", async () => {
    const ecs = fakeEcs({ DescribeServicesCommand: () => ({ services: [service], failures: [] }) });
    await expect(servicePlacement(ecs, "acme-dev-cluster", "acme-dev-api")).resolves.toEqual({
      subnets: ["subnet-a", "subnet-b"],
      securityGroups: ["sg-api"],
      capacityProviderStrategy: service.capacityProviderStrategy,
      launchType: undefined,
      platformVersion: "1.4.0",
    });
  });

  test("takes the launch type of a service without a capacity provider strategy", async () => {
    const ecs = fakeEcs({
      DescribeServicesCommand: () => ({ services: [{ ...service, capacityProviderStrategy: [] }] }),
    });
    const placement = await servicePlacement(ecs, "acme-dev-cluster", "acme-dev-api");
    expect(placement.launchType).toBe("FARGATE");
    expect(placement.capacityProviderStrategy).toEqual([]);
  });

  test("a missing service is 'not found'", async () => {
    const ecs = fakeEcs({
      DescribeServicesCommand: () => ({ services: [], failures: [{ arn: "x", reason: "MISSING" }] }),
    });
    const err = await rejection(servicePlacement(ecs, "acme-dev-cluster", "acme-dev-api"));
    expect(err.exitCode).toBe(EXIT.notFound);
    expect(err.message).toMatch(/ECS service acme-dev-api not found in cluster acme-dev-cluster \(MISSING\)/);
  });

  test("an INACTIVE (deleted) service is 'not found'", async () => {
    const ecs = fakeEcs({ DescribeServicesCommand: () => ({ services: [{ ...service, status: "INACTIVE" }] }) });
    expect((await rejection(servicePlacement(ecs, "acme-dev-cluster", "acme-dev-api"))).exitCode).toBe(EXIT.notFound);
  });

  test("a missing cluster is 'not found'", async () => {
    const ecs = fakeEcs({
      DescribeServicesCommand: () => new ClusterNotFoundException({ message: "Cluster not found.", $metadata: {} }),
    });
    const err = await rejection(servicePlacement(ecs, "acme-dev-cluster", "acme-dev-api"));
    expect(err.exitCode).toBe(EXIT.notFound);
    expect(err.message).toMatch(/ECS cluster acme-dev-cluster not found/);
  });
});

describe("latestTaskDefinition", () => {
  test("a family without an ACTIVE revision is 'not found'", async () => {
    const missing = Object.assign(new Error("Unable to describe task definition."), { name: "ClientException" });
    const ecs = fakeEcs({ DescribeTaskDefinitionCommand: () => missing });
    const err = await rejection(latestTaskDefinition(ecs, "acme-dev-api-migrate"));
    expect(err.exitCode).toBe(EXIT.notFound);
    expect(err.message).toMatch(/Task definition family acme-dev-api-migrate not found/);
  });

  test("other errors are not hidden", async () => {
    const denied = Object.assign(new Error("not allowed"), { name: "AccessDeniedException" });
    const ecs = fakeEcs({ DescribeTaskDefinitionCommand: () => denied });
    await expect(latestTaskDefinition(ecs, "acme-dev-api-migrate")).rejects.toThrow(/not allowed/);
  });
});

describe("runTaskInput", () => {
  const oneOff = () => resolveOneOffTask(dev(), "api", "migrate");
  const placement: ServicePlacement = {
    subnets: ["subnet-a", "subnet-b"],
    securityGroups: ["sg-api"],
    capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
    platformVersion: "LATEST",
  };

  test("runs one task in the service's subnets and security groups without a public IP", () => {
    expect(runTaskInput(oneOff(), "arn:td:3", placement)).toEqual({
      cluster: "acme-dev-cluster",
      taskDefinition: "arn:td:3",
      count: 1,
      startedBy: "npm-run-task",
      group: "task:migrate",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-a", "subnet-b"],
          securityGroups: ["sg-api"],
          assignPublicIp: "DISABLED",
        },
      },
      capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      platformVersion: "LATEST",
      propagateTags: "TASK_DEFINITION",
    });
  });

  test("uses the launch type when the service has no capacity provider strategy", () => {
    const input = runTaskInput(oneOff(), "arn:td:3", {
      ...placement,
      capacityProviderStrategy: [],
      launchType: "FARGATE",
    });
    expect(input.launchType).toBe("FARGATE");
    expect(input).not.toHaveProperty("capacityProviderStrategy");
  });

  test("gives neither when the service relies on the cluster's default strategy", () => {
    const input = runTaskInput(oneOff(), "arn:td:3", {
      ...placement,
      capacityProviderStrategy: [],
      platformVersion: undefined,
    });
    expect(input).not.toHaveProperty("launchType");
    expect(input).not.toHaveProperty("capacityProviderStrategy");
    expect(input).not.toHaveProperty("platformVersion");
  });
});

describe("waitForTaskToStop", () => {
  /** A clock that only moves when the code under test sleeps. */
  function fakeTime() {
    let now = 0;
    const sleeps: number[] = [];
    return {
      sleeps,
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    };
  }

  const describing = (statuses: string[]) => {
    let call = 0;
    return fakeEcs({
      DescribeTasksCommand: () => {
        const lastStatus = statuses[Math.min(call++, statuses.length - 1)];
        return { tasks: [{ taskArn: TASK_ARN, lastStatus }], failures: [] };
      },
    });
  };

  test("polls with growing, capped intervals until the task is STOPPED, reporting each new status", async () => {
    const time = fakeTime();
    const seen: string[] = [];
    const result = await waitForTaskToStop(
      describing(["PENDING", "PENDING", "RUNNING", "RUNNING", "RUNNING", "STOPPED"]),
      "c",
      TASK_ARN,
      {
        timeoutMs: 600_000,
        initialStatus: "PROVISIONING",
        initialDelayMs: 1000,
        factor: 2,
        maxDelayMs: 5000,
        onStatus: (status) => seen.push(status),
        ...time,
      },
    );
    expect(result.stopped).toBe(true);
    expect(time.sleeps).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
    expect(seen).toEqual(["PENDING", "RUNNING", "STOPPED"]);
  });

  test("gives up at the timeout, never sleeping past it, and reports the last status", async () => {
    const time = fakeTime();
    const result = await waitForTaskToStop(describing(["RUNNING"]), "c", TASK_ARN, {
      timeoutMs: 4000,
      initialDelayMs: 1000,
      factor: 1.5,
      ...time,
    });
    expect(result).toEqual({ stopped: false, lastStatus: "RUNNING", elapsedMs: 4000 });
    expect(time.sleeps).toEqual([1000, 1500, 1500]);
  });

  test("a task DescribeTasks does not know is an error", async () => {
    const ecs = fakeEcs({
      DescribeTasksCommand: () => ({ tasks: [], failures: [{ arn: TASK_ARN, reason: "MISSING" }] }),
    });
    await expect(waitForTaskToStop(ecs, "c", TASK_ARN, { timeoutMs: 10_000, ...fakeTime() })).rejects.toThrow(
      /MISSING/,
    );
  });

  test("asks about the task in its cluster", async () => {
    const inputs: unknown[] = [];
    const ecs = fakeEcs({
      DescribeTasksCommand: (input) => {
        inputs.push(input);
        return { tasks: [{ taskArn: TASK_ARN, lastStatus: "STOPPED" }] };
      },
    });
    await waitForTaskToStop(ecs, "acme-dev-cluster", TASK_ARN, { timeoutMs: 10_000, ...fakeTime() });
    expect(inputs).toEqual([{ cluster: "acme-dev-cluster", tasks: [TASK_ARN] }]);
  });
});

describe("taskOutcome: the command's exit code from a STOPPED task (as DescribeTasks describes it)", () => {
  const stopped = (containers: Task["containers"], extra: Partial<Task> = {}): Task => ({
    taskArn: TASK_ARN,
    lastStatus: "STOPPED",
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    containers,
    ...extra,
  });

  test("exit code 0 is success", () => {
    const outcome = taskOutcome(stopped([{ name: "api", exitCode: 0 }]), "api");
    expect(outcome).toMatchObject({ exitCode: 0, containerExitCode: 0 });
    expect(outcome.lines).toContain("Container api exited with 0: the task succeeded.");
  });

  test.each([1, 2, 3, 4, 42, 125])("exit code %i is passed through", (code) => {
    const outcome = taskOutcome(stopped([{ name: "api", exitCode: code }]), "api");
    expect(outcome).toMatchObject({ exitCode: code, containerExitCode: code });
    expect(outcome.lines).toContain(`Container api exited with ${code}: the task failed.`);
  });

  test.each([126, 127, 137, 139, 255])("exit code %i is reported as 1, with the real code printed", (code) => {
    const outcome = taskOutcome(stopped([{ name: "api", exitCode: code }]), "api");
    expect(outcome).toMatchObject({ exitCode: EXIT.failed, containerExitCode: code });
    expect(outcome.lines.join("\n")).toMatch(new RegExp(`exited with ${code}.*reported as exit code 1`));
  });

  test("a task that failed to start (no exit code) is 1, with the stopped reason printed", () => {
    const outcome = taskOutcome(
      stopped([{ name: "api", reason: "CannotPullContainerError: image not found" }], {
        stopCode: "TaskFailedToStart",
        stoppedReason: "CannotPullContainerError: pull image manifest has been retried 1 time(s)",
      }),
      "api",
    );
    expect(outcome.exitCode).toBe(EXIT.failed);
    expect(outcome.containerExitCode).toBeUndefined();
    expect(outcome.lines).toEqual([
      "Stopped: TaskFailedToStart: CannotPullContainerError: pull image manifest has been retried 1 time(s)",
      "Container api: CannotPullContainerError: image not found",
      "The task stopped without an exit code from container api; see the reason above.",
    ]);
  });

  test("a task without containers at all is 1", () => {
    const outcome = taskOutcome(
      stopped([], { stopCode: "TaskFailedToStart", stoppedReason: "ResourceInitializationError" }),
      "api",
    );
    expect(outcome.exitCode).toBe(EXIT.failed);
    expect(outcome.lines[0]).toBe("Stopped: TaskFailedToStart: ResourceInitializationError");
  });

  test("the named container decides, not a sidecar", () => {
    const outcome = taskOutcome(
      stopped([
        { name: "log-router", exitCode: 0 },
        { name: "api", exitCode: 3 },
      ]),
      "api",
    );
    expect(outcome.exitCode).toBe(3);
  });

  test("a sole container decides even under another name", () => {
    expect(taskOutcome(stopped([{ name: "acme-dev-api", exitCode: 5 }]), "api").exitCode).toBe(5);
  });
});

describe("logLocation", () => {
  const taskDefinition = (
    logConfiguration?: NonNullable<TaskDefinition["containerDefinitions"]>[number]["logConfiguration"],
  ): TaskDefinition => ({
    containerDefinitions: [{ name: "api", image: "x:1", logConfiguration }],
  });

  test("names the awslogs group and the task's stream", () => {
    const lines = logLocation(
      taskDefinition({
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/ecs/acme-dev/api",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "migrate",
        },
      }),
      "api",
      TASK_ARN,
      "eu-west-1",
    );
    expect(lines).toEqual([
      "Logs: CloudWatch Logs group /ecs/acme-dev/api, stream migrate/api/0123456789abcdef (us-east-1)",
      "  follow: aws logs tail /ecs/acme-dev/api --log-stream-names migrate/api/0123456789abcdef --follow --region us-east-1",
    ]);
  });

  test("says when the container keeps no logs", () => {
    expect(logLocation(taskDefinition(undefined), "api", TASK_ARN, "us-east-1")).toEqual([
      "Logs: container api has no log configuration; its output is not kept.",
    ]);
  });
});

test("stopHint names the cluster, task id and region", () => {
  expect(stopHint("acme-dev-cluster", TASK_ARN, "us-east-1")).toBe(
    'aws ecs stop-task --cluster acme-dev-cluster --task 0123456789abcdef --region us-east-1 --reason "stopped by hand"',
  );
});

// Keep the command classes referenced so a rename in the SDK fails here, where the fakes depend on the names.
test("the fakes key on the SDK's command class names", () => {
  expect([DescribeServicesCommand.name, DescribeTaskDefinitionCommand.name, DescribeTasksCommand.name]).toEqual([
    "DescribeServicesCommand",
    "DescribeTaskDefinitionCommand",
    "DescribeTasksCommand",
  ]);
});
