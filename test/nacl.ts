import { NetworkAclRuleSpec } from "../src/constructs/network-acl-rules";
import { contains, mustParseCidr } from "../src/lib/cidr";
import { SubnetTier } from "../src/lib/subnet-layout";
import { refTarget, resourcesOf, Synthesized } from "./stacks";

export interface NaclRule {
  network_acl_id: string;
  rule_number: number;
  egress: boolean;
  protocol: string;
  rule_action: string;
  cidr_block: string;
  from_port: number;
  to_port: number;
}

/**
 * Evaluates network ACL rules as AWS does: lowest rule number first, first match wins, implicit deny at the end.
 * `peer` is the address (or a whole CIDR, which must fall entirely inside a rule's block) on the other side.
 */
export function naclAllows(rules: NaclRule[], direction: "ingress" | "egress", peer: string, port: number): boolean {
  const peerCidr = mustParseCidr(peer.includes("/") ? peer : `${peer}/32`);
  const ordered = rules
    .filter((r) => r.egress === (direction === "egress"))
    .sort((a, b) => a.rule_number - b.rule_number);
  for (const rule of ordered) {
    const protocolMatches = rule.protocol === "tcp" || rule.protocol === "-1" || rule.protocol === "6";
    if (
      protocolMatches &&
      contains(mustParseCidr(rule.cidr_block), peerCidr) &&
      port >= rule.from_port &&
      port <= rule.to_port
    ) {
      return rule.rule_action === "allow";
    }
  }
  return false;
}

/** The planned rules of one tier (networkAclRules), as the allow rules NetworkAcls turns them into. */
export function plannedRules(plan: NetworkAclRuleSpec[], tier: SubnetTier): NaclRule[] {
  return plan
    .filter((r) => r.tier === tier)
    .map((r) => ({
      network_acl_id: tier,
      rule_number: r.ruleNumber,
      egress: r.egress,
      protocol: "tcp",
      rule_action: "allow",
      cidr_block: r.cidr,
      from_port: r.fromPort,
      to_port: r.toPort,
    }));
}

/** Address of the network ACL of a tier (the one tagged Tier=<tier>). */
export function aclOfTier(parsed: Synthesized, tier: SubnetTier): string {
  const names = Object.entries(parsed.resource.aws_network_acl ?? {})
    .filter(([, acl]) => (acl.tags as Record<string, string> | undefined)?.Tier === tier)
    .map(([name]) => `aws_network_acl.${name}`);
  if (names.length !== 1) throw new Error(`expected one network ACL for the ${tier} tier, found ${names.length}`);
  return names[0];
}

/** The synthesized aws_network_acl_rule resources on the ACL of a tier. */
export function synthesizedRules(parsed: Synthesized, tier: SubnetTier): NaclRule[] {
  const acl = aclOfTier(parsed, tier);
  return (resourcesOf(parsed, "aws_network_acl_rule") as unknown as NaclRule[]).filter(
    (r) => refTarget(r.network_acl_id) === acl,
  );
}
