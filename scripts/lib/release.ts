/**
 * Releasing an image to a service without Terraform: the tag is resolved to its digest in the service's repository,
 * the service's current task definition is registered again with only the image changed (pinned by digest), the
 * service moves to it, the image parameters the stack reads are written, and the rollout is watched until ECS says
 * it completed, failed, or rolled back. Every release is recorded in the workspace's releases table.
 *
 * Why the stack stays drift-free: its task definitions read the image from the same parameter (`IMAGE`) and track
 * the latest revision of their family, so after a release Terraform sees exactly what it would have built, and a
 * later infrastructure change registers a revision with the released image, never an older one.
 */
import { randomBytes } from "crypto";
import {
  DescribeImagesCommand,
  ECRClient,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from "@aws-sdk/client-ecr";
import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RegisterTaskDefinitionCommandInput,
  Service,
  Tag,
  TaskDefinition,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { DescribeTargetHealthCommand, ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import {
  AttributeValue,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { ServiceConfig, WorkspaceConfig } from "../../src/config";
import {
  clusterName,
  imageParameter,
  imageTagParameter,
  migrationFamily,
  releasesTableName,
  repositoryName,
  serviceName,
} from "../../src/naming";
import { CommandFailure } from "./cli";

/** Exit codes of `npm run release` and `npm run rollback`. */
export const RELEASE_EXIT = {
  completed: 0,
  failed: 1,
  usage: 2,
  /** The tag, the repository, the service or an earlier release does not exist. */
  notFound: 3,
  /** The rollout did not finish in time; it goes on. */
  timedOut: 4,
  /** ECS reported the deployment failed, or the circuit breaker (or an alarm) rolled it back. */
  rolloutFailed: 5,
} as const;

export type ReleaseOutcome =
  | "IN_PROGRESS"
  | "STARTED"
  | "COMPLETED"
  | "FAILED"
  | "ROLLED_BACK"
  | "TIMED_OUT"
  /** Blue/green: validated on the standby colour, waiting for a promotion. */
  | "READY"
  /** Blue/green: production traffic is being shifted. */
  | "PROMOTING"
  /** Blue/green: all traffic on the new colour, the previous one still warm. */
  | "PROMOTED"
  /** Blue/green: taken out before the promotion completed. */
  | "ABORTED";

/** One item of the releases table. */
export interface ReleaseRecord {
  readonly service: string;
  /** Time-ordered: `<startedAt>#<random>`. */
  readonly id: string;
  readonly kind: "release" | "rollback";
  readonly tag: string;
  readonly digest: string;
  /** `<repository>@<digest>`. */
  readonly image: string;
  readonly taskDefinition: string;
  readonly previousTaskDefinition: string;
  readonly previousImage: string;
  readonly previousTag: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** ARN of whoever released (CloudTrail shows the same). */
  readonly caller: string;
  readonly outcome: ReleaseOutcome;
  readonly reason?: string;
  /** Blue/green: the colour the release deployed to, and the one that was live. */
  readonly slot?: string;
  readonly previousSlot?: string;
}

export interface ReleaseClients {
  readonly ecs: Pick<ECSClient, "send">;
  readonly ecr: Pick<ECRClient, "send">;
  readonly ssm: Pick<SSMClient, "send">;
  readonly dynamodb: Pick<DynamoDBClient, "send">;
  readonly elbv2: Pick<ElasticLoadBalancingV2Client, "send">;
  readonly sts: Pick<STSClient, "send">;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Poll DescribeServices every 5 s at first, then every 15 s. */
export const POLL = { firstMs: 5_000, laterMs: 15_000, switchAfterMs: 60_000 } as const;

/** Names of everything a release of one service touches, all derived from src/naming.ts as the stack derives them. */
export interface ReleaseTarget {
  readonly workspace: WorkspaceConfig;
  readonly service: ServiceConfig;
  readonly cluster: string;
  readonly ecsService: string;
  readonly container: string;
  readonly repository: string;
  readonly families: string[];
  readonly imageParameter: string;
  readonly imageTagParameter: string;
  readonly table: string;
}

export function releaseTarget(project: string, workspace: WorkspaceConfig, service: ServiceConfig): ReleaseTarget {
  const prefix = workspace.namePrefix;
  return {
    workspace,
    service,
    cluster: clusterName(prefix),
    ecsService: serviceName(prefix, service.name),
    container: service.name,
    repository: repositoryName(project, workspace.name, service.name),
    families: [
      serviceName(prefix, service.name),
      ...(service.migration ? [migrationFamily(prefix, service.name)] : []),
    ],
    imageParameter: imageParameter(project, workspace.name, service.name),
    imageTagParameter: imageTagParameter(project, workspace.name, service.name),
    table: releasesTableName(prefix),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The image
// ---------------------------------------------------------------------------------------------------------------

/** The digest of a tag in the service's repository; CommandFailure (exit 3) when there is no such tag. */
export async function resolveDigest(ecr: Pick<ECRClient, "send">, target: ReleaseTarget, tag: string): Promise<string> {
  try {
    const { imageDetails } = await ecr.send(
      new DescribeImagesCommand({ repositoryName: target.repository, imageIds: [{ imageTag: tag }] }),
    );
    const digest = imageDetails?.[0]?.imageDigest;
    if (!digest) throw new CommandFailure(`No image tagged "${tag}" in ${target.repository}.`, RELEASE_EXIT.notFound);
    return digest;
  } catch (err) {
    if (err instanceof ImageNotFoundException || (err as Error).name === "ImageNotFoundException") {
      throw new CommandFailure(
        `No image tagged "${tag}" in the repository ${target.repository}; push it first ` +
          `(docker push <repository_url>:${tag}). Nothing was changed.`,
        RELEASE_EXIT.notFound,
      );
    }
    if (err instanceof RepositoryNotFoundException || (err as Error).name === "RepositoryNotFoundException") {
      throw new CommandFailure(
        `The repository ${target.repository} does not exist; deploy the workspace first (npx cdktf deploy ${target.workspace.name}).`,
        RELEASE_EXIT.notFound,
      );
    }
    throw err;
  }
}

/** The repository part of an image reference (`host/repo:tag` or `host/repo@sha256:...`). */
export function repositoryOf(image: string): string {
  const at = image.indexOf("@");
  if (at !== -1) return image.slice(0, at);
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > lastSlash ? image.slice(0, colon) : image;
}

/** The digest of an image reference pinned by digest, or undefined. */
export function digestOf(image: string): string | undefined {
  const at = image.indexOf("@");
  return at === -1 ? undefined : image.slice(at + 1);
}

export async function readParameter(ssm: Pick<SSMClient, "send">, name: string): Promise<string | undefined> {
  try {
    return (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (err) {
    if (err instanceof ParameterNotFound || (err as Error).name === "ParameterNotFound") return undefined;
    throw err;
  }
}

export async function writeParameter(ssm: Pick<SSMClient, "send">, name: string, value: string): Promise<void> {
  await ssm.send(new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: true }));
}

// ---------------------------------------------------------------------------------------------------------------
// Task definitions
// ---------------------------------------------------------------------------------------------------------------

/** The fields of a described task definition that RegisterTaskDefinition takes back. */
const REGISTERABLE: (keyof RegisterTaskDefinitionCommandInput & keyof TaskDefinition)[] = [
  "family",
  "taskRoleArn",
  "executionRoleArn",
  "networkMode",
  "containerDefinitions",
  "volumes",
  "placementConstraints",
  "requiresCompatibilities",
  "cpu",
  "memory",
  "pidMode",
  "ipcMode",
  "proxyConfiguration",
  "inferenceAccelerators",
  "ephemeralStorage",
  "runtimePlatform",
  "enableFaultInjection",
];

/** The registration of `current` again, with only the image of `container` replaced. */
export function withImage(
  current: TaskDefinition,
  tags: Tag[] | undefined,
  container: string,
  image: string,
): RegisterTaskDefinitionCommandInput {
  const input: Record<string, unknown> = {};
  for (const key of REGISTERABLE) if (current[key] !== undefined) input[key] = current[key];
  const containers = current.containerDefinitions ?? [];
  if (!containers.some((c) => c.name === container)) {
    throw new Error(`${current.taskDefinitionArn} has no container named ${container}`);
  }
  input.containerDefinitions = containers.map((c) => (c.name === container ? { ...c, image } : c));
  if (tags && tags.length > 0) input.tags = tags;
  return input as unknown as RegisterTaskDefinitionCommandInput;
}

export async function registerWithImage(
  ecs: Pick<ECSClient, "send">,
  familyOrArn: string,
  container: string,
  image: string,
): Promise<string> {
  const described = await ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: familyOrArn, include: ["TAGS"] }),
  );
  if (!described.taskDefinition) throw new Error(`task definition ${familyOrArn} not found`);
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand(withImage(described.taskDefinition, described.tags, container, image)),
  );
  const arn = registered.taskDefinition?.taskDefinitionArn;
  if (!arn) throw new Error(`registering a new revision of ${familyOrArn} returned no ARN`);
  return arn;
}

// ---------------------------------------------------------------------------------------------------------------
// Watching a rollout
// ---------------------------------------------------------------------------------------------------------------

export type RolloutState = "in-progress" | "completed" | "failed" | "rolled-back";

export interface RolloutStatus {
  readonly state: RolloutState;
  readonly running: number;
  readonly desired: number;
  readonly pending: number;
  readonly failedTasks: number;
  /** ECS's own words, when it gave any. */
  readonly reason?: string;
  /** The deployment alarms that failed the rollout, when ECS says alarms did. */
  readonly trippedAlarms?: string[];
}

/**
 * The alarms named in a deployment's rolloutStateReason ("ECS deployment detected triggered alarm(s): a, b."), or
 * undefined when something else (the circuit breaker) ended the rollout.
 */
export function trippedAlarms(reason: string | undefined): string[] | undefined {
  const match = /triggered alarm\(s\):\s*(.+?)\.?\s*$/.exec(reason ?? "");
  if (!match) return undefined;
  return match[1]
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/**
 * Where the rollout to `taskDefinition` stands, from one DescribeServices answer: completed when its deployment is
 * the only one and COMPLETED; rolled back when the service runs another task definition again; failed when ECS
 * marked the deployment FAILED.
 */
export function rolloutStatus(service: Service, taskDefinition: string): RolloutStatus {
  const deployments = service.deployments ?? [];
  const ours = deployments.find((d) => d.taskDefinition === taskDefinition);
  const counts = {
    running: ours?.runningCount ?? service.runningCount ?? 0,
    desired: ours?.desiredCount ?? service.desiredCount ?? 0,
    pending: ours?.pendingCount ?? service.pendingCount ?? 0,
    failedTasks: ours?.failedTasks ?? 0,
  };
  const reason = ours?.rolloutStateReason;
  const alarms = trippedAlarms(reason);
  const byAlarms = alarms ? { trippedAlarms: alarms } : {};
  if (service.taskDefinition !== taskDefinition) {
    return { state: "rolled-back", ...counts, reason: reason ?? latestEvent(service), ...byAlarms };
  }
  if (ours?.rolloutState === "FAILED") return { state: "failed", ...counts, reason, ...byAlarms };
  if (ours?.rolloutState === "COMPLETED" && deployments.length === 1) return { state: "completed", ...counts, reason };
  return { state: "in-progress", ...counts };
}

function latestEvent(service: Service): string | undefined {
  return service.events?.[0]?.message;
}

export async function describeService(ecs: Pick<ECSClient, "send">, target: ReleaseTarget): Promise<Service> {
  const { services, failures } = await ecs.send(
    new DescribeServicesCommand({ cluster: target.cluster, services: [target.ecsService] }),
  );
  const service = services?.find((s) => s.status !== "INACTIVE");
  if (!service) {
    const why = failures?.[0]?.reason ?? "not found";
    throw new CommandFailure(
      `The ECS service ${target.ecsService} in cluster ${target.cluster} does not exist (${why}); ` +
        `deploy the workspace first (npx cdktf deploy ${target.workspace.name}).`,
      RELEASE_EXIT.notFound,
    );
  }
  return service;
}

/** "healthy 2, unhealthy 1 (Target.ResponseCodeMismatch), initial 1" for the service's target groups. */
async function targetHealth(
  elbv2: Pick<ElasticLoadBalancingV2Client, "send">,
  service: Service,
): Promise<{ summary: string; problems: string[] }> {
  const groups = (service.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => !!a);
  const counts = new Map<string, number>();
  const problems: string[] = [];
  for (const arn of groups) {
    const { TargetHealthDescriptions } = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    for (const d of TargetHealthDescriptions ?? []) {
      const state = d.TargetHealth?.State ?? "unknown";
      counts.set(state, (counts.get(state) ?? 0) + 1);
      if (state === "unhealthy") {
        problems.push(
          `target ${d.Target?.Id}:${d.Target?.Port} unhealthy: ${d.TargetHealth?.Reason ?? ""} ${d.TargetHealth?.Description ?? ""}`.trim(),
        );
      }
    }
  }
  if (groups.length === 0) return { summary: "", problems };
  const summary =
    counts.size === 0
      ? "targets: none registered yet"
      : `targets: ${[...counts].map(([s, n]) => `${s} ${n}`).join(", ")}`;
  return { summary, problems };
}

/** Why tasks of the service stopped: their stopped reasons and their containers' reasons, newest first. */
async function stoppedTaskReasons(ecs: Pick<ECSClient, "send">, target: ReleaseTarget, limit = 3): Promise<string[]> {
  const listed = await ecs.send(
    new ListTasksCommand({ cluster: target.cluster, serviceName: target.ecsService, desiredStatus: "STOPPED" }),
  );
  const arns = (listed.taskArns ?? []).slice(0, limit);
  if (arns.length === 0) return [];
  const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: target.cluster, tasks: arns }));
  return (tasks ?? []).flatMap((task) => {
    const id = task.taskArn?.split("/").pop() ?? "?";
    const containers = (task.containers ?? [])
      .filter((c) => c.reason || (c.exitCode !== undefined && c.exitCode !== 0))
      .map((c) => `container ${c.name}: ${c.reason ?? `exited with ${c.exitCode}`}`);
    return [`task ${id} stopped: ${task.stoppedReason ?? "(no reason given)"}`, ...containers.map((c) => `  ${c}`)];
  });
}

export interface WatchOptions {
  readonly clients: ReleaseClients;
  readonly target: ReleaseTarget;
  readonly taskDefinition: string;
  readonly timeoutSeconds: number;
  readonly log: (line: string) => void;
  readonly clock: Clock;
}

export interface WatchResult {
  readonly status: RolloutStatus | { state: "timed-out" };
  /** Why it failed: ECS's reason, stopped tasks, unhealthy targets, recent events. */
  readonly reasons: string[];
}

/** Polls the service until the rollout to `taskDefinition` ends or the time is up, printing what changes. */
export async function watchRollout(options: WatchOptions): Promise<WatchResult> {
  const { clients, target, clock, log } = options;
  const started = clock.now();
  const deadline = started + options.timeoutSeconds * 1000;
  let last = "";
  for (;;) {
    const service = await describeService(clients.ecs, target);
    const status = rolloutStatus(service, options.taskDefinition);
    const health = await targetHealth(clients.elbv2, service);
    const line =
      `${status.state.padEnd(11)} running ${status.running}/${status.desired}, pending ${status.pending}, ` +
      `failed ${status.failedTasks}${health.summary ? `; ${health.summary}` : ""}`;
    if (line !== last) {
      log(`  [${Math.round((clock.now() - started) / 1000)}s] ${line}`);
      last = line;
    }
    if (status.state !== "in-progress") {
      if (status.state === "completed") return { status, reasons: [] };
      const reasons = [
        ...(status.reason ? [status.reason] : []),
        ...(await stoppedTaskReasons(clients.ecs, target)),
        ...health.problems,
        ...(service.events ?? []).slice(0, 3).map((e) => `event: ${e.message}`),
      ];
      return { status, reasons: [...new Set(reasons)] };
    }
    const now = clock.now();
    if (now >= deadline) return { status: { state: "timed-out" }, reasons: [] };
    const interval = now - started < POLL.switchAfterMs ? POLL.firstMs : POLL.laterMs;
    await clock.sleep(Math.min(interval, deadline - now));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The release history
// ---------------------------------------------------------------------------------------------------------------

const S = (value: string): AttributeValue => ({ S: value });

function toItem(record: ReleaseRecord): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) item[key] = S(String(value));
  return item;
}

function fromItem(item: Record<string, AttributeValue>): ReleaseRecord {
  const record: Record<string, string> = {};
  for (const [key, value] of Object.entries(item)) if (value.S !== undefined) record[key] = value.S;
  return record as unknown as ReleaseRecord;
}

export async function recordRelease(dynamodb: Pick<DynamoDBClient, "send">, table: string, record: ReleaseRecord) {
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: toItem(record) }));
}

export async function finishRelease(
  dynamodb: Pick<DynamoDBClient, "send">,
  table: string,
  record: ReleaseRecord,
  outcome: ReleaseOutcome,
  finishedAt: string,
  reason?: string,
): Promise<ReleaseRecord> {
  const names: Record<string, string> = { "#o": "outcome", "#f": "finishedAt" };
  const values: Record<string, AttributeValue> = { ":o": S(outcome), ":f": S(finishedAt) };
  let update = "SET #o = :o, #f = :f";
  if (reason) {
    names["#r"] = "reason";
    values[":r"] = S(reason);
    update += ", #r = :r";
  }
  await dynamodb.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { service: S(record.service), id: S(record.id) },
      UpdateExpression: update,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
  return { ...record, outcome, finishedAt, reason };
}

/** A service's releases, newest first. */
export async function listReleases(
  dynamodb: Pick<DynamoDBClient, "send">,
  table: string,
  service: string,
  limit = 50,
): Promise<ReleaseRecord[]> {
  const records: ReleaseRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "#s = :s",
        ExpressionAttributeNames: { "#s": "service" },
        ExpressionAttributeValues: { ":s": S(service) },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
        Limit: Math.min(limit - records.length, 100),
      }),
    );
    records.push(...(page.Items ?? []).map(fromItem));
    start = page.LastEvaluatedKey;
  } while (start && records.length < limit);
  return records;
}

// ---------------------------------------------------------------------------------------------------------------
// The whole release
// ---------------------------------------------------------------------------------------------------------------

export interface ReleaseOptions {
  readonly clients: ReleaseClients;
  readonly target: ReleaseTarget;
  readonly tag: string;
  readonly kind: "release" | "rollback";
  /** Refuse unless the tag resolves to this digest (promotion of the same image). */
  readonly expectDigest?: string;
  /** Wait for the rollout (false: return once ECS has the new task definition). */
  readonly wait: boolean;
  readonly timeoutSeconds: number;
  readonly log: (line: string) => void;
  readonly clock?: Clock;
}

export interface ReleaseResult {
  readonly exitCode: number;
  readonly record: ReleaseRecord;
}

/** Releases `tag` to the target's service; see the module comment for the steps and RELEASE_EXIT for the outcome. */
export async function releaseImage(options: ReleaseOptions): Promise<ReleaseResult> {
  const { clients, target, tag, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const iso = () => new Date(clock.now()).toISOString();

  // Everything that can refuse the release is checked before anything changes.
  const digest = await resolveDigest(clients.ecr, target, tag);
  if (options.expectDigest && options.expectDigest !== digest) {
    throw new CommandFailure(
      `The tag "${tag}" in ${target.repository} is ${digest}, not the expected ${options.expectDigest}; nothing was changed.`,
      RELEASE_EXIT.notFound,
    );
  }
  const service = await describeService(clients.ecs, target);
  const previousTaskDefinition = service.taskDefinition ?? "";
  const previousImage = await readParameter(clients.ssm, target.imageParameter);
  if (previousImage === undefined) {
    throw new CommandFailure(
      `The parameter ${target.imageParameter} does not exist; deploy the workspace first (npx cdktf deploy ${target.workspace.name}).`,
      RELEASE_EXIT.notFound,
    );
  }
  const previousTag = (await readParameter(clients.ssm, target.imageTagParameter)) ?? "";
  const image = `${repositoryOf(previousImage)}@${digest}`;
  const caller = (await clients.sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown";
  log(`${options.kind === "rollback" ? "Rolling back" : "Releasing"} ${target.ecsService} to ${tag} (${digest})`);
  log(`  from ${previousImage}${previousTag ? ` (${previousTag})` : ""}, as ${caller}`);

  // New revisions of the service's families (its own and its migration task's) with only the image changed.
  const [serviceFamily, ...otherFamilies] = target.families;
  const taskDefinition = await registerWithImage(
    clients.ecs,
    previousTaskDefinition || serviceFamily,
    target.container,
    image,
  );
  const others = [];
  for (const family of otherFamilies)
    others.push(await registerWithImage(clients.ecs, family, target.container, image));
  log(`  registered ${shortArn(taskDefinition)}${others.map((o) => `, ${shortArn(o)}`).join("")}`);

  const startedAt = iso();
  let record: ReleaseRecord = {
    service: target.service.name,
    id: `${startedAt}#${randomBytes(3).toString("hex")}`,
    kind: options.kind,
    tag,
    digest,
    image,
    taskDefinition,
    previousTaskDefinition,
    previousImage,
    previousTag,
    startedAt,
    caller,
    outcome: "IN_PROGRESS",
  };
  await recordRelease(clients.dynamodb, target.table, record);
  await clients.ecs.send(
    new UpdateServiceCommand({ cluster: target.cluster, service: target.ecsService, taskDefinition }),
  );
  await writeParameter(clients.ssm, target.imageParameter, image);
  await writeParameter(clients.ssm, target.imageTagParameter, tag);
  log(`  ${target.ecsService} now deploys ${shortArn(taskDefinition)}; ${target.imageParameter} = ${image}`);

  if (!options.wait) {
    record = await finishRelease(clients.dynamodb, target.table, record, "STARTED", iso());
    log(
      `Started; not waiting (--no-wait). Follow it with: npm run releases -- ${target.workspace.name} ${target.service.name}`,
    );
    return { exitCode: RELEASE_EXIT.completed, record };
  }

  log(`Waiting for the rollout (at most ${options.timeoutSeconds} s):`);
  const watched = await watchRollout({
    clients,
    target,
    taskDefinition,
    timeoutSeconds: options.timeoutSeconds,
    log,
    clock,
  });
  const state = watched.status.state;
  if (state === "completed") {
    record = await finishRelease(clients.dynamodb, target.table, record, "COMPLETED", iso());
    log(`Released: ${target.ecsService} runs ${tag} (${digest}).`);
    return { exitCode: RELEASE_EXIT.completed, record };
  }
  if (state === "timed-out") {
    record = await finishRelease(clients.dynamodb, target.table, record, "TIMED_OUT", iso(), "still in progress");
    log(`The rollout did not finish within ${options.timeoutSeconds} s; it goes on. Check again with:`);
    log(`  npm run releases -- ${target.workspace.name} ${target.service.name}`);
    return { exitCode: RELEASE_EXIT.timedOut, record };
  }

  // Failed or rolled back: put back what the stack reads, so Terraform keeps describing what runs.
  const reason = watched.reasons.join("; ") || "no reason given";
  const alarms = watched.status.trippedAlarms;
  log(
    `The rollout ${state === "rolled-back" ? "was rolled back" : "failed"}` +
      (alarms ? ` by its deployment alarms (${alarms.join(", ")}): the new version misbehaved under traffic` : "") +
      ":",
  );
  watched.reasons.forEach((r) => log(`  - ${r}`));
  await writeParameter(clients.ssm, target.imageParameter, previousImage);
  if (previousTag) await writeParameter(clients.ssm, target.imageTagParameter, previousTag);
  for (const arn of [taskDefinition, ...others]) {
    await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
  }
  log(`  restored ${target.imageParameter} to ${previousImage} and deregistered the new revisions.`);
  if (state === "failed") {
    log(`  ECS did not roll the service back; return to the previous release with:`);
    log(`  npm run rollback -- ${target.workspace.name} ${target.service.name}`);
  }
  record = await finishRelease(
    clients.dynamodb,
    target.table,
    record,
    state === "rolled-back" ? "ROLLED_BACK" : "FAILED",
    iso(),
    reason,
  );
  return { exitCode: RELEASE_EXIT.rolloutFailed, record };
}

/**
 * The release a rollback returns to: the newest completed one with the given tag, or else the newest completed one
 * whose image differs from what runs now.
 */
export function rollbackTarget(
  history: ReleaseRecord[],
  currentImage: string,
  tag?: string,
): ReleaseRecord | undefined {
  const completed = history.filter((r) => r.outcome === "COMPLETED");
  if (tag !== undefined) return completed.find((r) => r.tag === tag);
  return completed.find((r) => r.image !== currentImage);
}

/** Reads what runs now and the history, and picks the tag to return to; CommandFailure (exit 3) when there is none. */
export async function chooseRollback(
  clients: Pick<ReleaseClients, "ssm" | "dynamodb">,
  target: ReleaseTarget,
  tag?: string,
): Promise<{ tag: string; digest: string; from: ReleaseRecord }> {
  const current = (await readParameter(clients.ssm, target.imageParameter)) ?? "";
  const history = await listReleases(clients.dynamodb, target.table, target.service.name);
  const chosen = rollbackTarget(history, current, tag);
  if (!chosen) {
    throw new CommandFailure(
      tag === undefined
        ? `No earlier completed release of ${target.service.name} to return to (see npm run releases -- ${target.workspace.name} ${target.service.name}).`
        : `No completed release of ${target.service.name} with the tag "${tag}"; release it instead (npm run release -- ${target.workspace.name} ${target.service.name} ${tag}).`,
      RELEASE_EXIT.notFound,
    );
  }
  return { tag: chosen.tag, digest: chosen.digest, from: chosen };
}

export function shortArn(arn: string): string {
  return arn.split("/").pop() ?? arn;
}

/** Whether the image a task definition runs is pinned to a digest. */
export function isPinned(image: string): boolean {
  return digestOf(image)?.startsWith("sha256:") ?? false;
}
