import {
  CapacityProviderStrategyItem,
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  LaunchType,
  RunTaskCommand,
  RunTaskCommandInput,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { ServiceConfig, WorkspaceConfig } from "../../src/config";
import { clusterName, imageParameter, migrationFamily, serviceName } from "../../src/naming";
import { CommandFailure } from "./cli";

/**
 * Runs a one-off task of a service (`npm run task`): in the service's own subnets and security groups, on its
 * capacity, and waits for it to stop. scripts/task.ts is the command line around it.
 */

/** Exit codes of `npm run task`; a task's own exit code 1-125 is passed through as well. */
export const EXIT = {
  succeeded: 0,
  /** The task failed without an exit code of its own (or with one outside 1-125), or the command itself failed. */
  failed: 1,
  usage: 2,
  notFound: 3,
  timedOut: 4,
} as const;

/** The task's own exit codes passed through unchanged; above 125 a shell reads the code as "not run" or a signal. */
export const PASSED_THROUGH_EXIT_CODES = { min: 1, max: 125 } as const;

/** ECS `startedBy` of every task this command starts, to find them with `aws ecs list-tasks --started-by`. */
export const STARTED_BY = "npm-run-task";

export const DEFAULT_TIMEOUT_SECONDS = 900;

/** DescribeTasks polling: first look after 1 s, then 1.5 times longer each time, at most every 15 s. */
export const DEFAULT_POLL = { initialDelayMs: 1_000, factor: 1.5, maxDelayMs: 15_000 } as const;

/** A problem with what the user asked for (exit 2) or with what exists in the account (exit 3). */
export class TaskCommandError extends CommandFailure {}

const usageError = (message: string) => new TaskCommandError(message, EXIT.usage);
const notFoundError = (message: string) => new TaskCommandError(message, EXIT.notFound);

// ---------------------------------------------------------------------------------------------------------------
// What to run
// ---------------------------------------------------------------------------------------------------------------

/** The one-off tasks a service can declare, by the name given on the command line. */
export const ONE_OFF_TASKS = ["migrate"] as const;
export type OneOffTaskName = (typeof ONE_OFF_TASKS)[number];

export interface OneOffTask {
  readonly task: OneOffTaskName;
  readonly service: ServiceConfig;
  readonly cluster: string;
  /** The ECS service whose network configuration and capacity the task borrows. */
  readonly ecsService: string;
  /** Task definition family; the latest ACTIVE revision runs. */
  readonly family: string;
  /** The container whose exit code is the task's. */
  readonly containerName: string;
  /** ECS `group` of the task, e.g. "task:migrate". */
  readonly group: string;
}

/** Finds the task in the configuration; unknown names are usage errors that list what would be valid. */
export function resolveOneOffTask(workspace: WorkspaceConfig, service: string, task: string): OneOffTask {
  const svc = workspace.services.find((s) => s.name === service);
  if (!svc) {
    throw usageError(
      `No service "${service}" in workspace ${workspace.name} (${workspace.file}); ` +
        `expected one of ${workspace.services.map((s) => s.name).join(", ")}`,
    );
  }
  if (!(ONE_OFF_TASKS as readonly string[]).includes(task)) {
    throw usageError(`Unknown task "${task}"; expected one of ${ONE_OFF_TASKS.join(", ")}`);
  }
  if (!svc.migration) {
    const withMigration = workspace.services.filter((s) => s.migration).map((s) => s.name);
    throw usageError(
      `Service "${svc.name}" declares no migration task (services[].migration in ${workspace.file}); ` +
        (withMigration.length > 0
          ? `services with one: ${withMigration.join(", ")}`
          : `no service in workspace ${workspace.name} declares one`),
    );
  }
  const prefix = workspace.namePrefix;
  return {
    task: "migrate",
    service: svc,
    cluster: clusterName(prefix),
    ecsService: serviceName(prefix, svc.name),
    family: migrationFamily(prefix, svc.name),
    // The stacks name a service's container after the service itself (services[].name), in both families.
    containerName: svc.name,
    group: `task:${task}`,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Where to run it: the service's own placement
// ---------------------------------------------------------------------------------------------------------------

export interface ServicePlacement {
  readonly subnets: string[];
  readonly securityGroups: string[];
  /** The service's capacity provider strategy; empty when it uses a launch type or the cluster's default. */
  readonly capacityProviderStrategy: CapacityProviderStrategyItem[];
  readonly launchType?: LaunchType;
  readonly platformVersion?: string;
}

type EcsSender = Pick<ECSClient, "send">;

/** Reads the ECS service's network configuration and capacity (DescribeServices). */
export async function servicePlacement(ecs: EcsSender, cluster: string, service: string): Promise<ServicePlacement> {
  const { services, failures } = await ecs
    .send(new DescribeServicesCommand({ cluster, services: [service] }))
    .catch((err: unknown) => {
      if (err instanceof ClusterNotFoundException || (err as Error).name === "ClusterNotFoundException") {
        throw notFoundError(`ECS cluster ${cluster} not found; has the workspace been deployed (npx cdktf deploy)?`);
      }
      throw err;
    });
  const found = services?.find((s) => s.serviceName === service && s.status !== "INACTIVE");
  if (!found) {
    const reason = failures?.[0]?.reason ?? (services?.length ? "INACTIVE" : "MISSING");
    throw notFoundError(
      `ECS service ${service} not found in cluster ${cluster} (${reason}); has the workspace been deployed?`,
    );
  }
  const awsvpc = found.networkConfiguration?.awsvpcConfiguration;
  if (!awsvpc?.subnets?.length) {
    throw new TaskCommandError(
      `ECS service ${service} has no awsvpc network configuration; the task cannot borrow its subnets and security groups`,
      EXIT.failed,
    );
  }
  return {
    subnets: awsvpc.subnets,
    securityGroups: awsvpc.securityGroups ?? [],
    capacityProviderStrategy: found.capacityProviderStrategy ?? [],
    launchType: found.capacityProviderStrategy?.length ? undefined : found.launchType,
    platformVersion: found.platformVersion,
  };
}

/** The latest ACTIVE revision of a family (DescribeTaskDefinition); a missing family is "not found". */
export async function latestTaskDefinition(ecs: EcsSender, family: string): Promise<TaskDefinition> {
  try {
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
    if (taskDefinition) return taskDefinition;
  } catch (err) {
    // ECS answers a family without an ACTIVE revision with ClientException "Unable to describe task definition."
    if ((err as Error).name !== "ClientException") throw err;
  }
  throw notFoundError(
    `Task definition family ${family} not found (no ACTIVE revision); has the workspace been deployed?`,
  );
}

/** RunTask's input: the service's subnets and security groups, never a public IP, the service's capacity. */
export function runTaskInput(
  oneOff: OneOffTask,
  taskDefinitionArn: string,
  placement: ServicePlacement,
): RunTaskCommandInput {
  return {
    cluster: oneOff.cluster,
    taskDefinition: taskDefinitionArn,
    count: 1,
    startedBy: STARTED_BY,
    group: oneOff.group,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: placement.subnets,
        securityGroups: placement.securityGroups,
        assignPublicIp: "DISABLED",
      },
    },
    ...(placement.capacityProviderStrategy.length > 0
      ? { capacityProviderStrategy: placement.capacityProviderStrategy }
      : placement.launchType
        ? { launchType: placement.launchType }
        : {}),
    ...(placement.platformVersion ? { platformVersion: placement.platformVersion } : {}),
    propagateTags: "TASK_DEFINITION",
  };
}

function describeCapacity(placement: ServicePlacement): string {
  if (placement.capacityProviderStrategy.length > 0) {
    return placement.capacityProviderStrategy
      .map((item) => `${item.capacityProvider} weight ${item.weight ?? 0}${item.base ? ` base ${item.base}` : ""}`)
      .join(", ");
  }
  return placement.launchType ?? "the cluster's default capacity provider strategy";
}

// ---------------------------------------------------------------------------------------------------------------
// Waiting and the outcome
// ---------------------------------------------------------------------------------------------------------------

export interface WaitOptions {
  readonly timeoutMs: number;
  /** The status already known (from RunTask), so that only changes are reported. */
  readonly initialStatus?: string;
  readonly initialDelayMs?: number;
  readonly factor?: number;
  readonly maxDelayMs?: number;
  /** Called when the task's lastStatus changes. */
  readonly onStatus?: (status: string, elapsedMs: number) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export type WaitResult =
  | { readonly stopped: true; readonly task: Task; readonly elapsedMs: number }
  | { readonly stopped: false; readonly lastStatus?: string; readonly elapsedMs: number };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls DescribeTasks with growing intervals until the task is STOPPED or the timeout has passed. */
export async function waitForTaskToStop(
  ecs: EcsSender,
  cluster: string,
  taskArn: string,
  options: WaitOptions,
): Promise<WaitResult> {
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const factor = options.factor ?? DEFAULT_POLL.factor;
  const maxDelay = options.maxDelayMs ?? DEFAULT_POLL.maxDelayMs;
  const start = now();
  const deadline = start + options.timeoutMs;
  let delay = options.initialDelayMs ?? DEFAULT_POLL.initialDelayMs;
  let lastStatus = options.initialStatus;
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) return { stopped: false, lastStatus, elapsedMs: now() - start };
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * factor, maxDelay);
    const { tasks, failures } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
    const task = tasks?.find((t) => t.taskArn === taskArn) ?? tasks?.[0];
    if (!task) {
      throw new Error(`DescribeTasks does not know task ${taskArn} (${failures?.[0]?.reason ?? "no reason given"})`);
    }
    if (task.lastStatus && task.lastStatus !== lastStatus) {
      lastStatus = task.lastStatus;
      options.onStatus?.(lastStatus, now() - start);
    }
    if (task.lastStatus === "STOPPED") return { stopped: true, task, elapsedMs: now() - start };
  }
}

export interface TaskOutcome {
  /** What the command exits with. */
  readonly exitCode: number;
  /** The container's own exit code, when it has one. */
  readonly containerExitCode?: number;
  /** What to tell the user, one line each. */
  readonly lines: string[];
}

/**
 * Maps a STOPPED task to the command's exit code: the container's exit code when it is 0 or 1-125, else 1 (no exit
 * code, e.g. the task never started, or one a shell would read as "not run" or a signal, such as 137).
 */
export function taskOutcome(task: Task, containerName: string): TaskOutcome {
  const containers = task.containers ?? [];
  const container =
    containers.find((c) => c.name === containerName) ?? (containers.length === 1 ? containers[0] : undefined);
  const lines: string[] = [];
  const stopped = [task.stopCode, task.stoppedReason].filter((part) => part !== undefined && part !== "").join(": ");
  if (stopped !== "") lines.push(`Stopped: ${stopped}`);
  if (container?.reason) lines.push(`Container ${container.name}: ${container.reason}`);
  const code = container?.exitCode;
  if (typeof code !== "number") {
    const which = container ? `container ${container.name}` : `container ${containerName} (not in the task)`;
    lines.push(`The task stopped without an exit code from ${which}${stopped === "" ? "" : "; see the reason above"}.`);
    return { exitCode: EXIT.failed, lines };
  }
  if (code === 0) {
    lines.push(`Container ${container!.name} exited with 0: the task succeeded.`);
    return { exitCode: EXIT.succeeded, containerExitCode: 0, lines };
  }
  if (code >= PASSED_THROUGH_EXIT_CODES.min && code <= PASSED_THROUGH_EXIT_CODES.max) {
    lines.push(`Container ${container!.name} exited with ${code}: the task failed.`);
    return { exitCode: code, containerExitCode: code, lines };
  }
  const signal = code - 128;
  const hint =
    signal > 0 && signal < 65
      ? ` (128 + ${signal}: killed by signal ${signal}${signal === 9 ? ", e.g. out of memory" : ""})`
      : "";
  lines.push(
    `Container ${container!.name} exited with ${code}${hint}: the task failed; reported as exit code ${EXIT.failed}.`,
  );
  return { exitCode: EXIT.failed, containerExitCode: code, lines };
}

// ---------------------------------------------------------------------------------------------------------------
// Telling the user where things are
// ---------------------------------------------------------------------------------------------------------------

const taskId = (taskArn: string) => taskArn.split("/").pop() ?? taskArn;

/** Where the container's logs go, from its log configuration (awslogs: group and stream `<prefix>/<container>/<task id>`). */
export function logLocation(
  taskDefinition: TaskDefinition,
  containerName: string,
  taskArn: string,
  region: string,
): string[] {
  const containers = taskDefinition.containerDefinitions ?? [];
  const container =
    containers.find((c) => c.name === containerName) ?? (containers.length === 1 ? containers[0] : undefined);
  const config = container?.logConfiguration;
  if (!config) return [`Logs: container ${containerName} has no log configuration; its output is not kept.`];
  if (config.logDriver !== "awslogs") return [`Logs: container ${container!.name} logs through ${config.logDriver}.`];
  const group = config.options?.["awslogs-group"];
  const prefix = config.options?.["awslogs-stream-prefix"];
  const logRegion = config.options?.["awslogs-region"] ?? region;
  if (!group) return [`Logs: container ${container!.name} logs to CloudWatch Logs, but its log group is not named.`];
  if (!prefix)
    return [
      `Logs: CloudWatch Logs group ${group} (${logRegion}); no stream prefix, so ECS names the stream after the container's ID.`,
    ];
  const stream = `${prefix}/${container!.name}/${taskId(taskArn)}`;
  return [
    `Logs: CloudWatch Logs group ${group}, stream ${stream} (${logRegion})`,
    `  follow: aws logs tail ${group} --log-stream-names ${stream} --follow --region ${logRegion}`,
  ];
}

/** How to stop a task this command left running. */
export function stopHint(cluster: string, taskArn: string, region: string): string {
  return `aws ecs stop-task --cluster ${cluster} --task ${taskId(taskArn)} --region ${region} --reason "stopped by hand"`;
}

// ---------------------------------------------------------------------------------------------------------------
// The whole run
// ---------------------------------------------------------------------------------------------------------------

export interface RunOneOffTaskOptions {
  readonly ecs: EcsSender;
  /** For the image-tag check; without it the check is skipped. */
  readonly ssm?: Pick<SSMClient, "send">;
  readonly project: string;
  readonly workspace: WorkspaceConfig;
  readonly oneOff: OneOffTask;
  readonly timeoutSeconds: number;
  readonly log: (line: string) => void;
  /** Called once the task exists (e.g. to tell the user how to stop it on Ctrl-C). */
  readonly onStarted?: (taskArn: string) => void;
  readonly poll?: Omit<WaitOptions, "timeoutMs" | "onStatus">;
}

/** Starts the task, waits for it, and returns the exit code of the command (see EXIT and taskOutcome). */
export async function runOneOffTask(options: RunOneOffTaskOptions): Promise<number> {
  const { ecs, oneOff, workspace, log } = options;
  const region = workspace.region;
  log(
    `Task ${oneOff.task} of service ${oneOff.service.name} in ${workspace.name} (account ${workspace.accountId}, ${region})`,
  );

  const placement = await servicePlacement(ecs, oneOff.cluster, oneOff.ecsService);
  const taskDefinition = await latestTaskDefinition(ecs, oneOff.family);
  const taskDefinitionArn = taskDefinition.taskDefinitionArn!;
  log(`  task definition: ${taskDefinitionArn}`);
  const image = imageOf(taskDefinition, oneOff.containerName);
  if (image) log(`  image: ${image}`);
  if (options.ssm && image) await checkImage(options.ssm, options.project, workspace, oneOff, image, log);
  log(`  network: the service ${oneOff.ecsService}'s subnets ${placement.subnets.join(", ")}`);
  log(`           and security groups ${placement.securityGroups.join(", ") || "(none)"}; no public IP`);
  log(`  capacity: ${describeCapacity(placement)}`);

  const run = await ecs.send(new RunTaskCommand(runTaskInput(oneOff, taskDefinitionArn, placement)));
  const started = run.tasks?.[0];
  if (!started?.taskArn) {
    const reasons = (run.failures ?? []).map((f) => `${f.arn ?? ""} ${f.reason ?? ""} ${f.detail ?? ""}`.trim());
    log(`RunTask started no task: ${reasons.join("; ") || "no reason given"}`);
    return EXIT.failed;
  }
  const taskArn = started.taskArn;
  options.onStarted?.(taskArn);
  log(`Started ${taskArn}`);
  logLocation(taskDefinition, oneOff.containerName, taskArn, region).forEach((line) => log(line));
  log(`Waiting for it to stop (at most ${options.timeoutSeconds} s)...`);
  const progress = (status: string, ms: number) => log(`  [${String(Math.round(ms / 1000)).padStart(4)} s] ${status}`);
  if (started.lastStatus) progress(started.lastStatus, 0);

  const result = await waitForTaskToStop(ecs, oneOff.cluster, taskArn, {
    ...options.poll,
    timeoutMs: options.timeoutSeconds * 1000,
    initialStatus: started.lastStatus,
    onStatus: progress,
  });
  if (!result.stopped) {
    log(
      `Timed out after ${options.timeoutSeconds} s; the task is still ${result.lastStatus ?? "starting"} and keeps running.`,
    );
    log(`  stop it with: ${stopHint(oneOff.cluster, taskArn, region)}`);
    log(`  (with credentials for account ${workspace.accountId})`);
    return EXIT.timedOut;
  }
  const outcome = taskOutcome(result.task, oneOff.containerName);
  outcome.lines.forEach((line) => log(line));
  return outcome.exitCode;
}

function imageOf(taskDefinition: TaskDefinition, containerName: string): string | undefined {
  const containers = taskDefinition.containerDefinitions ?? [];
  return (containers.find((c) => c.name === containerName) ?? containers[0])?.image;
}

/**
 * Warns when the task definition does not run the image the service was last released with (a release registers the
 * migration task's revision too; a difference means someone changed one of them by hand).
 */
async function checkImage(
  ssm: Pick<SSMClient, "send">,
  project: string,
  workspace: WorkspaceConfig,
  oneOff: OneOffTask,
  image: string,
  log: (line: string) => void,
): Promise<void> {
  const parameter = imageParameter(project, workspace.name, oneOff.service.name);
  let released: string | undefined;
  try {
    released = (await ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
  } catch (err) {
    log(`  (could not read ${parameter} to compare images: ${(err as Error).message})`);
    return;
  }
  if (released !== undefined && released !== image) {
    log(`  warning: ${parameter} holds ${released}, but this task definition runs ${image};`);
    log(
      `           release again (npm run release -- ${workspace.name} ${oneOff.service.name} <tag>) to run the task with the released image.`,
    );
  }
}
