import { LINUX_EPHEMERAL_PORTS } from "../aws-limits";
import { SubnetLayout, SubnetTier } from "../lib/subnet-layout";

/**
 * The rules {@link NetworkAcls} creates, computed as data: the construct turns each into a resource, the environment
 * loader counts them against AWS's quota, and tests evaluate them packet by packet, all from this one function.
 */

const ANYWHERE = "0.0.0.0/0";
/** Ports load balancers and NAT gateways answer from and to (AWS's documented range for them). */
export const ELB_AND_NAT_EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

/**
 * Rule numbers used by {@link NetworkAcls}. A rule that repeats per CIDR or port adds `portIndex * 10 + azIndex`
 * to its base. Everything below 1000 belongs to the construct; add your own rules from 1000 up.
 */
export const NACL_RULE_NUMBERS = {
  public: {
    ingress: { https: 100, http: 110, ephemeral: 120, testListener: 130 },
    egress: { ephemeral: 100, https: 110, appPortsToApp: 200 },
  },
  app: {
    ingress: { appPortsFromPublic: 100, ephemeral: 300, httpsFromApp: 400 },
    egress: { https: 100, databaseToDatabase: 200, ephemeralToPublic: 300, ephemeralToApp: 320 },
  },
  database: {
    ingress: { databaseFromApp: 100 },
    egress: { ephemeralToApp: 100 },
  },
} as const;
/** The first rule number left to users. */
export const FIRST_USER_RULE_NUMBER = 1000;
/** Rule numbers of a repeated rule are spaced by 10 per port, so at most this many ports fit. */
export const MAX_APP_PORTS = 10;

export interface NetworkAclRulePlanProps {
  /** Subnet CIDRs per tier, in availability zone order. */
  readonly subnetCidrs: SubnetLayout;
  /** Ports the public tier (the load balancer) may open in the app tier; empty when nothing is public. */
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

/**
 * Every rule, per tier:
 * - public: 80 and 443 from anywhere (the load balancer), return traffic, the app ports into the app tier;
 * - app: the app ports from the public tier only, HTTPS out (AWS APIs, through NAT or endpoints), the database port
 *   into the database tier, replies to the load balancer, return traffic on the Linux ephemeral ports only;
 * - database: the database port from the app tier only, replies to the app tier only; nothing to or from the
 *   internet.
 */
export function networkAclRules(props: NetworkAclRulePlanProps): NetworkAclRuleSpec[] {
  if ((props.testListener?.allowedCidrs.length ?? 0) > 10) {
    throw new Error(`NetworkAcls: the test listener may be open to at most 10 CIDRs (rule numbers 130-139)`);
  }
  if (props.appPorts.length > MAX_APP_PORTS) {
    throw new Error(
      `NetworkAcls: appPorts may list at most ${MAX_APP_PORTS} ports (rule numbers are spaced by 10), got ${props.appPorts.length}`,
    );
  }
  const clash = [...props.appPorts, props.databasePort].find((p) => p >= LINUX_EPHEMERAL_PORTS.from);
  if (clash !== undefined) {
    throw new Error(
      `NetworkAcls: port ${clash} is in the Linux ephemeral range (${LINUX_EPHEMERAL_PORTS.from}-${LINUX_EPHEMERAL_PORTS.to}); ` +
        `use a service or database port below ${LINUX_EPHEMERAL_PORTS.from}`,
    );
  }
  const { public: publicCidrs, app: appCidrs, database: databaseCidrs } = props.subnetCidrs;
  const n = NACL_RULE_NUMBERS;
  const rules: NetworkAclRuleSpec[] = [];
  const rule = (
    tier: SubnetTier,
    egress: boolean,
    ruleNumber: number,
    cidr: string,
    ports: { readonly from: number; readonly to: number },
  ) => rules.push({ tier, egress, ruleNumber, cidr, fromPort: ports.from, toPort: ports.to });
  const port = (p: number) => ({ from: p, to: p });

  // Public tier: the load balancer and the NAT gateways.
  rule("public", false, n.public.ingress.https, ANYWHERE, port(443));
  rule("public", false, n.public.ingress.http, ANYWHERE, port(80));
  rule("public", false, n.public.ingress.ephemeral, ANYWHERE, ELB_AND_NAT_EPHEMERAL_PORTS);
  props.testListener?.allowedCidrs.forEach((cidr, i) =>
    rule("public", false, n.public.ingress.testListener + i, cidr, port(props.testListener!.port)),
  );
  rule("public", true, n.public.egress.ephemeral, ANYWHERE, ELB_AND_NAT_EPHEMERAL_PORTS);
  rule("public", true, n.public.egress.https, ANYWHERE, port(443));
  props.appPorts.forEach((p, pi) =>
    appCidrs.forEach((cidr, ai) => rule("public", true, n.public.egress.appPortsToApp + pi * 10 + ai, cidr, port(p))),
  );

  // App tier: ECS tasks and container instances.
  props.appPorts.forEach((p, pi) =>
    publicCidrs.forEach((cidr, ai) =>
      rule("app", false, n.app.ingress.appPortsFromPublic + pi * 10 + ai, cidr, port(p)),
    ),
  );
  // Replies from the internet (through NAT), AWS APIs and the database tier.
  rule("app", false, n.app.ingress.ephemeral, ANYWHERE, LINUX_EPHEMERAL_PORTS);
  rule("app", true, n.app.egress.https, ANYWHERE, port(443));
  databaseCidrs.forEach((cidr, ai) =>
    rule("app", true, n.app.egress.databaseToDatabase + ai, cidr, port(props.databasePort)),
  );
  // Replies to the load balancer.
  publicCidrs.forEach((cidr, ai) =>
    rule("app", true, n.app.egress.ephemeralToPublic + ai, cidr, ELB_AND_NAT_EPHEMERAL_PORTS),
  );
  if (props.allowHttpsWithinApp) {
    // Interface endpoints sit in the app subnets: HTTPS in from the other app subnets, and the replies.
    appCidrs.forEach((cidr, ai) => {
      rule("app", false, n.app.ingress.httpsFromApp + ai, cidr, port(443));
      rule("app", true, n.app.egress.ephemeralToApp + ai, cidr, LINUX_EPHEMERAL_PORTS);
    });
  }

  // Database tier: only the app tier, only the database port.
  appCidrs.forEach((cidr, ai) => {
    rule("database", false, n.database.ingress.databaseFromApp + ai, cidr, port(props.databasePort));
    rule("database", true, n.database.egress.ephemeralToApp + ai, cidr, LINUX_EPHEMERAL_PORTS);
  });
  return rules;
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
