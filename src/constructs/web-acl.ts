import { Construct } from "constructs";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";

/** AWS managed rule groups every web ACL here runs, in evaluation order. */
export const MANAGED_RULE_GROUPS = [
  "AWSManagedRulesAmazonIpReputationList",
  "AWSManagedRulesKnownBadInputsRuleSet",
  "AWSManagedRulesCommonRuleSet",
] as const;

export interface WebAclProps {
  /** Name of the web ACL and prefix of its CloudWatch metrics. */
  readonly name: string;
  /** The regional resource (an Application Load Balancer) the web ACL protects. */
  readonly resourceArn: string;
  /** Requests one client IP may send in any 5 minutes before WAF blocks it. */
  readonly rateLimitPer5Minutes: number;
}

/**
 * A regional AWS WAF web ACL in front of a load balancer: first a per-client-IP rate limit, then AWS's managed IP
 * reputation, known bad inputs and common rule groups (each blocking what it matches), and everything else allowed.
 * Every rule publishes CloudWatch metrics and keeps sampled requests.
 */
export class WebAcl extends Construct {
  public readonly webAcl: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    if (!Number.isInteger(props.rateLimitPer5Minutes) || props.rateLimitPer5Minutes < 10) {
      throw new Error(`WebAcl: rateLimitPer5Minutes must be a whole number >= 10, got ${props.rateLimitPer5Minutes}`);
    }
    const visibility = (metric: string) => ({
      cloudwatchMetricsEnabled: true,
      metricName: `${props.name}-${metric}`,
      sampledRequestsEnabled: true,
    });
    this.webAcl = new Wafv2WebAcl(this, "Resource", {
      name: props.name,
      description: `Managed rule groups and a per-IP rate limit in front of ${props.name}`,
      scope: "REGIONAL",
      defaultAction: { allow: {} },
      visibilityConfig: visibility("all"),
      rule: [
        {
          name: "rate-limit",
          priority: 0,
          action: { block: {} },
          // Statements are passed through to Terraform as written (the provider's types stop at this depth).
          statement: { rate_based_statement: { limit: props.rateLimitPer5Minutes, aggregate_key_type: "IP" } },
          visibilityConfig: visibility("rate-limit"),
        },
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: { managed_rule_group_statement: { name: group, vendor_name: "AWS" } },
          visibilityConfig: visibility(group),
        })),
      ],
      tags: { Name: props.name },
    });
    new Wafv2WebAclAssociation(this, "Association", {
      resourceArn: props.resourceArn,
      webAclArn: this.webAcl.arn,
    });
  }
}
