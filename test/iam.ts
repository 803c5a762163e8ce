import { refTarget, resourcesOf, Synthesized } from "./stacks";
import { configAt, dataTarget } from "./terraform";

/** One statement of an aws_iam_policy_document data source, as synthesized. */
export interface PolicyStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** The statements of a policy given as a data source reference ("${data.aws_iam_policy_document.x.json}") or as JSON. */
export function statementsOf(parsed: Synthesized, policy: unknown): PolicyStatement[] {
  const text = String(policy);
  if (text.startsWith("${data.aws_iam_policy_document.")) {
    return (configAt(parsed, dataTarget(text)).statement ?? []) as PolicyStatement[];
  }
  const doc = JSON.parse(text) as { Statement: Record<string, unknown>[] };
  return doc.Statement.map((s) => ({
    sid: s.Sid as string | undefined,
    effect: s.Effect as string | undefined,
    actions: [s.Action ?? []].flat() as string[],
    resources: [s.Resource ?? []].flat() as string[],
  }));
}

/** Inline policies (aws_iam_role_policy) of a role, given as "aws_iam_role.<name>". */
export function inlinePoliciesOf(parsed: Synthesized, roleAddress: string): Record<string, unknown>[] {
  return resourcesOf(parsed, "aws_iam_role_policy").filter((p) => refTarget(p.role) === roleAddress);
}

/** Every statement of every inline policy of a role. */
export function roleStatements(parsed: Synthesized, roleAddress: string): PolicyStatement[] {
  return inlinePoliciesOf(parsed, roleAddress).flatMap((p) => statementsOf(parsed, p.policy));
}

/** ARNs of the managed policies attached to a role. */
export function attachedPolicyArns(parsed: Synthesized, roleAddress: string): string[] {
  return resourcesOf(parsed, "aws_iam_role_policy_attachment")
    .filter((a) => refTarget(a.role) === roleAddress)
    .map((a) => String(a.policy_arn));
}

/** The resources granted, across statements, for actions of one service prefix (e.g. "ssm", "secretsmanager"). */
export function resourcesForService(statements: PolicyStatement[], service: string): string[] {
  return statements
    .filter((s) => s.effect === "Allow" && (s.actions ?? []).some((a) => a === "*" || a.startsWith(`${service}:`)))
    .flatMap((s) => s.resources ?? []);
}
