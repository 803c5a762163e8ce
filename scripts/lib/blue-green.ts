/**
 * Blue/green releases of a service whose deployment strategy is "blue-green". Two ECS services, blue and green,
 * sit behind one production listener rule that forwards to both with weights; the live colour has 100. A release
 * deploys the new version on the standby colour, reachable only through the test listener, and checks it there;
 * a promotion shifts production traffic in the declared steps, watching the new version's health and going back
 * by itself when it degrades; the previous version then stays warm for a while, so a rollback is one listener
 * change, and is finally scaled to zero. Terraform created all of it and ignores what these steps change.
 */
import { RegisterScalableTargetCommand, ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import { DescribeTasksCommand, RunTaskCommand, Service, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyRuleCommand,
  Rule,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { DeregisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { ServiceConfig } from "../../src/config";
import { BLUE_GREEN_SLOTS, BlueGreenSlot } from "../../src/constructs/container-service";
import { blueGreenServiceName, blueGreenTargetGroupName } from "../../src/naming";
import { CommandFailure } from "./cli";
import {
  Clock,
  describeService,
  finishRelease,
  listReleases,
  readParameter,
  recordRelease,
  registerWithImage,
  RELEASE_EXIT,
  ReleaseClients,
  ReleaseOutcome,
  ReleaseRecord,
  ReleaseTarget,
  repositoryOf,
  resolveDigest,
  shortArn,
  SYSTEM_CLOCK,
  watchRollout,
  writeParameter,
} from "./release";
import { runTaskInput, servicePlacement, STARTED_BY, taskOutcome, waitForTaskToStop } from "./run-task";

/** Everything a blue/green step needs beyond a rolling release's clients. */
export interface BlueGreenClients extends ReleaseClients {
  readonly autoscaling: Pick<ApplicationAutoScalingClient, "send">;
  /** Makes the validation request; the real fetch unless a test gives another. */
  readonly fetch?: typeof fetch;
}

/** How often a promotion looks at the new version's health while a step bakes. */
export const BAKE_POLL_MS = 10_000;

export interface TrafficStep {
  readonly percent: number;
  readonly bakeSeconds: number;
}

/** The deployed pieces of a blue/green service, found through the AWS APIs by the names the stack gave them. */
export interface BlueGreenState {
  readonly productionRule: Rule;
  readonly testRule: Rule;
  readonly targetGroups: Record<BlueGreenSlot, string>;
  readonly weights: Record<BlueGreenSlot, number>;
  /** The colour the test listener reaches. */
  readonly testSlot: BlueGreenSlot;
  readonly services: Record<BlueGreenSlot, Service>;
  /** The colour with all production traffic, or undefined in the middle of a promotion. */
  readonly live?: BlueGreenSlot;
}

const other = (slot: BlueGreenSlot): BlueGreenSlot => (slot === "blue" ? "green" : "blue");

export function slotTarget(target: ReleaseTarget, slot: BlueGreenSlot): ReleaseTarget {
  return { ...target, ecsService: blueGreenServiceName(target.workspace.namePrefix, target.service.name, slot) };
}

function blueGreenSettings(service: ServiceConfig) {
  const settings = service.deployment.blueGreen;
  return {
    steps: settings?.trafficSteps ?? [{ percent: 100, bakeSeconds: 0 }],
    keepPreviousSeconds: (settings?.keepPreviousMinutes ?? 30) * 60,
    validation: settings?.validation ?? { manual: false },
  };
}

/** Reads the rules, target groups and both ECS services. */
export async function blueGreenState(clients: BlueGreenClients, target: ReleaseTarget): Promise<BlueGreenState> {
  const ws = target.workspace;
  const svc = target.service;
  const test = ws.loadBalancer.testListener;
  if (svc.deployment.strategy !== "blue-green" || !test) {
    throw new CommandFailure(
      `${svc.name} in ${ws.name} is not a blue-green service (deployment.strategy)`,
      RELEASE_EXIT.usage,
    );
  }
  const lbName = `${ws.namePrefix}-alb`;
  const { LoadBalancers } = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [lbName] }));
  const lb = LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn)
    throw new CommandFailure(`Load balancer ${lbName} not found; deploy the workspace first.`, RELEASE_EXIT.notFound);
  const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
  const listener = (port: number) => Listeners?.find((l) => l.Port === port)?.ListenerArn;
  const rule = async (listenerArn: string | undefined, what: string): Promise<Rule> => {
    const { Rules } = listenerArn
      ? await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))
      : { Rules: [] };
    const found = Rules?.find((r) => r.Priority === String(svc.priority));
    if (!found)
      throw new CommandFailure(
        `The ${what} rule of ${svc.name} (priority ${svc.priority}) was not found; deploy the workspace first.`,
        RELEASE_EXIT.notFound,
      );
    return found;
  };
  const productionRule = await rule(listener(443), "production");
  const testRule = await rule(listener(test.port), "test listener");
  const names = Object.fromEntries(
    BLUE_GREEN_SLOTS.map((slot) => [slot, blueGreenTargetGroupName(ws.namePrefix, svc.name, slot, svc.port)]),
  ) as Record<BlueGreenSlot, string>;
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: Object.values(names) }));
  const targetGroups = Object.fromEntries(
    BLUE_GREEN_SLOTS.map((slot) => [
      slot,
      TargetGroups?.find((g) => g.TargetGroupName === names[slot])?.TargetGroupArn ?? "",
    ]),
  ) as Record<BlueGreenSlot, string>;
  const forward = productionRule.Actions?.find((a) => a.Type === "forward");
  const weighted =
    forward?.ForwardConfig?.TargetGroups ??
    (forward?.TargetGroupArn ? [{ TargetGroupArn: forward.TargetGroupArn, Weight: 100 }] : []);
  const weights = Object.fromEntries(
    BLUE_GREEN_SLOTS.map((slot) => [slot, weighted.find((g) => g.TargetGroupArn === targetGroups[slot])?.Weight ?? 0]),
  ) as Record<BlueGreenSlot, number>;
  const testAction = testRule.Actions?.find((a) => a.Type === "forward");
  const testGroup =
    testAction?.TargetGroupArn ??
    testAction?.ForwardConfig?.TargetGroups?.find((g) => (g.Weight ?? 1) > 0)?.TargetGroupArn;
  const testSlot: BlueGreenSlot = testGroup === targetGroups.blue ? "blue" : "green";
  const services = {
    blue: await describeService(clients.ecs, slotTarget(target, "blue")),
    green: await describeService(clients.ecs, slotTarget(target, "green")),
  };
  const live = BLUE_GREEN_SLOTS.find((slot) => weights[slot] === 100 && weights[other(slot)] === 0);
  return { productionRule, testRule, targetGroups, weights, testSlot, services, live };
}

async function setWeights(clients: BlueGreenClients, state: BlueGreenState, weights: Record<BlueGreenSlot, number>) {
  await clients.elbv2.send(
    new ModifyRuleCommand({
      RuleArn: state.productionRule.RuleArn,
      Actions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: BLUE_GREEN_SLOTS.map((slot) => ({
              TargetGroupArn: state.targetGroups[slot],
              Weight: weights[slot],
            })),
          },
        },
      ],
    }),
  );
}

async function pointTestRuleAt(clients: BlueGreenClients, state: BlueGreenState, slot: BlueGreenSlot) {
  await clients.elbv2.send(
    new ModifyRuleCommand({
      RuleArn: state.testRule.RuleArn,
      Actions: [{ Type: "forward", TargetGroupArn: state.targetGroups[slot] }],
    }),
  );
}

/** Scales one colour: up to `count` tasks within the service's autoscaling range, or down to zero. */
async function scaleSlot(clients: BlueGreenClients, target: ReleaseTarget, slot: BlueGreenSlot, count: number) {
  const name = slotTarget(target, slot).ecsService;
  const { min, max } = target.service.autoscaling;
  await clients.autoscaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: "ecs",
      ScalableDimension: "ecs:service:DesiredCount",
      ResourceId: `service/${target.cluster}/${name}`,
      MinCapacity: count === 0 ? 0 : min,
      MaxCapacity: count === 0 ? 0 : max,
    }),
  );
  await clients.ecs.send(new UpdateServiceCommand({ cluster: target.cluster, service: name, desiredCount: count }));
}

/** The latest release record of the service, if any. */
async function latestRecord(clients: BlueGreenClients, target: ReleaseTarget): Promise<ReleaseRecord | undefined> {
  return (await listReleases(clients.dynamodb, target.table, target.service.name, 1))[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Release: the new version on the standby colour, checked through the test route
// ---------------------------------------------------------------------------------------------------------------

export interface BlueGreenReleaseOptions {
  readonly clients: BlueGreenClients;
  readonly target: ReleaseTarget;
  readonly tag: string;
  readonly kind: "release" | "rollback";
  readonly expectDigest?: string;
  readonly timeoutSeconds: number;
  /** Base URL of the test route (default: https://<first host>:<test port>). */
  readonly testUrl?: string;
  readonly log: (line: string) => void;
  readonly clock?: Clock;
}

/** The URL the HTTP validation requests. */
export function validationUrl(target: ReleaseTarget, base?: string): string {
  const ws = target.workspace;
  const svc = target.service;
  const path = svc.deployment.blueGreen?.validation.http?.path ?? svc.healthCheck.path;
  const host = svc.hosts[0] ?? ws.dns?.zoneName ?? "localhost";
  return `${(base ?? `https://${host}:${ws.loadBalancer.testListener?.port ?? 8443}`).replace(/\/$/, "")}${path}`;
}

export async function releaseBlueGreen(
  options: BlueGreenReleaseOptions,
): Promise<{ exitCode: number; record: ReleaseRecord }> {
  const { clients, target, tag, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const iso = () => new Date(clock.now()).toISOString();
  const digest = await resolveDigest(clients.ecr, target, tag);
  if (options.expectDigest && options.expectDigest !== digest) {
    throw new CommandFailure(
      `The tag "${tag}" in ${target.repository} is ${digest}, not the expected ${options.expectDigest}; nothing was changed.`,
      RELEASE_EXIT.notFound,
    );
  }
  const state = await blueGreenState(clients, target);
  if (!state.live) {
    throw new CommandFailure(
      `Production traffic of ${target.service.name} is split (blue ${state.weights.blue}%, green ${state.weights.green}%): ` +
        `a promotion is under way; finish it (npm run promote) or abort it (npm run abort) first.`,
      RELEASE_EXIT.usage,
    );
  }
  const pending = await latestRecord(clients, target);
  if (
    pending &&
    (pending.outcome === "READY" || pending.outcome === "IN_PROGRESS" || pending.outcome === "PROMOTING")
  ) {
    throw new CommandFailure(
      `${pending.tag} is waiting on the ${pending.slot} colour (${pending.outcome}); promote it (npm run promote) or ` +
        `abort it (npm run abort) before releasing another.`,
      RELEASE_EXIT.usage,
    );
  }
  const live = state.live;
  const standby = other(live);
  const liveService = state.services[live];
  const previousImage = (await readParameter(clients.ssm, target.imageParameter)) ?? "";
  const previousTag = (await readParameter(clients.ssm, target.imageTagParameter)) ?? "";
  const image = `${repositoryOf(previousImage)}@${digest}`;
  const caller = (await clients.sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown";
  log(`Releasing ${tag} (${digest}) to the ${standby} colour of ${target.service.name}; ${live} stays live.`);

  const taskDefinition = await registerWithImage(clients.ecs, liveService.taskDefinition!, target.container, image);
  const others: string[] = [];
  for (const family of target.families.slice(1))
    others.push(await registerWithImage(clients.ecs, family, target.container, image));
  const startedAt = iso();
  let record: ReleaseRecord = {
    service: target.service.name,
    id: `${startedAt}#${Math.random().toString(16).slice(2, 8)}`,
    kind: options.kind,
    tag,
    digest,
    image,
    taskDefinition,
    previousTaskDefinition: liveService.taskDefinition ?? "",
    previousImage,
    previousTag,
    startedAt,
    caller,
    outcome: "IN_PROGRESS",
    slot: standby,
    previousSlot: live,
  };
  await recordRelease(clients.dynamodb, target.table, record);
  const standbyTarget = slotTarget(target, standby);
  await clients.autoscaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: "ecs",
      ScalableDimension: "ecs:service:DesiredCount",
      ResourceId: `service/${target.cluster}/${standbyTarget.ecsService}`,
      MinCapacity: target.service.autoscaling.min,
      MaxCapacity: target.service.autoscaling.max,
    }),
  );
  await clients.ecs.send(
    new UpdateServiceCommand({
      cluster: target.cluster,
      service: standbyTarget.ecsService,
      taskDefinition,
      desiredCount: Math.max(liveService.desiredCount ?? 1, target.service.autoscaling.min, 1),
    }),
  );
  await pointTestRuleAt(clients, state, standby);
  await writeParameter(clients.ssm, target.imageParameter, image);
  await writeParameter(clients.ssm, target.imageTagParameter, tag);
  log(
    `  ${standbyTarget.ecsService} deploys ${shortArn(taskDefinition)}; the test listener reaches it, production does not.`,
  );

  const fail = async (outcome: ReleaseOutcome, reason: string) => {
    log(`The new version is not promoted: ${reason}`);
    await undoCandidate(clients, target, { ...state, live }, record, log);
    record = await finishRelease(clients.dynamodb, target.table, record, outcome, iso(), reason);
    return { exitCode: RELEASE_EXIT.rolloutFailed, record };
  };

  log(`Waiting for ${standby} to run the new version (at most ${options.timeoutSeconds} s):`);
  const watched = await watchRollout({
    clients,
    target: standbyTarget,
    taskDefinition,
    timeoutSeconds: options.timeoutSeconds,
    log,
    clock,
  });
  if (watched.status.state !== "completed") {
    const reason =
      watched.status.state === "timed-out" ? "it did not start within the timeout" : watched.reasons.join("; ");
    return fail("FAILED", reason);
  }

  const problem = await validate(options, standby, taskDefinition, clock);
  if (problem) return fail("FAILED", `validation failed: ${problem}`);
  record = await finishRelease(clients.dynamodb, target.table, record, "READY", iso());
  const manual = blueGreenSettings(target.service).validation.manual;
  log(
    `${manual ? "Checks passed; waiting for approval" : "Validated"}: ${tag} runs on ${standby}, production still on ${live}.`,
  );
  log(`  Promote: npm run promote -- ${target.workspace.name} ${target.service.name}`);
  log(`  Abort:   npm run abort -- ${target.workspace.name} ${target.service.name}`);
  return { exitCode: RELEASE_EXIT.completed, record };
}

/** Runs the service's declared checks against the standby colour; the reason it failed, or undefined. */
async function validate(
  options: BlueGreenReleaseOptions,
  slot: BlueGreenSlot,
  taskDefinition: string,
  clock: Clock,
): Promise<string | undefined> {
  const { clients, target, log } = options;
  const validation = blueGreenSettings(target.service).validation;
  const http =
    validation.http ??
    (!validation.command && !validation.manual ? { expectedStatus: 200, timeoutSeconds: 10 } : undefined);
  if (http) {
    const url = validationUrl(target, options.testUrl);
    const expected = http.expectedStatus ?? 200;
    log(`Validating: GET ${url} expecting ${expected}`);
    try {
      const response = await (clients.fetch ?? fetch)(url, {
        signal: AbortSignal.timeout((http.timeoutSeconds ?? 10) * 1000),
      });
      log(`  answered ${response.status}`);
      if (response.status !== expected) return `GET ${url} answered ${response.status}, expected ${expected}`;
    } catch (err) {
      return `GET ${url} failed: ${(err as Error).message}`;
    }
  }
  if (validation.command) {
    log(`Validating: running ${JSON.stringify(validation.command)} as a task of the new version`);
    const placement = await servicePlacement(clients.ecs, target.cluster, slotTarget(target, slot).ecsService);
    const input = runTaskInput(
      {
        task: "migrate",
        service: target.service,
        cluster: target.cluster,
        ecsService: slotTarget(target, slot).ecsService,
        family: target.families[0],
        containerName: target.container,
        group: "task:validate",
      },
      taskDefinition,
      placement,
    );
    const run = await clients.ecs.send(
      new RunTaskCommand({
        ...input,
        startedBy: STARTED_BY,
        overrides: { containerOverrides: [{ name: target.container, command: validation.command }] },
      }),
    );
    const taskArn = run.tasks?.[0]?.taskArn;
    if (!taskArn)
      return `the validation task did not start: ${run.failures?.map((f) => f.reason).join("; ") ?? "no reason"}`;
    const waited = await waitForTaskToStop(clients.ecs, target.cluster, taskArn, {
      timeoutMs: options.timeoutSeconds * 1000,
      sleep: (ms) => clock.sleep(ms),
      now: () => clock.now(),
    });
    if (!waited.stopped) return "the validation task did not finish within the timeout";
    const described = await clients.ecs.send(new DescribeTasksCommand({ cluster: target.cluster, tasks: [taskArn] }));
    const outcome = taskOutcome(described.tasks?.[0] ?? waited.task, target.container);
    outcome.lines.forEach((line) => log(`  ${line}`));
    if (outcome.exitCode !== 0) return `the validation task exited with ${outcome.containerExitCode ?? "no exit code"}`;
  }
  return undefined;
}

/** Takes a candidate out: all traffic to the live colour, the candidate scaled to zero, the parameters and revisions put back. */
async function undoCandidate(
  clients: BlueGreenClients,
  target: ReleaseTarget,
  state: BlueGreenState & { live: BlueGreenSlot },
  record: ReleaseRecord,
  log: (line: string) => void,
) {
  const candidate = record.slot as BlueGreenSlot;
  const live = other(candidate);
  await setWeights(clients, state, { [live]: 100, [candidate]: 0 } as Record<BlueGreenSlot, number>);
  await scaleSlot(clients, target, candidate, 0);
  if (record.previousImage) await writeParameter(clients.ssm, target.imageParameter, record.previousImage);
  if (record.previousTag) await writeParameter(clients.ssm, target.imageTagParameter, record.previousTag);
  const revisions = [record.taskDefinition];
  for (const arn of revisions) await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
  log(
    `  all production traffic on ${live}; ${candidate} scaled to zero; ${target.imageParameter} is ${record.previousImage} again.`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Promote, abort, roll back
// ---------------------------------------------------------------------------------------------------------------

export interface StepOptions {
  readonly clients: BlueGreenClients;
  readonly target: ReleaseTarget;
  readonly log: (line: string) => void;
  readonly clock?: Clock;
  /** Seconds the previous version stays warm (default: the service's keepPreviousMinutes). */
  readonly keepPreviousSeconds?: number;
}

/** Why the candidate colour is unhealthy right now, or undefined. */
export async function degradation(
  clients: BlueGreenClients,
  target: ReleaseTarget,
  slot: BlueGreenSlot,
): Promise<string | undefined> {
  const service = await describeService(clients.ecs, slotTarget(target, slot));
  const primary = service.deployments?.find((d) => d.status === "PRIMARY") ?? service.deployments?.[0];
  if (primary?.rolloutState === "FAILED")
    return `its deployment failed: ${primary.rolloutStateReason ?? "no reason given"}`;
  if ((primary?.failedTasks ?? 0) > 0) return `${primary!.failedTasks} of its tasks failed to start or stopped`;
  if ((service.runningCount ?? 0) < (service.desiredCount ?? 0)) {
    return `only ${service.runningCount} of ${service.desiredCount} tasks are running`;
  }
  const group = service.loadBalancers?.[0]?.targetGroupArn;
  if (group) {
    const { TargetHealthDescriptions } = await clients.elbv2.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: group }),
    );
    const unhealthy = (TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === "unhealthy");
    if (unhealthy.length > 0) {
      return `${unhealthy.length} target(s) unhealthy: ${unhealthy.map((d) => d.TargetHealth?.Reason ?? "").join(", ")}`;
    }
  }
  return undefined;
}

/** Shifts production traffic to the validated colour step by step; see the module comment. */
export async function promote(options: StepOptions): Promise<number> {
  const { clients, target, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const iso = () => new Date(clock.now()).toISOString();
  const settings = blueGreenSettings(target.service);
  let record = await latestRecord(clients, target);
  const state = await blueGreenState(clients, target);
  if (record?.outcome === "PROMOTED") return finishPromotion(options, record);
  if (!record || (record.outcome !== "READY" && record.outcome !== "PROMOTING")) {
    throw new CommandFailure(
      `Nothing to promote: the last release of ${target.service.name} is ${record ? `${record.tag} (${record.outcome})` : "none"}; ` +
        `release first (npm run release -- ${target.workspace.name} ${target.service.name} <tag>).`,
      RELEASE_EXIT.notFound,
    );
  }
  const candidate = record.slot as BlueGreenSlot;
  const previous = other(candidate);
  record = await finishRelease(clients.dynamodb, target.table, record, "PROMOTING", iso());
  for (const step of settings.steps) {
    await setWeights(clients, state, { [candidate]: step.percent, [previous]: 100 - step.percent } as Record<
      BlueGreenSlot,
      number
    >);
    log(
      `  ${step.percent}% of production traffic on ${candidate} (${record.tag})${step.bakeSeconds ? `, watching for ${step.bakeSeconds} s` : ""}`,
    );
    const until = clock.now() + step.bakeSeconds * 1000;
    for (;;) {
      const now = await latestRecord(clients, target);
      if (now?.id !== record.id || now.outcome !== "PROMOTING") {
        log(`The promotion was stopped meanwhile (${now?.tag} is ${now?.outcome}); not moving traffic further.`);
        return RELEASE_EXIT.rolloutFailed;
      }
      const problem = await degradation(clients, target, candidate);
      if (problem) {
        log(`The new version degraded at ${step.percent}%: ${problem}. Going back to ${previous}.`);
        await undoCandidate(clients, target, { ...state, live: previous }, record, log);
        await finishRelease(
          clients.dynamodb,
          target.table,
          record,
          "ABORTED",
          iso(),
          `degraded at ${step.percent}%: ${problem}`,
        );
        return RELEASE_EXIT.rolloutFailed;
      }
      if (clock.now() >= until) break;
      await clock.sleep(Math.min(BAKE_POLL_MS, until - clock.now()));
    }
  }
  // The previous version is now the standby: reachable through the test route, kept warm for a quick rollback.
  await pointTestRuleAt(clients, state, previous);
  const keep = options.keepPreviousSeconds ?? settings.keepPreviousSeconds;
  record = await finishRelease(
    clients.dynamodb,
    target.table,
    record,
    "PROMOTED",
    iso(),
    `previous version on ${previous} warm for ${keep} s`,
  );
  log(`Promoted: all production traffic on ${candidate} (${record.tag}). ${previous} stays warm for ${keep} s;`);
  log(`  roll back in one step meanwhile: npm run rollback -- ${target.workspace.name} ${target.service.name}`);
  return finishPromotion({ ...options, keepPreviousSeconds: keep }, record);
}

/** Waits out the warm window (from the promotion's time) and scales the previous colour to zero. */
async function finishPromotion(options: StepOptions, record: ReleaseRecord): Promise<number> {
  const { clients, target, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const keep = options.keepPreviousSeconds ?? blueGreenSettings(target.service).keepPreviousSeconds;
  const promotedAt = Date.parse(record.finishedAt ?? record.startedAt);
  const until = promotedAt + keep * 1000;
  if (until > clock.now()) log(`Keeping ${record.previousSlot} warm until ${new Date(until).toISOString()}...`);
  for (;;) {
    // A rollback or a new release meanwhile ends the wait: the colours are no longer this promotion's to change.
    const latest = await latestRecord(clients, target);
    if (latest?.id !== record.id || latest.outcome !== "PROMOTED") {
      log(`The release changed meanwhile (${latest?.tag} ${latest?.outcome}); leaving both colours as they are.`);
      return RELEASE_EXIT.completed;
    }
    if (clock.now() >= until) break;
    await clock.sleep(Math.min(BAKE_POLL_MS, until - clock.now()));
  }
  await scaleSlot(clients, target, record.previousSlot as BlueGreenSlot, 0);
  await finishRelease(clients.dynamodb, target.table, record, "COMPLETED", new Date(clock.now()).toISOString());
  log(`Done: ${record.previousSlot} scaled to zero; ${record.slot} serves ${record.tag}.`);
  return RELEASE_EXIT.completed;
}

/** Before a promotion completes: all traffic back to the live colour, the candidate scaled down. */
export async function abort(options: StepOptions): Promise<number> {
  const { clients, target, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const record = await latestRecord(clients, target);
  if (!record || !["IN_PROGRESS", "READY", "PROMOTING"].includes(record.outcome)) {
    throw new CommandFailure(
      `Nothing to abort: the last release of ${target.service.name} is ${record ? `${record.tag} (${record.outcome})` : "none"}.`,
      RELEASE_EXIT.notFound,
    );
  }
  const state = await blueGreenState(clients, target);
  log(`Aborting ${record.tag} on ${record.slot}:`);
  await undoCandidate(clients, target, { ...state, live: record.previousSlot as BlueGreenSlot }, record, log);
  await finishRelease(
    clients.dynamodb,
    target.table,
    record,
    "ABORTED",
    new Date(clock.now()).toISOString(),
    "aborted",
  );
  return RELEASE_EXIT.completed;
}

/**
 * After a promotion, while the previous colour is warm: one listener change sends all traffic back to it; then the
 * new colour is scaled down. Returns undefined when the previous colour is no longer warm (a release is needed).
 */
export async function instantRollback(options: StepOptions): Promise<number | undefined> {
  const { clients, target, log } = options;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const record = await latestRecord(clients, target);
  if (record?.outcome !== "PROMOTED") return undefined;
  const state = await blueGreenState(clients, target);
  const previous = record.previousSlot as BlueGreenSlot;
  if ((state.services[previous].runningCount ?? 0) === 0) return undefined;
  await setWeights(clients, state, { [previous]: 100, [other(previous)]: 0 } as Record<BlueGreenSlot, number>);
  log(`All production traffic back on ${previous} (${record.previousTag}).`);
  await pointTestRuleAt(clients, state, record.slot as BlueGreenSlot);
  await scaleSlot(clients, target, record.slot as BlueGreenSlot, 0);
  if (record.previousImage) await writeParameter(clients.ssm, target.imageParameter, record.previousImage);
  if (record.previousTag) await writeParameter(clients.ssm, target.imageTagParameter, record.previousTag);
  await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: record.taskDefinition }));
  await finishRelease(
    clients.dynamodb,
    target.table,
    record,
    "ROLLED_BACK",
    new Date(clock.now()).toISOString(),
    "rolled back after promotion",
  );
  log(`  ${record.slot} (${record.tag}) scaled to zero.`);
  return RELEASE_EXIT.completed;
}

/** What `npm run status` prints for a blue/green service. */
export async function describeBlueGreen(clients: BlueGreenClients, target: ReleaseTarget): Promise<string[]> {
  const state = await blueGreenState(clients, target);
  const record = await latestRecord(clients, target);
  const line = (slot: BlueGreenSlot) => {
    const s = state.services[slot];
    const role = state.live === slot ? "live" : state.live ? "standby" : `${state.weights[slot]}% of traffic`;
    return `  ${slot.padEnd(5)} ${role.padEnd(16)} ${shortArn(s.taskDefinition ?? "?")}  running ${s.runningCount}/${s.desiredCount}`;
  };
  return [
    `${target.service.name} in ${target.workspace.name} (blue-green):`,
    line("blue"),
    line("green"),
    `  production traffic: blue ${state.weights.blue}%, green ${state.weights.green}%; test listener -> ${state.testSlot}`,
    record
      ? `  last release: ${record.tag} on ${record.slot ?? "?"}, ${record.outcome}${record.reason ? ` (${record.reason})` : ""}`
      : "  no release yet",
  ];
}
