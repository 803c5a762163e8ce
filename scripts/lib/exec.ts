import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ExecuteCommandCommand,
  ListTasksCommand,
  Task,
} from "@aws-sdk/client-ecs";
import type { WorkspaceConfig } from "../../src/config";
import { MAINTENANCE_CONTAINER } from "../../src/constructs/maintenance-task";
import { blueGreenServiceName, clusterName, maintenanceFamily, serviceName } from "../../src/naming";
import { CommandFailure, UsageError } from "./cli";

/**
 * `npm run exec`: a shell (or any command) in a running task of a service or of the maintenance task, through ECS
 * Exec. It checks what ECS Exec needs before calling it (the Session Manager plugin on PATH, exec enabled on the
 * service and on the task, the task's exec agent running) and says how to fix what is missing. scripts/exec.ts is
 * the command line around it.
 */

export const EXEC_EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, notReady: 4 } as const;

export const SESSION_MANAGER_PLUGIN = "session-manager-plugin";

/** What to exec into: the ECS services to pick a task from (or the maintenance family), and the container. */
export interface ExecTarget {
  readonly cluster: string;
  /** ECS services whose tasks qualify (both colours of a blue/green service). Empty for the maintenance task. */
  readonly ecsServices: string[];
  /** Task definition family whose tasks qualify, for the maintenance task. */
  readonly family?: string;
  readonly container: string;
}

export function resolveExecTarget(workspace: WorkspaceConfig, name: string): ExecTarget {
  const prefix = workspace.namePrefix;
  const cluster = clusterName(prefix);
  if (name === "maintenance" && workspace.cluster.maintenanceTask?.enabled) {
    return { cluster, ecsServices: [], family: maintenanceFamily(prefix), container: MAINTENANCE_CONTAINER };
  }
  const svc = workspace.services.find((s) => s.name === name);
  if (!svc) {
    const names = [
      ...workspace.services.map((s) => s.name),
      ...(workspace.cluster.maintenanceTask?.enabled ? ["maintenance"] : []),
    ];
    throw new UsageError(
      `No service "${name}" in workspace ${workspace.name} (${workspace.file}); expected one of ${names.join(", ")}`,
    );
  }
  const ecsServices =
    svc.deployment.strategy === "blue-green"
      ? [blueGreenServiceName(prefix, svc.name, "blue"), blueGreenServiceName(prefix, svc.name, "green")]
      : [serviceName(prefix, svc.name)];
  return { cluster, ecsServices, container: svc.name };
}

/** The plugin's path on PATH, or undefined. */
export function findOnPath(program: string, path = process.env.PATH ?? ""): string | undefined {
  return path
    .split(delimiter)
    .filter((dir) => dir !== "")
    .map((dir) => join(dir, program))
    .find((candidate) => existsSync(candidate));
}

export const PLUGIN_MISSING =
  `The Session Manager plugin (${SESSION_MANAGER_PLUGIN}) is not on PATH; ECS Exec needs it to open the session. ` +
  `Install it: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html`;

type EcsSender = Pick<ECSClient, "send">;

/**
 * The task to exec into: the given one (by id or ARN), else the first running task of the target. Checks that ECS
 * Exec is enabled on the services and the task and that the task's exec agent runs.
 */
export async function chooseTask(
  ecs: EcsSender,
  workspace: WorkspaceConfig,
  target: ExecTarget,
  taskId?: string,
): Promise<Task> {
  if (target.ecsServices.length > 0) {
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: target.cluster, services: target.ecsServices }),
    );
    const active = (services ?? []).filter((s) => s.status !== "INACTIVE");
    if (active.length === 0) {
      throw new CommandFailure(
        `ECS service ${target.ecsServices.join(" / ")} not found in ${target.cluster}; deploy the workspace first`,
        EXEC_EXIT.notFound,
      );
    }
    const off = active.filter((s) => !s.enableExecuteCommand).map((s) => s.serviceName);
    if (off.length > 0) {
      throw new CommandFailure(
        `ECS Exec is not enabled on ${off.join(", ")}. Set cluster.execEnabled: true in ${workspace.file} and deploy ` +
          `(npx cdktf deploy ${workspace.name}); tasks started before that cannot be exec'd into, so the deploy's new ` +
          `tasks are the ones to use.`,
        EXEC_EXIT.notReady,
      );
    }
  }
  let taskArns: string[];
  if (taskId) {
    taskArns = [taskId];
  } else {
    const lists = target.family
      ? [
          await ecs.send(
            new ListTasksCommand({ cluster: target.cluster, family: target.family, desiredStatus: "RUNNING" }),
          ),
        ]
      : await Promise.all(
          target.ecsServices.map((s) =>
            ecs.send(new ListTasksCommand({ cluster: target.cluster, serviceName: s, desiredStatus: "RUNNING" })),
          ),
        );
    taskArns = lists.flatMap((l) => l.taskArns ?? []);
  }
  if (taskArns.length === 0) {
    throw new CommandFailure(
      target.family
        ? `No maintenance task runs in ${target.cluster}; start one with: npm run task -- ${workspace.name} maintenance`
        : `No running task of ${target.ecsServices.join(" / ")} in ${target.cluster}`,
      EXEC_EXIT.notFound,
    );
  }
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: target.cluster, tasks: taskArns }));
  const running = (tasks ?? []).filter((t) => t.lastStatus === "RUNNING");
  const task = running[0];
  if (!task) {
    throw new CommandFailure(
      `Task ${taskArns[0]} is not running (${tasks?.[0]?.lastStatus ?? "unknown"})`,
      EXEC_EXIT.notFound,
    );
  }
  if (!task.enableExecuteCommand) {
    throw new CommandFailure(
      `Task ${task.taskArn} was started without ECS Exec; start a new one (a new deployment, or npm run task -- ` +
        `${workspace.name} maintenance) and exec into that.`,
      EXEC_EXIT.notReady,
    );
  }
  const container = task.containers?.find((c) => c.name === target.container);
  const agent = container?.managedAgents?.find((a) => a.name === "ExecuteCommandAgent");
  if (agent && agent.lastStatus !== "RUNNING") {
    throw new CommandFailure(
      `The exec agent of container ${target.container} in ${task.taskArn} is ${agent.lastStatus ?? "not running"}` +
        `${agent.reason ? ` (${agent.reason})` : ""}; wait a minute after the task starts, and check the task role ` +
        `allows ssmmessages:*.`,
      EXEC_EXIT.notReady,
    );
  }
  return task;
}

export interface ExecOptions {
  readonly ecs: EcsSender;
  readonly workspace: WorkspaceConfig;
  readonly target: ExecTarget;
  readonly taskId?: string;
  readonly command: string;
  readonly log: (line: string) => void;
  /** Where the plugin is; undefined when it is missing. */
  readonly pluginPath: string | undefined;
  /** Runs the plugin with its arguments and returns its exit code. */
  readonly runPlugin?: (path: string, args: string[]) => number;
  /** The ECS endpoint the plugin reports to. */
  readonly endpoint: string;
}

/** Checks, picks a task, calls ExecuteCommand and hands the session to the Session Manager plugin. */
export async function execInto(options: ExecOptions): Promise<number> {
  const { ecs, workspace, target, log } = options;
  if (!options.pluginPath) throw new CommandFailure(PLUGIN_MISSING, EXEC_EXIT.notReady);
  const task = await chooseTask(ecs, workspace, target, options.taskId);
  const taskArn = task.taskArn!;
  log(`Exec into ${taskArn}, container ${target.container}: ${options.command}`);
  const { session } = await ecs.send(
    new ExecuteCommandCommand({
      cluster: target.cluster,
      task: taskArn,
      container: target.container,
      interactive: true,
      command: options.command,
    }),
  );
  const runtimeId = task.containers?.find((c) => c.name === target.container)?.runtimeId;
  const taskId = taskArn.split("/").pop();
  const run = options.runPlugin ?? ((path, args) => spawnSync(path, args, { stdio: "inherit" }).status ?? 1);
  // The same arguments the AWS CLI passes to the plugin for `aws ecs execute-command`.
  return run(options.pluginPath, [
    JSON.stringify(session),
    workspace.region,
    "StartSession",
    "",
    JSON.stringify({ Target: `ecs:${target.cluster}_${taskId}_${runtimeId}` }),
    options.endpoint,
  ]);
}
