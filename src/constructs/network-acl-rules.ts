import { LINUX_EPHEMERAL_PORTS } from "../aws-limits";
import { Cidr, contains, formatCidr, mustParseCidr, overlaps } from "../lib/cidr";
import { SUBNET_TIERS, SubnetLayout, SubnetTier } from "../lib/subnet-layout";

/**
 * The rules {@link NetworkAcls} creates, computed as data: the construct turns each into a resource, the environment
 * loader counts them against AWS's quota, and tests evaluate them packet by packet, all from this one function.
 *
 * A rule is identified by what it allows: its tier, direction, protocol, port range and CIDR. Its Terraform address
 * and its rule number are both derived from that content, never from its place in a list, so adding, removing or
 * reordering services leaves every other rule untouched (see {@link assignRuleNumbers} for the numbers).
 */

const ANYWHERE = "0.0.0.0/0";
/** Ports load balancers and NAT gateways answer from and to (AWS's documented range for them). */
export const ELB_AND_NAT_EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
/**
 * Ports no rule admits from the internet (SSH and RDP; AWS Foundational Security Best Practices EC2.21). The
 * public tier's replies from the internet come on the ephemeral range with these ports cut out: a NAT gateway
 * connection that happens to use one of them as its public source port gets no reply and is retried by the client.
 */
export const ADMIN_PORTS = [22, 3389] as const;

/**
 * Rule numbers the construct takes: every rule gets one in this range, from a hash of its content. Numbers below
 * (1-999, evaluated first, so a deny there wins) and above (30000-32766) are left to your own rules.
 */
export const RULE_NUMBER_RANGE = { from: 1000, to: 29999 } as const;

export interface NetworkAclRulePlanProps {
  /** Subnet CIDRs per tier, in availability zone order. */
  readonly subnetCidrs: SubnetLayout;
  /**
   * Ports the public tier (the load balancer) may open in the app tier; empty when nothing is public. Services may
   * share a port: each distinct port is one rule per direction.
   */
  readonly appPorts: number[];
  /** The database port the app tier may open in the database tier. */
  readonly databasePort: number;
  /** Allow HTTPS between app subnets, which interface VPC endpoints in the app tier need. */
  readonly allowHttpsWithinApp: boolean;
  /** The load balancer's blue/green test listener: its port, reachable from these CIDRs only. @default - none */
  readonly testListener?: { readonly port: number; readonly allowedCidrs: readonly string[] };
}

/** One allow rule for TCP. */
export interface NetworkAclRuleSpec {
  readonly tier: SubnetTier;
  readonly egress: boolean;
  readonly ruleNumber: number;
  readonly cidr: string;
  readonly fromPort: number;
  readonly toPort: number;
}

type UnnumberedRule = Omit<NetworkAclRuleSpec, "ruleNumber">;

/**
 * What a rule allows, as text: `tcp 8080 10.10.0.0/19` or `tcp 1024-3388 0.0.0.0/0`. Unique within one ACL and
 * direction; the rule's number and construct id are derived from it.
 */
export function ruleContent(rule: Pick<NetworkAclRuleSpec, "cidr" | "fromPort" | "toPort">): string {
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return `tcp ${ports} ${rule.cidr}`;
}

/**
 * Construct id (and so Terraform address) of a rule: tier, direction and content, e.g.
 * `app-in-tcp-8080-10_10_0_0_19` or `public-in-tcp-1024to3388-0_0_0_0_0`.
 */
export function ruleId(rule: UnnumberedRule): string {
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}to${rule.toPort}`;
  return `${rule.tier}-${rule.egress ? "out" : "in"}-tcp-${ports}-${rule.cidr.replace(/[./]/g, "_")}`;
}

/** The number a rule asks for: FNV-1a (32 bit) of its content, folded into {@link RULE_NUMBER_RANGE}. */
export function preferredRuleNumber(content: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < content.length; i++) {
    hash ^= content.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return RULE_NUMBER_RANGE.from + (hash % (RULE_NUMBER_RANGE.to - RULE_NUMBER_RANGE.from + 1));
}

/**
 * Numbers the rules of each ACL and direction. Each rule takes its preferred number (a hash of its content) or, when
 * another rule of the same ACL and direction holds it, the first free number of its own sequence of further hashes
 * (of its content followed by ` #1`, ` #2`, ...). Rules claim in order of preferred number, then content, so the
 * result depends only on the set of rules, never on their order.
 *
 * Why not a fixed table: a rule's number is part of its identity. If a content change kept the number, Terraform
 * would create the new rule (a new address) while destroying the old one in parallel, and AWS refuses two entries
 * with one number. Numbers from the content also keep every rule's number when other rules come and go, with one
 * unavoidable exception: no numbering of more possible rules than there are numbers can be both unique and
 * independent of the other rules. When two rules' hashes meet, the one that claims later moves to its next hash (a
 * random other number, so the move does not cascade), and it moves back when the other goes. With the 20 rules a
 * direction holds by default among 29,000 numbers, an added rule meets another's number about once in 1,500
 * additions, and in half of those the existing rule is the one that moves (it is then replaced).
 */
export function assignRuleNumbers(rules: UnnumberedRule[]): NetworkAclRuleSpec[] {
  const claims = rules
    .map((rule) => ({ rule, content: ruleContent(rule), preferred: preferredRuleNumber(ruleContent(rule)) }))
    .sort((a, b) => a.preferred - b.preferred || (a.content < b.content ? -1 : a.content > b.content ? 1 : 0));
  const taken = new Map<string, Set<number>>();
  const numbered = new Map<UnnumberedRule, number>();
  for (const { rule, content, preferred } of claims) {
    const acl = `${rule.tier} ${rule.egress}`;
    const used = taken.get(acl) ?? new Set<number>();
    taken.set(acl, used);
    let n = preferred;
    for (let attempt = 1; used.has(n); attempt++) n = preferredRuleNumber(`${content} #${attempt}`);
    used.add(n);
    numbered.set(rule, n);
  }
  return rules.map((rule) => ({ ...rule, ruleNumber: numbered.get(rule)! }));
}

/**
 * The fewest CIDR blocks that hold every subnet of a tier and no subnet of another tier: the smallest block covering
 * the whole tier when it is clean (one rule instead of one per zone; the derived layout always gets one), otherwise
 * the halves of that block, and so on down to single subnets.
 */
export function tierBlocks(layout: SubnetLayout, tier: SubnetTier): string[] {
  const others = SUBNET_TIERS.filter((t) => t !== tier).flatMap((t) => layout[t].map(mustParseCidr));
  const cover = (cidrs: Cidr[]): Cidr => {
    let block = cidrs[0];
    while (!cidrs.every((c) => contains(block, c))) {
      const prefix = block.prefix - 1;
      block = { network: prefix === 0 ? 0 : (block.network & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0, prefix };
    }
    return block;
  };
  const split = (cidrs: Cidr[]): Cidr[] => {
    if (cidrs.length === 0) return [];
    const block = cover(cidrs);
    if (cidrs.length === 1 || !others.some((o) => overlaps(block, o))) return [block];
    const half = 2 ** (31 - block.prefix);
    const low = cidrs.filter((c) => c.network < block.network + half);
    return [...split(low), ...split(cidrs.filter((c) => !low.includes(c)))];
  };
  const unique = [...new Set(layout[tier])].map(mustParseCidr);
  return split(unique).map(formatCidr);
}

/**
 * Every rule, per tier (each "tier" below is the blocks of {@link tierBlocks}, usually one CIDR):
 * - public: 80 and 443 from anywhere (the load balancer); replies from the internet on the ephemeral range except
 *   {@link ADMIN_PORTS}; replies from the app tier on the whole range; the app ports into the app tier;
 * - app: the app ports from the public tier only, HTTPS out (AWS APIs, through NAT or endpoints), the database port
 *   into the database tier, replies to the load balancer, return traffic on the Linux ephemeral ports only;
 * - database: the database port from the app tier only, replies to the app tier only; nothing to or from the
 *   internet.
 * Services sharing a port share its rules.
 */
export function networkAclRules(props: NetworkAclRulePlanProps): NetworkAclRuleSpec[] {
  const clash = [...props.appPorts, props.databasePort].find((p) => p >= LINUX_EPHEMERAL_PORTS.from);
  if (clash !== undefined) {
    throw new Error(
      `NetworkAcls: port ${clash} is in the Linux ephemeral range (${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to}); ` +
        `use a service or database port below ${LINUX_EPHEMERAL_PORTS.from}`,
    );
  }
  const blocks = {
    public: tierBlocks(props.subnetCidrs, "public"),
    app: tierBlocks(props.subnetCidrs, "app"),
    database: tierBlocks(props.subnetCidrs, "database"),
  };
  const appPorts = [...new Set(props.appPorts)].sort((a, b) => a - b);
  const rules = new Map<string, UnnumberedRule>();
  const rule = (
    tier: SubnetTier,
    egress: boolean,
    cidrs: readonly string[],
    ports: { readonly from: number; readonly to: number },
  ) => {
    for (const cidr of cidrs) {
      const spec = { tier, egress, cidr, fromPort: ports.from, toPort: ports.to };
      rules.set(ruleId(spec), spec);
    }
  };
  const port = (p: number) => ({ from: p, to: p });
  const IN = false;
  const OUT = true;

  // Public tier: the load balancer and the NAT gateways.
  rule("public", IN, [ANYWHERE], port(443));
  rule("public", IN, [ANYWHERE], port(80));
  for (const range of excluding(ELB_AND_NAT_EPHEMERAL_PORTS, ADMIN_PORTS)) rule("public", IN, [ANYWHERE], range);
  if (appPorts.length > 0) rule("public", IN, blocks.app, ELB_AND_NAT_EPHEMERAL_PORTS);
  if (props.testListener) rule("public", IN, props.testListener.allowedCidrs, port(props.testListener.port));
  rule("public", OUT, [ANYWHERE], ELB_AND_NAT_EPHEMERAL_PORTS);
  rule("public", OUT, [ANYWHERE], port(443));
  for (const p of appPorts) rule("public", OUT, blocks.app, port(p));

  // App tier: ECS tasks and container instances.
  for (const p of appPorts) rule("app", IN, blocks.public, port(p));
  // Replies from the internet (through NAT), AWS APIs and the database tier.
  rule("app", IN, [ANYWHERE], LINUX_EPHEMERAL_PORTS);
  rule("app", OUT, [ANYWHERE], port(443));
  rule("app", OUT, blocks.database, port(props.databasePort));
  // Replies to the load balancer.
  rule("app", OUT, blocks.public, ELB_AND_NAT_EPHEMERAL_PORTS);
  if (props.allowHttpsWithinApp) {
    // Interface endpoints sit in the app subnets: HTTPS in from the other app subnets, and the replies.
    rule("app", IN, blocks.app, port(443));
    rule("app", OUT, blocks.app, LINUX_EPHEMERAL_PORTS);
  }

  // Database tier: only the app tier, only the database port.
  rule("database", IN, blocks.app, port(props.databasePort));
  rule("database", OUT, blocks.app, LINUX_EPHEMERAL_PORTS);
  return assignRuleNumbers([...rules.values()]);
}

/** A port range with some ports cut out, as the ranges left. */
function excluding(
  range: { readonly from: number; readonly to: number },
  ports: readonly number[],
): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  let from = range.from;
  for (const p of [...ports].sort((a, b) => a - b)) {
    if (p < from || p > range.to) continue;
    if (p > from) ranges.push({ from, to: p - 1 });
    from = p + 1;
  }
  if (from <= range.to) ranges.push({ from, to: range.to });
  return ranges;
}

/** The largest number of rules any one network ACL holds in one direction, and where. */
export function busiestNetworkAclDirection(rules: NetworkAclRuleSpec[]): {
  tier: SubnetTier;
  egress: boolean;
  count: number;
} {
  let busiest = { tier: "public" as SubnetTier, egress: false, count: 0 };
  for (const { tier, egress } of rules) {
    const count = rules.filter((r) => r.tier === tier && r.egress === egress).length;
    if (count > busiest.count) busiest = { tier, egress, count };
  }
  return busiest;
}
