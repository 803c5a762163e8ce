import { Testing } from "cdktf";
import { RotationRestart, RotationRestartProps, UPDATE_SERVICE_RESOURCE } from "../../src/constructs/rotation-restart";
import { Synthesized } from "../../test/stacks";

const PROPS: RotationRestartProps = {
  namePrefix: "acme-dev",
  accountId: "222222222222",
  secretArn: "arn:aws:secretsmanager:us-east-1:222222222222:secret:rds!db-1234-AbCdEf",
  clusterArn: "arn:aws:ecs:us-east-1:222222222222:cluster/acme-dev-cluster",
  services: {
    api: "arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-api",
    "web-blue": "arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-web-blue",
    "web-green": "arn:aws:ecs:us-east-1:222222222222:service/acme-dev-cluster/acme-dev-web-green",
  },
};

type Statement = {
  actions: string[];
  resources?: string[];
  principals?: { identifiers: string[] }[];
  condition?: unknown;
};

function synth(props: RotationRestartProps = PROPS): Synthesized {
  return JSON.parse(Testing.synthScope((scope) => new RotationRestart(scope, "Restart", props))) as Synthesized;
}

function only<T>(parsed: Synthesized, type: string): T {
  const all = Object.values(parsed.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0] as T;
}

function policy(parsed: Synthesized, idPart: string): Statement[] {
  const docs = parsed.data!.aws_iam_policy_document as Record<string, { statement: Statement[] }>;
  return Object.entries(docs).find(([id]) => id.includes(idPart))![1].statement;
}

describe("RotationRestart", () => {
  const parsed = synth();
  const rule = only<{ event_pattern: string }>(parsed, "aws_cloudwatch_event_rule");
  const machine = only<{ definition: string; role_arn: string }>(parsed, "aws_sfn_state_machine");
  const definition = JSON.parse(machine.definition) as {
    StartAt: string;
    States: Record<
      string,
      { Type: string; Branches: { StartAt: string; States: Record<string, Record<string, unknown>> }[] }
    >;
  };

  test("matches only a successful rotation of the given secret", () => {
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.secretsmanager"],
      "detail-type": ["AWS Service Event via CloudTrail"],
      detail: {
        eventSource: ["secretsmanager.amazonaws.com"],
        eventName: ["RotationSucceeded"],
        additionalEventData: { SecretId: [PROPS.secretArn] },
      },
    });
  });

  test("forces a new deployment of every reading service, both colours of a blue/green one, in parallel", () => {
    const parallel = definition.States[definition.StartAt];
    expect(parallel.Type).toBe("Parallel");
    const tasks = parallel.Branches.map((b) => b.States[b.StartAt]);
    expect(tasks.map((t) => t.Resource)).toEqual([
      UPDATE_SERVICE_RESOURCE,
      UPDATE_SERVICE_RESOURCE,
      UPDATE_SERVICE_RESOURCE,
    ]);
    expect(tasks.map((t) => t.Parameters)).toEqual(
      Object.values(PROPS.services).map((service) => ({
        Cluster: PROPS.clusterArn,
        Service: service,
        ForceNewDeployment: true,
      })),
    );
    expect(parallel.Branches.map((b) => b.StartAt)).toEqual(["api", "web-blue", "web-green"]);
  });

  test("the rule's target is the state machine, started with a role that may start only it", () => {
    const target = only<{ arn: string; role_arn: string; rule: string }>(parsed, "aws_cloudwatch_event_target");
    expect(target.arn).toMatch(/^\$\{aws_sfn_state_machine\.Restart_StateMachine_[A-Z0-9]+\.arn\}$/);
    expect(target.role_arn).toMatch(/^\$\{aws_iam_role\.Restart_EventsRole_[A-Z0-9]+\.arn\}$/);
    expect(policy(parsed, "StartPolicy")).toEqual([
      expect.objectContaining({ actions: ["states:StartExecution"], resources: [target.arn] }),
    ]);
  });

  test("the state machine may call UpdateService on the reading services and nothing else", () => {
    expect(policy(parsed, "RestartPolicy")).toEqual([
      expect.objectContaining({ actions: ["ecs:UpdateService"], resources: Object.values(PROPS.services) }),
    ]);
  });

  test("each role trusts only its AWS service, on behalf of this account", () => {
    for (const [id, service] of [
      ["StateMachineTrust", "states.amazonaws.com"],
      ["EventsTrust", "events.amazonaws.com"],
    ]) {
      const [statement] = policy(parsed, id);
      expect(statement.principals).toEqual([{ type: "Service", identifiers: [service] }]);
      expect(statement.condition).toEqual([
        { test: "StringEquals", variable: "aws:SourceAccount", values: [PROPS.accountId] },
      ]);
    }
  });

  test("rejects no services and labels that cannot name a state", () => {
    expect(() => synth({ ...PROPS, services: {} })).toThrow(/services must name at least one service/);
    expect(() => synth({ ...PROPS, services: { "web blue": "arn:x" } })).toThrow(/service labels must be.*web blue/);
  });
});
