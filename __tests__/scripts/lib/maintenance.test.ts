import { DescribeTaskDefinitionCommand, DescribeTasksCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { maintenanceHints, maintenanceRunInput, startMaintenanceTask } from "../../../scripts/lib/maintenance";
import { fixtureWorkspace } from "../../../test/workspace-fixtures";

const TASK_DEF = "arn:aws:ecs:us-east-1:555555555555:task-definition/acme-stage-maintenance:3";
const TASK = "arn:aws:ecs:us-east-1:555555555555:task/acme-stage-cluster/0123abcd";
const NETWORK = { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-maint"] };
const workspace = fixtureWorkspace();

function fakes(statuses: string[], parameter: string | null = JSON.stringify(NETWORK)) {
  const sent: unknown[] = [];
  const ecs = {
    send: (command: unknown) => {
      sent.push(command);
      if (command instanceof DescribeTaskDefinitionCommand) {
        return Promise.resolve({ taskDefinition: { taskDefinitionArn: TASK_DEF } });
      }
      if (command instanceof RunTaskCommand) {
        return Promise.resolve({ tasks: [{ taskArn: TASK, lastStatus: "PROVISIONING" }] });
      }
      if (command instanceof DescribeTasksCommand) {
        return Promise.resolve({ tasks: [{ taskArn: TASK, lastStatus: statuses.shift() }] });
      }
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  const ssm = {
    send: (command: unknown) => {
      sent.push(command);
      if (!(command instanceof GetParameterCommand)) throw new Error("unexpected");
      if (parameter === undefined)
        return Promise.reject(Object.assign(new Error("nope"), { name: "ParameterNotFound" }));
      return Promise.resolve({ Parameter: { Value: parameter } });
    },
  };
  return { sent, ecs: ecs as never, ssm: ssm as never };
}

describe("the maintenance task", () => {
  test("runs on Fargate in its own security group, without a public IP, with ECS Exec on", () => {
    expect(maintenanceRunInput(workspace, TASK_DEF, NETWORK)).toMatchObject({
      cluster: "acme-stage-cluster",
      taskDefinition: TASK_DEF,
      launchType: "FARGATE",
      enableExecuteCommand: true,
      group: "task:maintenance",
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: NETWORK.subnets,
          securityGroups: NETWORK.securityGroups,
          assignPublicIp: "DISABLED",
        },
      },
    });
  });

  test("starts, waits until it runs and says how to exec in and how it stops", async () => {
    const { sent, ecs, ssm } = fakes(["PENDING", "RUNNING"]);
    const lines: string[] = [];
    const code = await startMaintenanceTask({
      ecs,
      ssm,
      project: "acme",
      workspace,
      timeoutSeconds: 60,
      log: (l) => lines.push(l),
      sleep: () => Promise.resolve(),
    });
    expect(code).toBe(0);
    expect((sent[0] as GetParameterCommand).input.Name).toBe("/acme/stage/maintenance/NETWORK");
    expect(lines).toEqual(expect.arrayContaining(maintenanceHints(workspace, TASK, 60)));
    expect(lines.join("\n")).toMatch(/npm run exec -- stage maintenance --task 0123abcd/);
    expect(lines.join("\n")).toMatch(/stops itself after 60 minutes without a session/);
  });

  test("a task that stops before it runs fails the command", async () => {
    const { ecs, ssm } = fakes(["STOPPED"]);
    const code = await startMaintenanceTask({
      ecs,
      ssm,
      project: "acme",
      workspace,
      timeoutSeconds: 60,
      log: () => undefined,
      sleep: () => Promise.resolve(),
    });
    expect(code).toBe(1);
  });

  test("an undeployed workspace is 'not found'", async () => {
    const { ecs, ssm } = fakes([], null);
    await expect(
      startMaintenanceTask({ ecs, ssm, project: "acme", workspace, timeoutSeconds: 60, log: () => undefined }),
    ).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/has the workspace been deployed/) });
  });

  test("a workspace without a maintenance task is a usage error", async () => {
    const { ecs, ssm } = fakes([]);
    const without = fixtureWorkspace((ws) => (ws.cluster!.maintenanceTask = { enabled: false }));
    await expect(
      startMaintenanceTask({ ecs, ssm, project: "acme", workspace: without, timeoutSeconds: 60, log: () => undefined }),
    ).rejects.toMatchObject({ exitCode: 2 });
  });
});
