import { DescribeTasksCommand, ECSClient, RunTaskCommand, RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { WorkspaceConfig } from "../../src/config";
import { MAINTENANCE_CONTAINER } from "../../src/constructs/maintenance-task";
import { clusterName, maintenanceFamily, maintenanceNetworkParameter } from "../../src/naming";
import { EXIT, latestTaskDefinition, STARTED_BY, stopHint, TaskCommandError } from "./run-task";

/**
 * `npm run task -- <workspace> maintenance`: starts the maintenance task (the database client container) in its
 * own security group, with ECS Exec on, waits until it runs and says how to get a shell in it. The task stops
 * itself after the configured idle minutes without a session (cluster.maintenanceTask.idleMinutes).
 */

/** The ECS group of maintenance tasks. */
export const MAINTENANCE_GROUP = "task:maintenance";

export interface MaintenanceNetwork {
  readonly subnets: string[];
  readonly securityGroups: string[];
}

/** Reads where the maintenance task runs from the parameter the stack writes. */
export async function maintenanceNetwork(
  ssm: Pick<SSMClient, "send">,
  project: string,
  workspace: WorkspaceConfig,
): Promise<MaintenanceNetwork> {
  const name = maintenanceNetworkParameter(project, workspace.name);
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (err) {
    if ((err as Error).name !== "ParameterNotFound") throw err;
  }
  if (!value) {
    throw new TaskCommandError(
      `${name} does not exist; has the workspace been deployed with cluster.maintenanceTask.enabled?`,
      EXIT.notFound,
    );
  }
  const parsed = JSON.parse(value) as Partial<MaintenanceNetwork>;
  if (!parsed.subnets?.length || !parsed.securityGroups?.length) {
    throw new TaskCommandError(`${name} names no subnets or security groups: ${value}`, EXIT.failed);
  }
  return { subnets: parsed.subnets, securityGroups: parsed.securityGroups };
}

/** RunTask's input: Fargate, the task's own security group, no public IP, ECS Exec on. */
export function maintenanceRunInput(
  workspace: WorkspaceConfig,
  taskDefinitionArn: string,
  network: MaintenanceNetwork,
): RunTaskCommandInput {
  return {
    cluster: clusterName(workspace.namePrefix),
    taskDefinition: taskDefinitionArn,
    count: 1,
    launchType: "FARGATE",
    startedBy: STARTED_BY,
    group: MAINTENANCE_GROUP,
    enableExecuteCommand: true,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: network.subnets,
        securityGroups: network.securityGroups,
        assignPublicIp: "DISABLED",
      },
    },
    propagateTags: "TASK_DEFINITION",
  };
}

/** How to get a shell in a running maintenance task, and how to stop it. */
export function maintenanceHints(workspace: WorkspaceConfig, taskArn: string, idleMinutes: number): string[] {
  const cluster = clusterName(workspace.namePrefix);
  const id = taskArn.split("/").pop()!;
  return [
    `Open a shell in it:`,
    `  npm run exec -- ${workspace.name} maintenance --task ${id}`,
    `  (or: aws ecs execute-command --cluster ${cluster} --task ${id} --container ${MAINTENANCE_CONTAINER} --interactive --command sh --region ${workspace.region})`,
    `It stops itself after ${idleMinutes} minutes without a session. Stop it sooner with:`,
    `  ${stopHint(cluster, taskArn, workspace.region)}`,
  ];
}

export interface StartMaintenanceOptions {
  readonly ecs: Pick<ECSClient, "send">;
  readonly ssm: Pick<SSMClient, "send">;
  readonly project: string;
  readonly workspace: WorkspaceConfig;
  readonly timeoutSeconds: number;
  readonly log: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** Starts the maintenance task and waits until it runs; returns the command's exit code. */
export async function startMaintenanceTask(options: StartMaintenanceOptions): Promise<number> {
  const { ecs, workspace, log } = options;
  const settings = workspace.cluster.maintenanceTask;
  if (!settings?.enabled) {
    throw new TaskCommandError(
      `Workspace ${workspace.name} has no maintenance task; set cluster.maintenanceTask.enabled: true in ${workspace.file} and deploy`,
      EXIT.usage,
    );
  }
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const cluster = clusterName(workspace.namePrefix);
  const network = await maintenanceNetwork(options.ssm, options.project, workspace);
  const taskDefinition = await latestTaskDefinition(ecs, maintenanceFamily(workspace.namePrefix));
  log(`Maintenance task of ${workspace.name}: ${taskDefinition.taskDefinitionArn}`);
  const run = await ecs.send(
    new RunTaskCommand(maintenanceRunInput(workspace, taskDefinition.taskDefinitionArn!, network)),
  );
  const taskArn = run.tasks?.[0]?.taskArn;
  if (!taskArn) {
    const reasons = (run.failures ?? []).map((f) => `${f.arn ?? ""} ${f.reason ?? ""}`.trim());
    log(`RunTask started no task: ${reasons.join("; ") || "no reason given"}`);
    return EXIT.failed;
  }
  log(`Started ${taskArn}; waiting until it runs (at most ${options.timeoutSeconds} s)...`);
  const deadline = now() + options.timeoutSeconds * 1000;
  let status = run.tasks?.[0]?.lastStatus;
  while (status !== "RUNNING") {
    if (status === "STOPPED") {
      log(`The task stopped before it ran; see: aws ecs describe-tasks --cluster ${cluster} --tasks ${taskArn}`);
      return EXIT.failed;
    }
    if (now() >= deadline) {
      log(`Still ${status ?? "starting"} after ${options.timeoutSeconds} s; it may run later.`);
      maintenanceHints(workspace, taskArn, settings.idleMinutes).forEach((line) => log(line));
      return EXIT.timedOut;
    }
    await sleep(2_000);
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    status = tasks?.[0]?.lastStatus;
  }
  log(`Running.`);
  maintenanceHints(workspace, taskArn, settings.idleMinutes).forEach((line) => log(line));
  return EXIT.succeeded;
}
