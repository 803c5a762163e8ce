import { RegisterScalableTargetCommand } from "@aws-sdk/client-application-auto-scaling";
import {
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  Service,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { AttributeValue, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { abort, BlueGreenClients, promote, validationUrl } from "../../../scripts/lib/blue-green";
import { Clock, ReleaseRecord, releaseTarget } from "../../../scripts/lib/release";
import { PROD_FILE, prodInput, workspaceConfig } from "../../../test/fixtures";

const prod = workspaceConfig(prodInput(), PROD_FILE);
const api = prod.services.find((s) => s.name === "api")!;
const target = releaseTarget("acme", prod, api);
const TG = { blue: "arn:tg/acme-prod-api-b-8080", green: "arn:tg/acme-prod-api-g-8080" };
const PRODUCTION_RULE = "arn:rule/production";
const TEST_RULE = "arn:rule/test";

test("the validation URL is the service's first host on the test listener's port, with the declared path", () => {
  expect(validationUrl(target)).toBe("https://app.acme.example.com:8443/api/health");
  expect(validationUrl(target, "http://127.0.0.1:5000/")).toBe("http://127.0.0.1:5000/api/health");
});

/** A fake account: the rules' weights, both colours' services, the latest release record; records every call. */
function fakeAccount(record: Partial<ReleaseRecord>, options: { unhealthyFrom?: number } = {}) {
  const weights: Record<string, number> = { blue: 100, green: 0 };
  let testGroup = TG.green;
  const desired: Record<string, number> = { blue: 2, green: 2 };
  let latest: Record<string, string> = {
    service: "api",
    id: "2026-11-26T12:00:00.000Z#abc",
    tag: "v2",
    digest: "sha256:2",
    image: "repo@sha256:2",
    taskDefinition: "arn:td/acme-prod-api:9",
    previousImage: "repo@sha256:1",
    previousTag: "v1",
    startedAt: "2026-11-26T12:00:00.000Z",
    slot: "green",
    previousSlot: "blue",
    outcome: "READY",
    ...(record as Record<string, string>),
  };
  const calls: string[] = [];
  let healthChecks = 0;
  // The fake reads whichever fields each command has; the SDK's input types differ per command.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const send = async (command: { constructor: { name: string }; input: any }) => {
    calls.push(command.constructor.name);
    if (command instanceof DescribeLoadBalancersCommand) return { LoadBalancers: [{ LoadBalancerArn: "arn:lb" }] };
    if (command instanceof DescribeListenersCommand) {
      return {
        Listeners: [
          { Port: 443, ListenerArn: "arn:l/443" },
          { Port: 8443, ListenerArn: "arn:l/8443" },
        ],
      };
    }
    if (command instanceof DescribeRulesCommand) {
      const production = command.input.ListenerArn === "arn:l/443";
      return {
        Rules: [
          {
            Priority: String(api.priority),
            RuleArn: production ? PRODUCTION_RULE : TEST_RULE,
            Actions: production
              ? [
                  {
                    Type: "forward",
                    ForwardConfig: {
                      TargetGroups: [
                        { TargetGroupArn: TG.blue, Weight: weights.blue },
                        { TargetGroupArn: TG.green, Weight: weights.green },
                      ],
                    },
                  },
                ]
              : [{ Type: "forward", TargetGroupArn: testGroup }],
          },
        ],
      };
    }
    if (command instanceof DescribeTargetGroupsCommand) {
      return {
        TargetGroups: [
          { TargetGroupName: "acme-prod-api-b-8080", TargetGroupArn: TG.blue },
          { TargetGroupName: "acme-prod-api-g-8080", TargetGroupArn: TG.green },
        ],
      };
    }
    if (command instanceof ModifyRuleCommand) {
      if (command.input.RuleArn === PRODUCTION_RULE) {
        for (const g of command.input.Actions![0].ForwardConfig!.TargetGroups!) {
          weights[g.TargetGroupArn === TG.blue ? "blue" : "green"] = g.Weight!;
        }
      } else testGroup = command.input.Actions![0].TargetGroupArn!;
      return {};
    }
    if (command instanceof DescribeServicesCommand) {
      const name = String(command.input.services![0]);
      const slot = name.endsWith("blue") ? "blue" : "green";
      const service: Service = {
        serviceName: name,
        taskDefinition: "arn:td/acme-prod-api:9",
        desiredCount: desired[slot],
        runningCount: desired[slot],
        deployments: [{ status: "PRIMARY", rolloutState: "COMPLETED", failedTasks: 0 }],
        loadBalancers: [{ targetGroupArn: TG[slot] }],
      };
      return { services: [service] };
    }
    if (command instanceof DescribeTargetHealthCommand) {
      healthChecks += 1;
      const unhealthy = options.unhealthyFrom !== undefined && healthChecks >= options.unhealthyFrom;
      return {
        TargetHealthDescriptions: [
          {
            TargetHealth: unhealthy
              ? { State: "unhealthy", Reason: "Target.ResponseCodeMismatch" }
              : { State: "healthy" },
          },
        ],
      };
    }
    if (command instanceof UpdateServiceCommand) {
      const slot = String(command.input.service).endsWith("blue") ? "blue" : "green";
      if (command.input.desiredCount !== undefined) desired[slot] = command.input.desiredCount;
      return {};
    }
    if (command instanceof QueryCommand) {
      const item: Record<string, AttributeValue> = {};
      for (const [k, v] of Object.entries(latest)) item[k] = { S: v };
      return { Items: [item] };
    }
    if (command instanceof UpdateItemCommand) {
      const values = command.input.ExpressionAttributeValues as Record<string, { S: string }>;
      latest = {
        ...latest,
        outcome: values[":o"].S,
        finishedAt: values[":f"].S,
        ...(values[":r"] ? { reason: values[":r"].S } : {}),
      };
      return {};
    }
    return {};
  };
  const client = { send } as unknown as BlueGreenClients["ecs"];
  const clients = {
    ecs: client,
    ecr: client,
    ssm: client,
    dynamodb: client,
    elbv2: client,
    sts: client,
    autoscaling: client,
  } as unknown as BlueGreenClients;
  return {
    clients,
    calls,
    weights,
    desired,
    testGroup: () => testGroup,
    outcome: () => latest.outcome,
    reason: () => latest.reason,
    abortFromOutside: () => (latest = { ...latest, outcome: "ABORTED" }),
  };
}

function fakeClock(onSleep?: (now: number) => void): Clock & { now: () => number } {
  let now = Date.parse("2026-11-26T12:10:00Z");
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      onSleep?.(now);
    },
  };
}

describe("promote", () => {
  test("moves traffic in prod's steps (10, 50, 100), points the test route at the previous colour, scales it down after the window", async () => {
    const account = fakeAccount({});
    const seen: string[] = [];
    const clock = fakeClock(() => seen.push(`${account.weights.blue}/${account.weights.green}`));
    const lines: string[] = [];
    const code = await promote({
      clients: account.clients,
      target,
      log: (l) => lines.push(l),
      clock,
      keepPreviousSeconds: 60,
    });
    expect(code).toBe(0);
    expect([...new Set(seen)]).toEqual(["90/10", "50/50", "0/100"]);
    expect(account.weights).toEqual({ blue: 0, green: 100 });
    expect(account.testGroup()).toBe(TG.blue);
    expect(account.desired.blue).toBe(0);
    expect(account.outcome()).toBe("COMPLETED");
    expect(lines.join("\n")).toContain("Promoted: all production traffic on green (v2)");
  });

  test("goes back by itself when the new colour degrades during a step", async () => {
    const account = fakeAccount({}, { unhealthyFrom: 3 });
    const lines: string[] = [];
    const code = await promote({ clients: account.clients, target, log: (l) => lines.push(l), clock: fakeClock() });
    expect(code).toBe(5);
    expect(account.weights).toEqual({ blue: 100, green: 0 });
    expect(account.desired.green).toBe(0);
    expect(account.calls).toContain(DeregisterTaskDefinitionCommand.name);
    expect(account.calls).toContain(PutParameterCommand.name);
    expect(account.calls).toContain(RegisterScalableTargetCommand.name);
    expect(account.outcome()).toBe("ABORTED");
    expect(account.reason()).toMatch(/degraded at 10%: 1 target\(s\) unhealthy: Target.ResponseCodeMismatch/);
  });

  test("stops moving traffic when the release was aborted meanwhile", async () => {
    const account = fakeAccount({});
    let sleeps = 0;
    const clock = fakeClock(() => {
      sleeps += 1;
      if (sleeps === 2) account.abortFromOutside();
    });
    const code = await promote({ clients: account.clients, target, log: () => undefined, clock });
    expect(code).toBe(5);
    expect(account.weights.green).toBeLessThan(100);
  });

  test("refuses when nothing was validated", async () => {
    const account = fakeAccount({ outcome: "COMPLETED" });
    await expect(
      promote({ clients: account.clients, target, log: () => undefined, clock: fakeClock() }),
    ).rejects.toThrow(/Nothing to promote: the last release of api is v2 \(COMPLETED\)/);
  });
});

describe("abort", () => {
  test("puts all traffic on the live colour and scales the candidate to zero", async () => {
    const account = fakeAccount({ outcome: "PROMOTING" });
    account.weights.blue = 50;
    account.weights.green = 50;
    expect(await abort({ clients: account.clients, target, log: () => undefined, clock: fakeClock() })).toBe(0);
    expect(account.weights).toEqual({ blue: 100, green: 0 });
    expect(account.desired.green).toBe(0);
    expect(account.outcome()).toBe("ABORTED");
  });

  test("refuses when there is nothing to abort", async () => {
    const account = fakeAccount({ outcome: "COMPLETED" });
    await expect(abort({ clients: account.clients, target, log: () => undefined, clock: fakeClock() })).rejects.toThrow(
      /Nothing to abort/,
    );
  });
});
