// Security group rules as one list per group and direction, whichever way they are written: standalone
// aws_vpc_security_group_*_rule resources, legacy aws_security_group_rule resources or inline blocks.
import { refTarget, resourcesOf, Synthesized } from "./stacks";
import { configAt } from "./terraform";

export type Direction = "ingress" | "egress";

export interface SecurityGroupRule {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  /** IPv4 and IPv6 CIDR blocks and prefix lists the rule admits. */
  readonly cidrs: string[];
  /** Security groups the rule admits, as addresses ("aws_security_group.<name>") or literal ids. */
  readonly groups: string[];
}

/** Address of the security group tagged Name=`name`. */
export function securityGroupNamed(parsed: Synthesized, name: string): string {
  const matches = Object.entries(parsed.resource.aws_security_group ?? {}).filter(
    ([, sg]) => (sg.tags as Record<string, string> | undefined)?.Name === name,
  );
  if (matches.length !== 1) throw new Error(`expected one security group named ${name}, found ${matches.length}`);
  return `aws_security_group.${matches[0][0]}`;
}

function target(ref: unknown): string {
  try {
    return refTarget(ref);
  } catch {
    return String(ref);
  }
}

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];

/** The rules of one direction of a security group. */
export function rulesOf(parsed: Synthesized, groupAddress: string, direction: Direction): SecurityGroupRule[] {
  const standalone = resourcesOf(parsed, `aws_vpc_security_group_${direction}_rule`)
    .filter((r) => target(r.security_group_id) === groupAddress)
    .map((r) => ({
      protocol: String(r.ip_protocol),
      fromPort: r.from_port as number | undefined,
      toPort: r.to_port as number | undefined,
      cidrs: [...list(r.cidr_ipv4), ...list(r.cidr_ipv6), ...list(r.prefix_list_id)],
      groups: list(r.referenced_security_group_id).map(target),
    }));
  const legacy = resourcesOf(parsed, "aws_security_group_rule")
    .filter((r) => r.type === direction && target(r.security_group_id) === groupAddress)
    .map((r) => ({
      protocol: String(r.protocol),
      fromPort: r.from_port as number | undefined,
      toPort: r.to_port as number | undefined,
      cidrs: [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks), ...list(r.prefix_list_ids)],
      groups: [...list(r.source_security_group_id).map(target), ...(r.self ? [groupAddress] : [])],
    }));
  const inline = ((configAt(parsed, groupAddress)[direction] ?? []) as Record<string, unknown>[]).map((r) => ({
    protocol: String(r.protocol),
    fromPort: r.from_port as number | undefined,
    toPort: r.to_port as number | undefined,
    cidrs: [...list(r.cidr_blocks), ...list(r.ipv6_cidr_blocks), ...list(r.prefix_list_ids)],
    groups: [...list(r.security_groups).map(target), ...(r.self ? [groupAddress] : [])],
  }));
  return [...standalone, ...legacy, ...inline];
}

/** A rule as [peer, from, to] for compact comparisons; the peer is a CIDR or a group address. */
export function flows(rules: SecurityGroupRule[]): [string, number | undefined, number | undefined][] {
  return rules
    .flatMap((r) =>
      [...r.cidrs, ...r.groups].map((peer): [string, number | undefined, number | undefined] => [
        peer,
        r.fromPort,
        r.toPort,
      ]),
    )
    .sort((a, b) => `${a[0]}:${a[1]}`.localeCompare(`${b[0]}:${b[1]}`));
}
