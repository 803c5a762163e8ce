import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ACCESS_LOG_NONCURRENT_DAYS } from "../../src/constructs/access-log-bucket";
import { LoadBalancer, LoadBalancerProps } from "../../src/constructs/load-balancer";
import { DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS } from "../../src/constructs/bucket-baseline";
import { ACCOUNT_ID, NAME_PREFIX, VPC_ID } from "../../test/construct-fixtures";
import { statementsOf } from "../../test/iam";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { refTarget, resourcesOf, synthConstruct } from "../../test/stacks";
import { addressesWhere, addressWith, configAt, onlyAddress, ref, waitsFor } from "../../test/terraform";

const PUBLIC_SUBNETS = ["subnet-pub-a", "subnet-pub-b"];
const CERTIFICATE_ARN = "arn:aws:acm:us-east-1:222222222222:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

function loadBalancerProps(overrides: Partial<LoadBalancerProps> = {}): LoadBalancerProps {
  return {
    namePrefix: NAME_PREFIX,
    accountId: ACCOUNT_ID,
    vpcId: VPC_ID,
    subnetIds: PUBLIC_SUBNETS,
    zoneName: "test.acme.example.com",
    createZone: true,
    // Two services may answer on one host name.
    hosts: ["app.test.acme.example.com", "app.test.acme.example.com", "admin.test.acme.example.com"],
    sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    idleTimeoutSeconds: 60,
    deletionProtection: false,
    accessLogRetentionDays: 90,
    ...overrides,
  };
}

let created!: LoadBalancer;
const { json, parsed } = synthConstruct((scope) => {
  created = new LoadBalancer(scope, "LoadBalancer", loadBalancerProps());
});
const lbAddress = onlyAddress(parsed, "aws_lb");
const lb = configAt(parsed, lbAddress);
const bucket = addressWith(parsed, "aws_s3_bucket", "bucket", "acme-test-alb-logs-222222222222");
const bucketPolicy = onlyAddress(parsed, "aws_s3_bucket_policy");

/** A load balancer on an existing zone and certificate, with deletion protection and a longer idle timeout. */
let onExisting!: LoadBalancer;
const existing = synthConstruct((scope) => {
  onExisting = new LoadBalancer(
    scope,
    "LoadBalancer",
    loadBalancerProps({
      createZone: false,
      certificateArn: CERTIFICATE_ARN,
      deletionProtection: true,
      idleTimeoutSeconds: 120,
    }),
  );
});

describe("LoadBalancer security group", () => {
  const group = securityGroupNamed(parsed, "acme-test-alb");

  test("accepts only 80 and 443, from anywhere", () => {
    expect(flows(rulesOf(parsed, group, "ingress"))).toEqual([
      ["0.0.0.0/0", 443, 443],
      ["0.0.0.0/0", 80, 80],
    ]);
  });

  test("may send nothing until a SecurityGroupLink opens a service to it", () => {
    expect(rulesOf(parsed, group, "egress")).toEqual([]);
  });
});

describe("LoadBalancer", () => {
  test("is an internet-facing application load balancer in the given subnets, behind its own group", () => {
    expect(lb).toMatchObject({
      name: "acme-test-alb",
      internal: false,
      load_balancer_type: "application",
      subnets: PUBLIC_SUBNETS,
      security_groups: [ref(securityGroupNamed(parsed, "acme-test-alb"), "id")],
    });
  });

  test("drops invalid header fields", () => {
    expect(lb.drop_invalid_header_fields).toBe(true);
  });

  test("can be deleted unless deletionProtection is on", () => {
    expect(lb.enable_deletion_protection).toBe(false);
  });

  test("refuses deletion when deletionProtection is on", () => {
    expect(existing.json).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
  });

  test("closes idle connections after idleTimeoutSeconds", () => {
    expect(lb.idle_timeout).toBe(60);
    expect(existing.json).toHaveResourceWithProperties(Lb, { idle_timeout: 120 });
  });

  test("writes access logs to the log bucket", () => {
    expect(lb.access_logs).toEqual({ bucket: ref(bucket, "bucket"), enabled: true, prefix: "alb" });
  });

  test("is created only after the log bucket policy allows ELB to write its access logs", () => {
    // ELB checks that it may write to the bucket when access logs are switched on, and fails with "Access Denied for
    // bucket" otherwise; nothing else orders the two.
    expect(waitsFor(parsed, lbAddress, bucketPolicy)).toBe(true);
  });
});

describe("LoadBalancer access log bucket", () => {
  const policyStatements = statementsOf(parsed, configAt(parsed, bucketPolicy).policy);

  test("is named <prefix>-alb-logs-<account>", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: "acme-test-alb-logs-222222222222",
      tags: { Name: "acme-test-alb-logs-222222222222" },
    });
  });

  test("the bucket policy lets ELB log delivery write under the access log prefix, and only there", () => {
    expect(refTarget(configAt(parsed, bucketPolicy).bucket)).toBe(bucket);
    const writes = policyStatements.filter((s) => s.effect === "Allow");
    expect(writes.flatMap((s) => s.actions ?? [])).toEqual(["s3:PutObject", "s3:PutObject"]);
    expect(writes.flatMap((s) => s.resources ?? [])).toEqual([
      `${ref(bucket, "arn")}/alb/AWSLogs/222222222222/*`,
      `${ref(bucket, "arn")}/alb/AWSLogs/222222222222/*`,
    ]);
    const elbAccount = `data.aws_elb_service_account.${Object.keys(parsed.data!.aws_elb_service_account)[0]}`;
    expect(writes.flatMap((s) => s.principals ?? [])).toEqual([
      { type: "AWS", identifiers: [ref(elbAccount, "arn")] },
      { type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] },
    ]);
  });

  test("the bucket policy denies every request not made over TLS", () => {
    expect(policyStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          effect: "Deny",
          actions: ["s3:*"],
          resources: [ref(bucket, "arn"), `${ref(bucket, "arn")}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
      ]),
    );
  });

  test("is encrypted at rest with SSE-S3, the only encryption ALB log delivery supports", () => {
    const encryption = configAt(parsed, onlyAddress(parsed, "aws_s3_bucket_server_side_encryption_configuration"));
    expect(refTarget(encryption.bucket)).toBe(bucket);
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  test("blocks every form of public access", () => {
    const block = configAt(parsed, onlyAddress(parsed, "aws_s3_bucket_public_access_block"));
    expect(refTarget(block.bucket)).toBe(bucket);
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("gets its bucket policy only once public access is blocked", () => {
    expect(waitsFor(parsed, bucketPolicy, onlyAddress(parsed, "aws_s3_bucket_public_access_block"))).toBe(true);
  });

  test("enforces bucket-owner object ownership (no ACLs)", () => {
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  test("expires access logs after accessLogRetentionDays", () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([expect.objectContaining({ status: "Enabled", expiration: [{ days: 90 }] })]),
    });
  });

  test("is versioned, and expires superseded log versions too", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: ref(bucket, "id"),
      versioning_configuration: { status: "Enabled" },
    });
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([
        expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: ACCESS_LOG_NONCURRENT_DAYS }] }),
      ]),
    });
  });

  test("aborts incomplete multipart uploads on every object", () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([
        {
          id: "abort-incomplete-multipart-uploads",
          status: "Enabled",
          filter: [{}],
          abort_incomplete_multipart_upload: [{ days_after_initiation: DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS }],
        },
      ]),
    });
  });
});

describe("LoadBalancer web ACL", () => {
  test("is absent unless waf is given", () => {
    expect(resourcesOf(parsed, "aws_wafv2_web_acl")).toHaveLength(0);
    expect(resourcesOf(parsed, "aws_wafv2_web_acl_association")).toHaveLength(0);
    expect(created.webAcl).toBeUndefined();
  });

  const withWaf = synthConstruct((scope) => {
    new LoadBalancer(scope, "LoadBalancer", loadBalancerProps({ waf: { rateLimitPer5Minutes: 500 } }));
  });
  const acl = configAt(withWaf.parsed, onlyAddress(withWaf.parsed, "aws_wafv2_web_acl"));
  const rules = acl.rule as Record<string, unknown>[];

  test("is regional and allows what no rule blocks", () => {
    expect(acl).toMatchObject({ name: "acme-test-alb", scope: "REGIONAL", default_action: { allow: {} } });
  });

  test("blocks a client IP over the rate limit first", () => {
    expect(rules[0]).toMatchObject({
      priority: 0,
      action: { block: {} },
      statement: { rate_based_statement: { limit: 500, aggregate_key_type: "IP" } },
    });
  });

  test("runs AWS's IP reputation, known bad inputs and common rule groups, blocking what they match", () => {
    const groups = rules.slice(1).map((r) => r as { statement: { managed_rule_group_statement: unknown } });
    expect(groups.map((r) => r.statement.managed_rule_group_statement)).toEqual([
      { name: "AWSManagedRulesAmazonIpReputationList", vendor_name: "AWS" },
      { name: "AWSManagedRulesKnownBadInputsRuleSet", vendor_name: "AWS" },
      { name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" },
    ]);
    expect(rules.slice(1).every((r) => JSON.stringify(r.override_action) === '{"none":{}}')).toBe(true);
  });

  test("publishes metrics and sampled requests for every rule", () => {
    for (const rule of rules) {
      expect(rule.visibility_config).toMatchObject({
        cloudwatch_metrics_enabled: true,
        sampled_requests_enabled: true,
      });
    }
  });

  test("is associated with the load balancer", () => {
    const [association] = resourcesOf(withWaf.parsed, "aws_wafv2_web_acl_association");
    expect(association).toEqual({
      resource_arn: ref(onlyAddress(withWaf.parsed, "aws_lb"), "arn"),
      web_acl_arn: ref(onlyAddress(withWaf.parsed, "aws_wafv2_web_acl"), "arn"),
    });
  });

  test("refuses a rate limit below WAF's minimum", () => {
    expect(() =>
      synthConstruct((scope) => {
        new LoadBalancer(scope, "LoadBalancer", loadBalancerProps({ waf: { rateLimitPer5Minutes: 5 } }));
      }),
    ).toThrow(/rateLimitPer5Minutes must be a whole number >= 10, got 5/);
  });
});

describe("LoadBalancer listeners", () => {
  const http = configAt(parsed, addressWith(parsed, "aws_lb_listener", "port", 80));
  const https = configAt(parsed, addressWith(parsed, "aws_lb_listener", "port", 443));

  test("HTTP only redirects to HTTPS with a 301", () => {
    expect(http.protocol).toBe("HTTP");
    expect(http.default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
  });

  test("HTTPS uses the given TLS policy and the validated certificate", () => {
    expect(https).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: ref(onlyAddress(parsed, "aws_acm_certificate_validation"), "certificate_arn"),
    });
  });

  test("HTTPS answers 404 to anything no service claims", () => {
    expect(https.default_action).toEqual([
      {
        type: "fixed-response",
        fixed_response: { content_type: "text/plain", status_code: "404", message_body: "Not found" },
      },
    ]);
  });

  test("both listeners belong to the load balancer", () => {
    expect(refTarget(http.load_balancer_arn)).toBe(lbAddress);
    expect(refTarget(https.load_balancer_arn)).toBe(lbAddress);
  });
});

describe("LoadBalancer certificate and DNS", () => {
  const zone = onlyAddress(parsed, "aws_route53_zone");
  const certificate = onlyAddress(parsed, "aws_acm_certificate");
  const [validationRecord] = addressesWhere(parsed, "aws_route53_record", (r) =>
    String(r.name).includes("domain_validation_options"),
  );

  test("creates the zone at the fixed address the first-deploy instructions target", () => {
    expect(zone).toBe("aws_route53_zone.dns_zone");
    expect(configAt(parsed, zone).name).toBe("test.acme.example.com");
  });

  test("exposes the created zone's name servers for delegation", () => {
    expect(created.nameServers).toBeDefined();
  });

  test("requests a DNS-validated certificate for the zone and its wildcard", () => {
    expect(configAt(parsed, certificate)).toMatchObject({
      domain_name: "test.acme.example.com",
      subject_alternative_names: ["*.test.acme.example.com"],
      validation_method: "DNS",
    });
  });

  test("writes the validation record into the zone", () => {
    const record = configAt(parsed, validationRecord);
    expect(record.zone_id).toBe(ref(zone, "zone_id"));
    expect(String(record.name)).toContain(`${certificate}.domain_validation_options`);
    expect((record.records as string[])[0]).toContain(`${certificate}.domain_validation_options`);
  });

  test("waits for validation through the validation record, for at most 45 minutes", () => {
    expect(configAt(parsed, onlyAddress(parsed, "aws_acm_certificate_validation"))).toEqual({
      certificate_arn: ref(certificate, "arn"),
      validation_record_fqdns: [ref(validationRecord, "fqdn")],
      timeouts: { create: "45m" },
    });
  });

  test("points each distinct host name at the load balancer with one alias record", () => {
    const aliases = resourcesOf(parsed, "aws_route53_record").filter((r) => r.alias !== undefined);
    const alias = (name: string) => ({
      zone_id: ref(zone, "zone_id"),
      name,
      type: "A",
      alias: { name: ref(lbAddress, "dns_name"), zone_id: ref(lbAddress, "zone_id"), evaluate_target_health: true },
    });
    expect(aliases).toEqual(
      expect.arrayContaining([alias("app.test.acme.example.com"), alias("admin.test.acme.example.com")]),
    );
    expect(aliases).toHaveLength(2);
  });
});

describe("LoadBalancer on an existing zone and certificate", () => {
  test("looks the public zone up by name instead of creating one", () => {
    expect(resourcesOf(existing.parsed, "aws_route53_zone")).toEqual([]);
    expect(Object.values(existing.parsed.data!.aws_route53_zone)).toEqual([
      { name: "test.acme.example.com", private_zone: false },
    ]);
  });

  test("has no name servers to delegate to", () => {
    expect(onExisting.nameServers).toBeUndefined();
  });

  test("requests no certificate", () => {
    expect(resourcesOf(existing.parsed, "aws_acm_certificate")).toEqual([]);
    expect(resourcesOf(existing.parsed, "aws_acm_certificate_validation")).toEqual([]);
  });

  test("serves HTTPS with the given certificate", () => {
    expect(existing.json).toHaveResourceWithProperties(LbListener, { port: 443, certificate_arn: CERTIFICATE_ARN });
  });
});

describe("LoadBalancer blue/green test listener", () => {
  const { parsed: withTest } = synthConstruct((scope) => {
    new LoadBalancer(
      scope,
      "LoadBalancer",
      loadBalancerProps({ testListener: { port: 8443, allowedCidrs: ["198.51.100.0/24", "192.0.2.0/24"] } }),
    );
  });
  const listeners = resourcesOf(withTest, "aws_lb_listener");

  test("is a third HTTPS listener on its own port, with the production listener's certificate and TLS policy", () => {
    const https = listeners.find((l) => l.port === 443)!;
    const test = listeners.find((l) => l.port === 8443)!;
    expect(test).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: https.ssl_policy,
      certificate_arn: https.certificate_arn,
      default_action: [expect.objectContaining({ type: "fixed-response" })],
    });
  });

  test("is reachable only from the configured networks", () => {
    const group = securityGroupNamed(withTest, "acme-test-alb");
    const onTestPort = flows(rulesOf(withTest, group, "ingress")).filter(([, from]) => from === 8443);
    expect(onTestPort.map(([peer]) => peer).sort()).toEqual(["192.0.2.0/24", "198.51.100.0/24"]);
  });

  test("does not exist unless configured", () => {
    expect(listeners).toHaveLength(3);
    expect(resourcesOf(parsed, "aws_lb_listener")).toHaveLength(2);
  });
});
