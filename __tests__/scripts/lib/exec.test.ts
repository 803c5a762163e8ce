import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ExecuteCommandCommand,
  ListTasksCommand,
  Service,
  Task,
} from "@aws-sdk/client-ecs";
import { execInto, ExecOptions, PLUGIN_MISSING, resolveExecTarget } from "../../../scripts/lib/exec";
import { fixtureWorkspace } from "../../../test/workspace-fixtures";

const workspace = fixtureWorkspace();
const TASK = "arn:aws:ecs:us-east-1:555555555555:task/acme-stage-cluster/abc123";
const SESSION = { sessionId: "s-1", streamUrl: "wss://example", tokenValue: "t" };

function runningTask(overrides: Partial<Task> = {}): Task {
  return {
    taskArn: TASK,
    lastStatus: "RUNNING",
    enableExecuteCommand: true,
    containers: [
      { name: "api", runtimeId: "abc123-999", managedAgents: [{ name: "ExecuteCommandAgent", lastStatus: "RUNNING" }] },
    ],
    ...overrides,
  };
}

/** An ECS client that answers from the given service and task, recording what it was sent. */
function fakeEcs(service: Partial<Service> | undefined, task: Task | undefined) {
  const sent: unknown[] = [];
  return {
    sent,
    ecs: {
      send: (command: unknown) => {
        sent.push(command);
        if (command instanceof DescribeServicesCommand) {
          return Promise.resolve({
            services: service ? [{ status: "ACTIVE", serviceName: "acme-stage-api", ...service }] : [],
          });
        }
        if (command instanceof ListTasksCommand) return Promise.resolve({ taskArns: task ? [task.taskArn] : [] });
        if (command instanceof DescribeTasksCommand) return Promise.resolve({ tasks: task ? [task] : [] });
        if (command instanceof ExecuteCommandCommand) return Promise.resolve({ session: SESSION });
        throw new Error("unexpected command");
      },
    } as never,
  };
}

function options(ecs: ExecOptions["ecs"], overrides: Partial<ExecOptions> = {}): ExecOptions {
  return {
    ecs,
    workspace,
    target: resolveExecTarget(workspace, "api"),
    command: "sh",
    log: () => undefined,
    pluginPath: "/usr/local/bin/session-manager-plugin",
    endpoint: "https://ecs.us-east-1.amazonaws.com",
    ...overrides,
  };
}

describe("npm run exec", () => {
  test("targets a service's container, both colours of a blue/green one, or the maintenance task", () => {
    expect(resolveExecTarget(workspace, "api")).toEqual({
      cluster: "acme-stage-cluster",
      ecsServices: ["acme-stage-api"],
      container: "api",
    });
    const blueGreen = fixtureWorkspace((ws) => {
      ws.loadBalancer = { testListener: { port: 8443, allowedCidrs: ["10.0.0.0/8"] } };
      ws.services![1].deployment = { strategy: "blue-green" };
    });
    expect(resolveExecTarget(blueGreen, "api").ecsServices).toEqual(["acme-stage-api-blue", "acme-stage-api-green"]);
    expect(resolveExecTarget(workspace, "maintenance")).toMatchObject({
      family: "acme-stage-maintenance",
      container: "maintenance",
    });
    expect(() => resolveExecTarget(workspace, "db")).toThrow(/expected one of web, api, worker, maintenance/);
  });

  test("hands the session to the Session Manager plugin as the AWS CLI does", async () => {
    const { ecs, sent } = fakeEcs({ enableExecuteCommand: true }, runningTask());
    const calls: [string, string[]][] = [];
    const code = await execInto(options(ecs, { runPlugin: (path, args) => (calls.push([path, args]), 0) }));
    expect(code).toBe(0);
    const execute = sent.find((c) => c instanceof ExecuteCommandCommand) as ExecuteCommandCommand;
    expect(execute.input).toEqual({
      cluster: "acme-stage-cluster",
      task: TASK,
      container: "api",
      interactive: true,
      command: "sh",
    });
    expect(calls).toEqual([
      [
        "/usr/local/bin/session-manager-plugin",
        [
          JSON.stringify(SESSION),
          "us-east-1",
          "StartSession",
          "",
          JSON.stringify({ Target: "ecs:acme-stage-cluster_abc123_abc123-999" }),
          "https://ecs.us-east-1.amazonaws.com",
        ],
      ],
    ]);
  });

  test("without the plugin it says where to get it, before calling AWS", async () => {
    const { ecs, sent } = fakeEcs({ enableExecuteCommand: true }, runningTask());
    await expect(execInto(options(ecs, { pluginPath: undefined }))).rejects.toMatchObject({
      exitCode: 4,
      message: PLUGIN_MISSING,
    });
    expect(sent).toEqual([]);
  });

  test("exec disabled on the service says which setting to change", async () => {
    const { ecs } = fakeEcs({ enableExecuteCommand: false }, runningTask());
    await expect(execInto(options(ecs))).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringMatching(/ECS Exec is not enabled on acme-stage-api\. Set cluster\.execEnabled: true/),
    });
  });

  test("a task started without exec, or whose agent is not running, is refused with the fix", async () => {
    const withoutExec = fakeEcs({ enableExecuteCommand: true }, runningTask({ enableExecuteCommand: false }));
    await expect(execInto(options(withoutExec.ecs))).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringMatching(/was started without ECS Exec; start a new one/),
    });
    const agentDown = fakeEcs(
      { enableExecuteCommand: true },
      runningTask({
        containers: [{ name: "api", managedAgents: [{ name: "ExecuteCommandAgent", lastStatus: "PENDING" }] }],
      }),
    );
    await expect(execInto(options(agentDown.ecs))).rejects.toMatchObject({
      exitCode: 4,
      message: expect.stringMatching(/exec agent of container api .* is PENDING/),
    });
  });

  test("no running task, or no running maintenance task, says so and how to start one", async () => {
    const none = fakeEcs({ enableExecuteCommand: true }, undefined);
    await expect(execInto(options(none.ecs))).rejects.toMatchObject({ exitCode: 3 });
    await expect(
      execInto(options(none.ecs, { target: resolveExecTarget(workspace, "maintenance") })),
    ).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/npm run task -- stage maintenance/) });
  });
});
