import { contains, mustParseCidr } from "../src/lib/cidr";

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
