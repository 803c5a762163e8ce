import { Construct } from "constructs";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { SubnetLayout, SubnetTier } from "../lib/subnet-layout";

const ANYWHERE = "0.0.0.0/0";
/** Ports load balancers and NAT gateways answer from and to (AWS's documented range for them). */
const EPHEMERAL = { from: 1024, to: 65535 };
/**
 * Ports Linux clients (Fargate tasks, ECS-optimized instances) open outbound connections from. Return traffic into
 * the app tier is accepted only on these, so a service port below 32768 is never reachable through the return rule.
 */
export const LINUX_EPHEMERAL = { from: 32768, to: 65535 };

/**
 * Rule numbers used by {@link NetworkAcls}. A rule that repeats per CIDR or port adds `portIndex * 10 + azIndex`
 * to its base. Everything below 1000 belongs to this construct; add your own rules from 1000 up.
 */
export const NACL_RULE_NUMBERS = {
  public: {
    ingress: { https: 100, http: 110, ephemeral: 120 },
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

export interface NetworkAclsProps {
  readonly vpcId: string;
  /** Subnet ids per tier, in availability zone order. */
  readonly subnetIds: Record<SubnetTier, string[]>;
  /** Subnet CIDRs per tier, in the same order as `subnetIds`. */
  readonly subnetCidrs: SubnetLayout;
  /** Ports the public tier (the load balancer) may open in the app tier; empty when nothing is public. */
  readonly appPorts: number[];
  /** The database port the app tier may open in the database tier. */
  readonly databasePort: number;
  /**
   * Allow HTTPS between app subnets, which interface VPC endpoints in the app tier need.
   * @default false
   */
  readonly allowHttpsWithinApp?: boolean;
  readonly namePrefix: string;
}

/**
 * One network ACL per subnet tier, allowing only the traffic each tier needs:
 * - public: 80 and 443 from anywhere (the load balancer), return traffic, the app ports into the app tier;
 * - app: the app ports from the public tier only, HTTPS out (AWS APIs, through NAT or endpoints), the database port
 *   into the database tier, replies to the load balancer, return traffic on the Linux ephemeral ports only;
 * - database: the database port from the app tier only, replies to the app tier only; nothing to or from the
 *   internet.
 */
export class NetworkAcls extends Construct {
  public readonly acls: Record<SubnetTier, NetworkAcl>;

  constructor(scope: Construct, id: string, props: NetworkAclsProps) {
    super(scope, id);
    const allowHttpsWithinApp = props.allowHttpsWithinApp ?? false;
    if (props.appPorts.length > 10) {
      throw new Error(
        `NetworkAcls: appPorts may list at most 10 ports (rule numbers are spaced by 10), got ${props.appPorts.length}`,
      );
    }
    const clash = [...props.appPorts, props.databasePort].find((p) => p >= LINUX_EPHEMERAL.from);
    if (clash !== undefined) {
      throw new Error(
        `NetworkAcls: port ${clash} is in the Linux ephemeral range (${LINUX_EPHEMERAL.from}-${LINUX_EPHEMERAL.to}); ` +
          `use a service or database port below ${LINUX_EPHEMERAL.from}`,
      );
    }
    const acl = (tier: SubnetTier) =>
      new NetworkAcl(this, tier, {
        vpcId: props.vpcId,
        subnetIds: props.subnetIds[tier],
        tags: { Name: `${props.namePrefix}-${tier}`, Tier: tier },
      });
    this.acls = { public: acl("public"), app: acl("app"), database: acl("database") };
    const { public: publicCidrs, app: appCidrs, database: databaseCidrs } = props.subnetCidrs;
    const n = NACL_RULE_NUMBERS;

    const rule = (
      tier: SubnetTier,
      egress: boolean,
      ruleNumber: number,
      cidr: string,
      ports: { from: number; to: number },
    ) =>
      new NetworkAclRule(this, `${tier}-${egress ? "out" : "in"}-${ruleNumber}`, {
        networkAclId: this.acls[tier].id,
        ruleNumber,
        egress,
        protocol: "tcp",
        ruleAction: "allow",
        cidrBlock: cidr,
        fromPort: ports.from,
        toPort: ports.to,
      });
    const port = (p: number) => ({ from: p, to: p });

    // Public tier: the load balancer and the NAT gateways.
    rule("public", false, n.public.ingress.https, ANYWHERE, port(443));
    rule("public", false, n.public.ingress.http, ANYWHERE, port(80));
    rule("public", false, n.public.ingress.ephemeral, ANYWHERE, EPHEMERAL);
    rule("public", true, n.public.egress.ephemeral, ANYWHERE, EPHEMERAL);
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
    rule("app", false, n.app.ingress.ephemeral, ANYWHERE, LINUX_EPHEMERAL);
    rule("app", true, n.app.egress.https, ANYWHERE, port(443));
    databaseCidrs.forEach((cidr, ai) =>
      rule("app", true, n.app.egress.databaseToDatabase + ai, cidr, port(props.databasePort)),
    );
    // Replies to the load balancer.
    publicCidrs.forEach((cidr, ai) => rule("app", true, n.app.egress.ephemeralToPublic + ai, cidr, EPHEMERAL));
    if (allowHttpsWithinApp) {
      // Interface endpoints sit in the app subnets: HTTPS in from the other app subnets, and the replies.
      appCidrs.forEach((cidr, ai) => {
        rule("app", false, n.app.ingress.httpsFromApp + ai, cidr, port(443));
        rule("app", true, n.app.egress.ephemeralToApp + ai, cidr, LINUX_EPHEMERAL);
      });
    }

    // Database tier: only the app tier, only the database port.
    appCidrs.forEach((cidr, ai) => {
      rule("database", false, n.database.ingress.databaseFromApp + ai, cidr, port(props.databasePort));
      rule("database", true, n.database.egress.ephemeralToApp + ai, cidr, LINUX_EPHEMERAL);
    });
  }
}
