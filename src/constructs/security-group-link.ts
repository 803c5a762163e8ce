import { Construct } from "constructs";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

export interface SecurityGroupLinkProps {
  /** Security group of the side that opens connections. */
  readonly fromSecurityGroupId: string;
  /** Security group of the side that accepts them. */
  readonly toSecurityGroupId: string;
  readonly port: number;
  readonly description: string;
}

/**
 * One allowed TCP flow between two security groups: the egress rule on the caller and the matching ingress rule on
 * the callee, both referencing the other group rather than a CIDR. Every path between tiers (load balancer ->
 * service, service -> database) is one of these, so the whole chain can be read off the stack.
 */
export class SecurityGroupLink extends Construct {
  public readonly egress: VpcSecurityGroupEgressRule;
  public readonly ingress: VpcSecurityGroupIngressRule;

  constructor(scope: Construct, id: string, props: SecurityGroupLinkProps) {
    super(scope, id);
    const rule = { ipProtocol: "tcp", fromPort: props.port, toPort: props.port, description: props.description };
    this.egress = new VpcSecurityGroupEgressRule(this, "Egress", {
      ...rule,
      securityGroupId: props.fromSecurityGroupId,
      referencedSecurityGroupId: props.toSecurityGroupId,
    });
    this.ingress = new VpcSecurityGroupIngressRule(this, "Ingress", {
      ...rule,
      securityGroupId: props.toSecurityGroupId,
      referencedSecurityGroupId: props.fromSecurityGroupId,
    });
  }
}

/** Lets a security group open HTTPS connections anywhere (AWS APIs, ECR, the exec channel, third-party APIs). */
export function allowHttpsOut(
  scope: Construct,
  id: string,
  securityGroupId: string,
  description: string,
): VpcSecurityGroupEgressRule {
  return new VpcSecurityGroupEgressRule(scope, id, {
    securityGroupId,
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrIpv4: "0.0.0.0/0",
    description,
  });
}
