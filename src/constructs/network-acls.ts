import { Construct } from "constructs";
import { NetworkAcl } from "@cdktf/provider-aws/lib/network-acl";
import { NetworkAclRule } from "@cdktf/provider-aws/lib/network-acl-rule";
import { SubnetLayout, SubnetTier } from "../lib/subnet-layout";
import { networkAclRules, ruleId } from "./network-acl-rules";

export interface NetworkAclsProps {
  readonly vpcId: string;
  /** Subnet ids per tier, in availability zone order. */
  readonly subnetIds: Record<SubnetTier, string[]>;
  /** Subnet CIDRs per tier, in the same order as `subnetIds`. */
  readonly subnetCidrs: SubnetLayout;
  /** Ports the public tier (the load balancer) may open in the app tier, repeats allowed; empty when nothing is public. */
  readonly appPorts: number[];
  /** The database port the app tier may open in the database tier. */
  readonly databasePort: number;
  /** Allow HTTPS between app subnets, which interface VPC endpoints in the app tier need. */
  readonly allowHttpsWithinApp: boolean;
  /** The load balancer's blue/green test listener port and who may reach it. @default - none */
  readonly testListener?: { readonly port: number; readonly allowedCidrs: readonly string[] };
  /** Prefix of the ACLs' Name tags. */
  readonly namePrefix: string;
}

/**
 * One network ACL per subnet tier, allowing only the traffic each tier needs (the rules are listed by
 * {@link networkAclRules}). Each rule's id, and so its Terraform address, says what it allows (tier, direction,
 * protocol, ports, CIDR), e.g. `app-in-tcp-8080-10_10_0_0_19`, and its number comes from the same content, so a
 * change elsewhere in the list never replaces it.
 */
export class NetworkAcls extends Construct {
  public readonly acls: Record<SubnetTier, NetworkAcl>;

  constructor(scope: Construct, id: string, props: NetworkAclsProps) {
    super(scope, id);
    const rules = networkAclRules(props);
    const acl = (tier: SubnetTier) =>
      new NetworkAcl(this, tier, {
        vpcId: props.vpcId,
        subnetIds: props.subnetIds[tier],
        tags: { Name: `${props.namePrefix}-${tier}`, Tier: tier },
      });
    this.acls = { public: acl("public"), app: acl("app"), database: acl("database") };
    for (const rule of rules) {
      new NetworkAclRule(this, ruleId(rule), {
        networkAclId: this.acls[rule.tier].id,
        ruleNumber: rule.ruleNumber,
        egress: rule.egress,
        protocol: "tcp",
        ruleAction: "allow",
        cidrBlock: rule.cidr,
        fromPort: rule.fromPort,
        toPort: rule.toPort,
      });
    }
  }
}
