import { WorkspaceConfig } from "../../src/config";
import { ECS_AMI_PARAMETER } from "../../src/constructs/container-cluster";
import { statementsOf } from "../../test/iam";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { refTarget, resourcesOf, Synthesized, synthBootstrap, synthWorkspace } from "../../test/stacks";
import { addressesWhere, addressWith, configAt, keysWhere, waitsFor } from "../../test/terraform";

const dev = synthWorkspace("dev").parsed;
const prod = synthWorkspace("prod").parsed;
const bootstrap = synthBootstrap().parsed;
const WORKSPACES: Record<string, Synthesized> = { dev, prod };
const ALL_STACKS: Record<string, Synthesized> = { dev, prod, bootstrap };

const EC2_CAPACITY = { instanceType: "t3.small", minSize: 0, maxSize: 2, targetCapacityPercent: 80 };
const withEc2 = (ws: WorkspaceConfig): WorkspaceConfig => ({ ...ws, cluster: { ...ws.cluster, ec2: EC2_CAPACITY } });

const ref = (address: string, attribute: string) => `\${${address}.${attribute}}`;
/** Address of the only resource of a type. */
function only(parsed: Synthesized, type: string): string {
  const names = Object.keys(parsed.resource[type] ?? {});
  if (names.length !== 1) throw new Error(`expected one ${type}, found ${names.length}`);
  return `${type}.${names[0]}`;
}
const dataKeyArn = (parsed: Synthesized) => ref(only(parsed, "aws_kms_key"), "arn");

describe("Workload security groups chain internet -> load balancer -> services -> database", () => {
  const alb = securityGroupNamed(dev, "acme-dev-alb");
  const web = securityGroupNamed(dev, "acme-dev-web");
  const api = securityGroupNamed(dev, "acme-dev-api");
  const db = securityGroupNamed(dev, "acme-dev-db");
  const maintenance = securityGroupNamed(dev, "acme-dev-maintenance");

  test("the load balancer accepts only 80 and 443, from anywhere", () => {
    expect(flows(rulesOf(dev, alb, "ingress"))).toEqual([
      ["0.0.0.0/0", 443, 443],
      ["0.0.0.0/0", 80, 80],
    ]);
  });

  test("the load balancer sends only to the service groups on their ports, never to a CIDR", () => {
    expect(flows(rulesOf(dev, alb, "egress"))).toEqual(
      flows([
        { protocol: "tcp", fromPort: 8080, toPort: 8080, cidrs: [], groups: [api] },
        { protocol: "tcp", fromPort: 3000, toPort: 3000, cidrs: [], groups: [web] },
      ]),
    );
  });

  test.each([
    ["web", 3000],
    ["api", 8080],
  ] as const)("%s accepts only the load balancer, only on port %i", (name, port) => {
    expect(flows(rulesOf(dev, securityGroupNamed(dev, `acme-dev-${name}`), "ingress"))).toEqual([[alb, port, port]]);
  });

  test("in dev the database accepts 5432 only from the services that use it and the maintenance task", () => {
    expect(flows(rulesOf(dev, db, "ingress"))).toEqual(
      flows([{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrs: [], groups: [api, maintenance] }]),
    );
  });

  test("in prod the database accepts 5432 only from the services that use it", () => {
    const group = (name: string) => securityGroupNamed(prod, name);
    expect(flows(rulesOf(prod, group("acme-prod-db"), "ingress"))).toEqual(
      flows([{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrs: [], groups: [group("acme-prod-api")] }]),
    );
  });

  test.each(["dev", "prod"])("in %s no database ingress rule admits a CIDR", (name) => {
    const parsed = WORKSPACES[name];
    const rules = rulesOf(parsed, securityGroupNamed(parsed, `acme-${name}-db`), "ingress");
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.flatMap((r) => r.cidrs)).toEqual([]);
  });

  test("a service that references the database reaches it on its port; one that does not cannot", () => {
    expect(flows(rulesOf(dev, api, "egress").filter((r) => r.groups.length > 0))).toEqual([[db, 5432, 5432]]);
    expect(rulesOf(dev, web, "egress").filter((r) => r.groups.length > 0)).toEqual([]);
  });

  test("the maintenance task accepts no traffic at all", () => {
    expect(rulesOf(dev, maintenance, "ingress")).toEqual([]);
  });
});

describe("Workload listeners", () => {
  const http = configAt(dev, addressWith(dev, "aws_lb_listener", "port", 80));
  const https = configAt(dev, addressWith(dev, "aws_lb_listener", "port", 443));

  test("HTTP only redirects to HTTPS with a 301", () => {
    expect(http.protocol).toBe("HTTP");
    expect(http.default_action).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } },
    ]);
    expect(
      resourcesOf(dev, "aws_lb_listener_rule").filter(
        (r) => r.listener_arn === ref(addressWith(dev, "aws_lb_listener", "port", 80), "arn"),
      ),
    ).toEqual([]);
  });

  test("HTTPS uses the TLS 1.3 policy and the validated certificate", () => {
    expect(https).toMatchObject({
      protocol: "HTTPS",
      ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      certificate_arn: ref(only(dev, "aws_acm_certificate_validation"), "certificate_arn"),
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
    expect(refTarget(http.load_balancer_arn)).toBe(only(dev, "aws_lb"));
    expect(refTarget(https.load_balancer_arn)).toBe(only(dev, "aws_lb"));
  });
});

describe("Workload load balancer", () => {
  const lb = configAt(dev, only(dev, "aws_lb"));
  const bucket = addressWith(dev, "aws_s3_bucket", "bucket", "acme-dev-alb-logs-222222222222");
  const bucketPolicy = only(dev, "aws_s3_bucket_policy");
  const policyStatements = statementsOf(dev, configAt(dev, bucketPolicy).policy);

  test("is internet-facing in the public subnets", () => {
    const publicSubnets = Object.entries(dev.resource.aws_subnet)
      .filter(([, s]) => (s.tags as Record<string, string>).Tier === "public")
      .map(([n]) => ref(`aws_subnet.${n}`, "id"));
    expect(lb).toMatchObject({ internal: false, load_balancer_type: "application", subnets: publicSubnets });
  });

  test("drops invalid header fields", () => {
    expect(lb.drop_invalid_header_fields).toBe(true);
  });

  test.each([
    ["dev", false],
    ["prod", true],
  ] as const)("in %s deletion protection is %s", (name, on) => {
    expect(configAt(WORKSPACES[name], only(WORKSPACES[name], "aws_lb")).enable_deletion_protection).toBe(on);
  });

  test("writes access logs to the log bucket", () => {
    expect(lb.access_logs).toEqual({ bucket: ref(bucket, "bucket"), enabled: true, prefix: "alb" });
  });

  test("the log bucket policy lets ELB log delivery write under the access log prefix", () => {
    expect(refTarget(configAt(dev, bucketPolicy).bucket)).toBe(bucket);
    const writes = policyStatements.filter((s) => s.effect === "Allow");
    expect(writes.flatMap((s) => s.actions ?? [])).toEqual(["s3:PutObject", "s3:PutObject"]);
    expect(writes.flatMap((s) => s.resources ?? [])).toEqual([
      `${ref(bucket, "arn")}/alb/AWSLogs/222222222222/*`,
      `${ref(bucket, "arn")}/alb/AWSLogs/222222222222/*`,
    ]);
    const elbAccount = `data.aws_elb_service_account.${Object.keys(dev.data!.aws_elb_service_account)[0]}`;
    expect(writes.flatMap((s) => s.principals ?? [])).toEqual([
      { type: "AWS", identifiers: [ref(elbAccount, "arn")] },
      { type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] },
    ]);
  });

  test("the log bucket policy denies every request not made over TLS", () => {
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

  test("the log bucket is encrypted at rest", () => {
    const encryption = configAt(dev, only(dev, "aws_s3_bucket_server_side_encryption_configuration"));
    expect(refTarget(encryption.bucket)).toBe(bucket);
    expect(encryption.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
  });

  test("the log bucket blocks every form of public access", () => {
    const block = configAt(dev, only(dev, "aws_s3_bucket_public_access_block"));
    expect(refTarget(block.bucket)).toBe(bucket);
    expect(block).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("is created only after the log bucket policy allows ELB to write its access logs", () => {
    // ELB checks that it may write to the bucket when access logs are switched on, and fails with "Access Denied for
    // bucket" otherwise; nothing else orders the two.
    expect(waitsFor(dev, only(dev, "aws_lb"), bucketPolicy)).toBe(true);
  });
});

describe("Workload certificate and DNS", () => {
  const zone = only(dev, "aws_route53_zone");
  const certificate = only(dev, "aws_acm_certificate");
  const validation = configAt(dev, only(dev, "aws_acm_certificate_validation"));
  const [validationRecord] = addressesWhere(dev, "aws_route53_record", (r) =>
    String(r.name).includes("domain_validation_options"),
  );

  test("requests a DNS-validated certificate for the zone and its wildcard", () => {
    expect(configAt(dev, certificate)).toMatchObject({
      domain_name: "dev.acme.example.com",
      subject_alternative_names: ["*.dev.acme.example.com"],
      validation_method: "DNS",
    });
  });

  test("writes the validation record into the workspace's zone", () => {
    const record = configAt(dev, validationRecord);
    expect(record.zone_id).toBe(ref(zone, "zone_id"));
    expect(String(record.name)).toContain(`${certificate}.domain_validation_options`);
    expect((record.records as string[])[0]).toContain(`${certificate}.domain_validation_options`);
  });

  test("waits for validation through the validation record", () => {
    expect(validation).toEqual({
      certificate_arn: ref(certificate, "arn"),
      validation_record_fqdns: [ref(validationRecord, "fqdn")],
      timeouts: { create: "45m" },
    });
  });

  test("points app.dev.acme.example.com at the load balancer with one alias record, though two services share it", () => {
    const aliases = resourcesOf(dev, "aws_route53_record").filter((r) => r.alias !== undefined);
    expect(aliases).toEqual([
      {
        zone_id: ref(zone, "zone_id"),
        name: "app.dev.acme.example.com",
        type: "A",
        alias: {
          name: ref(only(dev, "aws_lb"), "dns_name"),
          zone_id: ref(only(dev, "aws_lb"), "zone_id"),
          evaluate_target_health: true,
        },
      },
    ]);
  });
});

describe("Workload container repositories", () => {
  test("one repository per service, with immutable tags, scan on push and KMS encryption", () => {
    const repositories = resourcesOf(dev, "aws_ecr_repository");
    expect(repositories.map((r) => r.name).sort()).toEqual(["acme/dev/api", "acme/dev/web"]);
    for (const repository of repositories) {
      expect(repository).toMatchObject({
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS", kms_key: dataKeyArn(dev) }],
      });
    }
  });

  test("lifecycle policies expire untagged images and keep the last N tagged ones, as the registry config says", () => {
    const parsed = synthWorkspace("dev", (ws) => ({
      ...ws,
      registry: { ...ws.registry, keepTaggedImages: 12, untaggedExpiryDays: 3 },
    })).parsed;
    const policies = resourcesOf(parsed, "aws_ecr_lifecycle_policy");
    expect(policies.map((p) => refTarget(p.repository)).sort()).toEqual(
      ["acme/dev/api", "acme/dev/web"].map((n) => addressWith(parsed, "aws_ecr_repository", "name", n)).sort(),
    );
    for (const policy of policies) {
      const rules = (
        JSON.parse(String(policy.policy)) as { rules: { selection: Record<string, unknown>; action: unknown }[] }
      ).rules;
      expect(rules.map((r) => [r.selection, r.action])).toEqual([
        [
          { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 },
          { type: "expire" },
        ],
        [
          { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 12 },
          { type: "expire" },
        ],
      ]);
    }
  });

  test("no repository policy when no other account pulls", () => {
    expect(resourcesOf(dev, "aws_ecr_repository_policy")).toEqual([]);
  });

  test("with pullAccountIds, each repository lets exactly those accounts pull and do nothing else", () => {
    const parsed = synthWorkspace("dev", (ws) => ({
      ...ws,
      registry: { ...ws.registry, pullAccountIds: ["444444444444"] },
    })).parsed;
    const policies = resourcesOf(parsed, "aws_ecr_repository_policy");
    expect(policies.map((p) => refTarget(p.repository)).sort()).toEqual(
      ["acme/dev/api", "acme/dev/web"].map((n) => addressWith(parsed, "aws_ecr_repository", "name", n)).sort(),
    );
    for (const policy of policies) {
      expect(statementsOf(parsed, policy.policy)).toEqual([
        expect.objectContaining({
          effect: "Allow",
          actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
          principals: [{ type: "AWS", identifiers: ["arn:aws:iam::444444444444:root"] }],
        }),
      ]);
    }
  });
});

describe("Workload data key and secrets", () => {
  test.each(["dev", "prod"])("in %s every KMS key rotates", (name) => {
    const keys = resourcesOf(WORKSPACES[name], "aws_kms_key");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.enable_key_rotation).toBe(true);
  });

  test("secrets are named acme/dev/<name> and encrypted with the data key", () => {
    const secrets = resourcesOf(dev, "aws_secretsmanager_secret");
    expect(secrets.map((s) => s.name).sort()).toEqual(["acme/dev/stripe-api-key", "acme/dev/web-session-key"]);
    for (const secret of secrets) expect(secret.kms_key_id).toBe(dataKeyArn(dev));
  });

  test.each([
    ["dev", 7],
    ["prod", 30],
  ] as const)("in %s secrets keep the configured recovery window of %i days", (name, days) => {
    const secrets = resourcesOf(WORKSPACES[name], "aws_secretsmanager_secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(secret.recovery_window_in_days).toBe(days);
  });

  test.each(["dev", "prod", "bootstrap"])("the %s stack writes no secret value", (name) => {
    expect(resourcesOf(ALL_STACKS[name], "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test.each(["dev", "prod", "bootstrap"])("the %s stack sets no password anywhere", (name) => {
    const allowed = (key: string) => key === "manage_master_user_password" || key.startsWith("master_user_secret");
    expect(keysWhere(ALL_STACKS[name], (key) => /password/i.test(key) && !allowed(key))).toEqual([]);
  });
});

describe("Workload ECS cluster", () => {
  const cluster = configAt(dev, only(dev, "aws_ecs_cluster"));
  const execLogs = addressWith(dev, "aws_cloudwatch_log_group", "name", "/ecs/acme-dev/exec");

  test.each(["dev", "prod"])("in %s Container Insights is on", (name) => {
    expect(configAt(WORKSPACES[name], only(WORKSPACES[name], "aws_ecs_cluster")).setting).toEqual([
      { name: "containerInsights", value: "enabled" },
    ]);
  });

  test("encrypts exec sessions with the data key and logs them to the encrypted exec log group", () => {
    expect(cluster.configuration).toEqual({
      execute_command_configuration: {
        kms_key_id: dataKeyArn(dev),
        logging: "OVERRIDE",
        log_configuration: { cloud_watch_log_group_name: ref(execLogs, "name"), cloud_watch_encryption_enabled: true },
      },
    });
    expect(configAt(dev, execLogs).kms_key_id).toBe(dataKeyArn(dev));
  });

  test.each([
    ["on Fargate", (ws: WorkspaceConfig) => ws],
    [
      "on EC2",
      (ws: WorkspaceConfig) => ({
        ...withEc2(ws),
        services: ws.services.map((s) => ({ ...s, capacity: "ec2" as const })),
      }),
    ],
  ])("services %s are created only after their capacity providers are associated with the cluster", (_how, tweak) => {
    // ECS refuses a capacity provider strategy naming a provider that is not yet associated with the cluster.
    const parsed = synthWorkspace("dev", tweak).parsed;
    const association = only(parsed, "aws_ecs_cluster_capacity_providers");
    for (const service of Object.keys(parsed.resource.aws_ecs_service)) {
      expect({ service, waits: waitsFor(parsed, `aws_ecs_service.${service}`, association) }).toEqual({
        service,
        waits: true,
      });
    }
  });
});

describe("Workload EC2 capacity", () => {
  const parsed = synthWorkspace("dev", withEc2).parsed;
  const template = configAt(parsed, only(parsed, "aws_launch_template"));
  const group = only(parsed, "aws_autoscaling_group");
  const provider = only(parsed, "aws_ecs_capacity_provider");

  test("launches the current ECS-optimized AMI, looked up in SSM rather than hard-coded", () => {
    const [amiData] = Object.entries(parsed.data!.aws_ssm_parameter).filter(
      ([, d]) => d.name === "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    );
    expect(ECS_AMI_PARAMETER).toBe("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    expect(amiData).toBeDefined();
    expect(template.image_id).toBe(`\${data.aws_ssm_parameter.${amiData[0]}.insecure_value}`);
    expect(JSON.stringify(parsed)).not.toMatch(/\bami-[0-9a-f]{8,}/);
  });

  test("requires IMDSv2 on the instances", () => {
    expect(template.metadata_options).toMatchObject({ http_tokens: "required", http_endpoint: "enabled" });
  });

  test("encrypts the root volume", () => {
    const mappings = template.block_device_mappings as { ebs: { encrypted: string } }[];
    expect(mappings.length).toBeGreaterThan(0);
    for (const m of mappings) expect(String(m.ebs.encrypted)).toBe("true");
  });

  test("the auto scaling group launches the template across the app subnets", () => {
    const appSubnets = Object.entries(parsed.resource.aws_subnet)
      .filter(([, s]) => (s.tags as Record<string, string>).Tier === "app")
      .map(([n]) => ref(`aws_subnet.${n}`, "id"));
    expect(configAt(parsed, group)).toMatchObject({
      min_size: 0,
      max_size: 2,
      vpc_zone_identifier: appSubnets,
      launch_template: { id: ref(only(parsed, "aws_launch_template"), "id") },
    });
  });

  test("a capacity provider scales the auto scaling group with managed scaling", () => {
    expect(configAt(parsed, provider).auto_scaling_group_provider).toMatchObject({
      auto_scaling_group_arn: ref(group, "arn"),
      managed_scaling: { status: "ENABLED", target_capacity: 80 },
    });
  });

  test("the cluster offers FARGATE, FARGATE_SPOT and the EC2 capacity provider", () => {
    expect(configAt(parsed, only(parsed, "aws_ecs_cluster_capacity_providers")).capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
      ref(provider, "name"),
    ]);
  });

  test("without cluster.ec2 there is no launch template, auto scaling group, EC2 capacity provider or AMI lookup", () => {
    for (const type of [
      "aws_launch_template",
      "aws_autoscaling_group",
      "aws_ecs_capacity_provider",
      "aws_iam_instance_profile",
    ]) {
      expect(resourcesOf(dev, type)).toEqual([]);
    }
    expect(Object.values(dev.data!.aws_ssm_parameter).map((d) => d.name)).not.toContain(ECS_AMI_PARAMETER);
    expect(configAt(dev, only(dev, "aws_ecs_cluster_capacity_providers")).capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
    ]);
  });
});

describe("Workload maintenance task", () => {
  const family = (parsed: Synthesized, name: string) =>
    resourcesOf(parsed, "aws_ecs_task_definition").filter((t) => t.family === name);

  test("exists in dev, where it is enabled", () => {
    expect(family(dev, "acme-dev-maintenance")).toHaveLength(1);
  });

  test("does not exist in prod, where it is not enabled", () => {
    expect(family(prod, "acme-prod-maintenance")).toEqual([]);
    expect(() => securityGroupNamed(prod, "acme-prod-maintenance")).toThrow(/found 0/);
  });

  test("sleeps with an init process, waiting for operators to exec in", () => {
    const [td] = family(dev, "acme-dev-maintenance");
    const [container] = JSON.parse(String(td.container_definitions)) as Record<string, unknown>[];
    expect(container.command).toEqual(["sleep", "infinity"]);
    expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
  });
});

describe("Workload task definitions", () => {
  test("every task definition of a service waits for its execution role's policy", () => {
    // A task started before the policy is attached could not pull its image or read its secrets.
    const parsed = synthWorkspace("dev").parsed;
    const policies = Object.entries(parsed.resource.aws_iam_role_policy)
      .filter(([name]) => /Service-(web|api)_ExecutionPolicy_/.test(name))
      .map(([name]) => `aws_iam_role_policy.${name}`);
    expect(policies).toHaveLength(2);
    for (const [name] of Object.entries(parsed.resource.aws_ecs_task_definition).filter(([n]) =>
      /Service-(web|api)_/.test(n),
    )) {
      const service = /Service-(web|api)_/.exec(name)![1];
      const policy = policies.find((p) => p.includes(`Service-${service}_`))!;
      expect({ name, waits: waitsFor(parsed, `aws_ecs_task_definition.${name}`, policy) }).toEqual({
        name,
        waits: true,
      });
    }
  });
});
