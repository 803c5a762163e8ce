import { Attributes, block, blocks, SynthesizedResource, SynthesizedStack } from "./synthesized";

/**
 * The security controls every stack is checked against at synth, each mapped to its AWS Foundational Security Best
 * Practices (FSBP) control in Security Hub, and to the CIS AWS Foundations Benchmark where one covers it. A control
 * looks at one kind of resource in the synthesized configuration and says what is wrong, or nothing.
 *
 * Only controls that fit what this project creates are here, and each checks what Terraform will be told, so a
 * finding at synth is one Security Hub would raise after the apply.
 */
export interface Control {
  /** The FSBP control id, e.g. "S3.5". */
  readonly id: string;
  /** The CIS AWS Foundations Benchmark (v3.0) recommendation that covers the same ground, if any. */
  readonly cis?: string;
  /** What the control requires, in one line. */
  readonly title: string;
  /** The Terraform resource types it looks at. */
  readonly types: readonly string[];
  /** Why `resource` breaks the control, or undefined when it does not. */
  readonly check: (resource: SynthesizedResource, stack: SynthesizedStack) => string | undefined;
}

/**
 * Security policies of FSBP's ELB.17 ("use recommended security policies"): TLS 1.3 with TLS 1.2, or TLS 1.3 only,
 * without the Ext compatibility ciphers; FIPS and post-quantum variants included.
 */
export const RECOMMENDED_SSL_POLICIES: readonly string[] = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
];

/** Remote administration ports no rule may open to the internet (EC2.21, EC2.53, EC2.54). */
export const ADMIN_PORTS: readonly number[] = [22, 3389];

/** Minimum days of automated RDS backups (FSBP RDS.11's default parameter). */
export const MIN_BACKUP_RETENTION_DAYS = 7;

/** Environment variable names that must never carry a value in a task definition (ECS.8, and their like). */
const SECRET_ENV_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];
const SECRET_ENV_PATTERN = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/i;

const IPV4_ANYWHERE = "0.0.0.0/0";
const IPV6_ANYWHERE = "::/0";

const bucketRef = (stack: SynthesizedStack, type: string, bucket: SynthesizedResource) =>
  stack.referencing(type, "bucket", bucket, bucket.attributes.bucket);

/** A number from a synthesized attribute (Terraform accepts "22" as well as 22). */
const num = (value: unknown): number | undefined =>
  value === undefined || value === null || value === "" ? undefined : Number(value);

/** The admin ports a rule's protocol and port range admit. */
function adminPortsIn(protocol: unknown, from: unknown, to: unknown): number[] {
  const proto = String(protocol ?? "").toLowerCase();
  if (proto === "-1" || proto === "all") return [...ADMIN_PORTS];
  if (proto !== "tcp" && proto !== "6") return [];
  const low = num(from) ?? 0;
  const high = num(to) ?? 65535;
  return ADMIN_PORTS.filter((port) => port >= low && port <= high);
}

const portList = (ports: number[]) => ports.join(" and ");

interface ContainerDefinition {
  readonly name?: string;
  readonly privileged?: boolean;
  readonly readonlyRootFilesystem?: boolean;
  readonly environment?: { name: string; value?: string }[];
  readonly logConfiguration?: { logDriver?: string };
}

function containers(taskDefinition: SynthesizedResource): ContainerDefinition[] {
  const raw = taskDefinition.attributes.container_definitions;
  try {
    const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
    return Array.isArray(parsed) ? (parsed as ContainerDefinition[]) : [];
  } catch {
    return [];
  }
}

/** Containers of a task definition that fail `test`, named for the message, or undefined when none does. */
function containersFailing(
  taskDefinition: SynthesizedResource,
  test: (c: ContainerDefinition) => boolean,
  what: string,
): string | undefined {
  const failing = containers(taskDefinition).filter((c) => !test(c));
  if (failing.length === 0) return undefined;
  return `container ${failing.map((c) => JSON.stringify(c.name ?? "?")).join(", ")} ${what}`;
}

const isApplicationLb = (lb: SynthesizedResource) =>
  (lb.attributes.load_balancer_type ?? "application") === "application";

/** Whether a lifecycle rule applies to every object (no prefix, tag or size filter). */
function coversWholeBucket(rule: Attributes): boolean {
  if (rule.prefix) return false;
  const filter = block(rule.filter);
  if (!filter) return true;
  return !filter.prefix && !block(filter.tag) && !block(filter.and) && !filter.object_size_greater_than;
}

export const CONTROLS: readonly Control[] = [
  // ---- S3 ----------------------------------------------------------------------------------------------------
  {
    id: "S3.8",
    cis: "2.1.4",
    title: "S3 buckets block public access (all four settings of the bucket's public access block)",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      const settings = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];
      const blocks = bucketRef(stack, "aws_s3_bucket_public_access_block", bucket);
      if (blocks.some((b) => settings.every((s) => b.attributes[s] === true))) return undefined;
      return blocks.length === 0
        ? "has no aws_s3_bucket_public_access_block"
        : "has a public access block without all of " + settings.join(", ");
    },
  },
  {
    id: "S3.4",
    title: "S3 buckets have default server-side encryption configured",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      const configs = bucketRef(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket);
      const encrypted = configs.some((c) =>
        blocks(c.attributes.rule).some((r) => block(r.apply_server_side_encryption_by_default)?.sse_algorithm),
      );
      return encrypted || block(bucket.attributes.server_side_encryption_configuration)
        ? undefined
        : "has no default server-side encryption";
    },
  },
  {
    id: "S3.5",
    cis: "2.1.1",
    title: "S3 bucket policies deny requests that do not use TLS (aws:SecureTransport false)",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      const policies = bucketRef(stack, "aws_s3_bucket_policy", bucket);
      const tlsOnly = policies.some((p) =>
        (stack.policyStatements(p.attributes.policy) ?? []).some(
          (s) =>
            s.Effect === "Deny" &&
            blocks(s.Condition).some(
              (c) =>
                c.test === "Bool" &&
                c.variable === "aws:SecureTransport" &&
                ([] as unknown[]).concat(c.values).map(String).includes("false"),
            ),
        ),
      );
      if (tlsOnly) return undefined;
      return policies.length === 0
        ? "has no bucket policy denying requests without TLS"
        : "has a bucket policy without a Deny on aws:SecureTransport = false";
    },
  },
  {
    id: "S3.9",
    title: "S3 buckets log server access (a bucket that itself receives logs is exempt: it would log its own logging)",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      if (bucketRef(stack, "aws_s3_bucket_logging", bucket).length > 0 || block(bucket.attributes.logging)) {
        return undefined;
      }
      const receivesLogs =
        stack.referencing("aws_s3_bucket_logging", "target_bucket", bucket, bucket.attributes.bucket).length > 0 ||
        stack
          .resources("aws_lb")
          .some((lb) => block(lb.attributes.access_logs)?.bucket === `\${${bucket.address}.bucket}`) ||
        stack.resources("aws_lb").some((lb) => {
          const logs = block(lb.attributes.access_logs);
          return logs !== undefined && logs.bucket === bucket.attributes.bucket;
        });
      return receivesLogs ? undefined : "has no server access logging (aws_s3_bucket_logging)";
    },
  },
  {
    id: "S3.14",
    title: "S3 buckets have versioning enabled",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      const enabled = bucketRef(stack, "aws_s3_bucket_versioning", bucket).some(
        (v) => block(v.attributes.versioning_configuration)?.status === "Enabled",
      );
      return enabled ? undefined : "has no aws_s3_bucket_versioning with status Enabled";
    },
  },
  {
    id: "S3.13",
    title: "S3 buckets have a lifecycle configuration, with a rule that aborts incomplete multipart uploads everywhere",
    types: ["aws_s3_bucket"],
    check: (bucket, stack) => {
      const configs = bucketRef(stack, "aws_s3_bucket_lifecycle_configuration", bucket);
      if (configs.length === 0) return "has no aws_s3_bucket_lifecycle_configuration";
      const aborts = configs.some((c) =>
        blocks(c.attributes.rule).some(
          (r) =>
            r.status === "Enabled" &&
            coversWholeBucket(r) &&
            num(block(r.abort_incomplete_multipart_upload)?.days_after_initiation) !== undefined,
        ),
      );
      return aborts
        ? undefined
        : "has no enabled lifecycle rule aborting incomplete multipart uploads for every object";
    },
  },
  // ---- EC2 / VPC ---------------------------------------------------------------------------------------------
  {
    id: "EC2.2",
    cis: "5.4",
    title: "The VPC's default security group allows no inbound and no outbound traffic",
    types: ["aws_default_security_group"],
    check: (group) => {
      const open = ["ingress", "egress"].filter((d) => blocks(group.attributes[d]).length > 0);
      return open.length === 0 ? undefined : `has ${open.join(" and ")} rules`;
    },
  },
  {
    id: "EC2.6",
    cis: "3.7",
    title: "VPCs have flow logging enabled",
    types: ["aws_vpc"],
    check: (vpc, stack) =>
      stack.referencing("aws_flow_log", "vpc_id", vpc).length > 0 ? undefined : "has no aws_flow_log",
  },
  {
    id: "EC2.21",
    cis: "5.1",
    title: `Network ACLs admit nothing from 0.0.0.0/0 or ::/0 to the remote administration ports (${portList([...ADMIN_PORTS])})`,
    types: ["aws_network_acl_rule", "aws_network_acl"],
    check: (acl) => {
      const rules: Attributes[] =
        acl.type === "aws_network_acl_rule"
          ? acl.attributes.egress === true
            ? []
            : [acl.attributes]
          : blocks(acl.attributes.ingress).map((r) => ({ ...r, rule_action: r.action }));
      for (const rule of rules) {
        if (String(rule.rule_action).toLowerCase() !== "allow") continue;
        const source = [rule.cidr_block, rule.ipv6_cidr_block].find((c) => c === IPV4_ANYWHERE || c === IPV6_ANYWHERE);
        if (!source) continue;
        const ports = adminPortsIn(rule.protocol, rule.from_port, rule.to_port);
        if (ports.length > 0) {
          return `allows ${String(source)} in on ports ${String(rule.from_port)}-${String(rule.to_port)}, which include ${portList(ports)}`;
        }
      }
      return undefined;
    },
  },
  ...(
    [
      ["EC2.53", "5.2", IPV4_ANYWHERE],
      ["EC2.54", "5.3", IPV6_ANYWHERE],
    ] as const
  ).map(([id, cis, anywhere]): Control => ({
    id,
    cis,
    title: `Security groups admit nothing from ${anywhere} to the remote administration ports (${portList([...ADMIN_PORTS])})`,
    types: ["aws_vpc_security_group_ingress_rule", "aws_security_group_rule", "aws_security_group"],
    check: (rule) => {
      const rules =
        rule.type === "aws_security_group"
          ? blocks(rule.attributes.ingress)
          : rule.type === "aws_security_group_rule"
            ? rule.attributes.type === "ingress"
              ? [rule.attributes]
              : []
            : [{ ...rule.attributes, protocol: rule.attributes.ip_protocol }];
      for (const r of rules) {
        const sources = ([] as unknown[]).concat(
          r.cidr_ipv4,
          r.cidr_ipv6,
          r.cidr_blocks ?? [],
          r.ipv6_cidr_blocks ?? [],
        );
        if (!sources.includes(anywhere)) continue;
        const ports = adminPortsIn(r.protocol, r.from_port, r.to_port);
        if (ports.length > 0) return `admits ${anywhere} on ${portList(ports)}`;
      }
      return undefined;
    },
  })),
  // ---- Elastic Load Balancing --------------------------------------------------------------------------------
  {
    id: "ELB.1",
    title: "HTTP listeners of Application Load Balancers only redirect to HTTPS",
    types: ["aws_lb_listener"],
    check: (listener) => {
      if (String(listener.attributes.protocol ?? "").toUpperCase() !== "HTTP") return undefined;
      const actions = blocks(listener.attributes.default_action);
      const redirects = actions.every(
        (a) => a.type === "redirect" && String(block(a.redirect)?.protocol ?? "").toUpperCase() === "HTTPS",
      );
      return actions.length > 0 && redirects ? undefined : "is an HTTP listener that does not redirect to HTTPS";
    },
  },
  {
    id: "ELB.4",
    title: "Application Load Balancers drop invalid HTTP headers",
    types: ["aws_lb"],
    check: (lb) =>
      !isApplicationLb(lb) || lb.attributes.drop_invalid_header_fields === true
        ? undefined
        : "does not set drop_invalid_header_fields",
  },
  {
    id: "ELB.5",
    title: "Application Load Balancers write access logs",
    types: ["aws_lb"],
    check: (lb) =>
      !isApplicationLb(lb) || block(lb.attributes.access_logs)?.enabled === true ? undefined : "writes no access logs",
  },
  {
    id: "ELB.6",
    title: "Load balancers have deletion protection enabled",
    types: ["aws_lb"],
    check: (lb) => (lb.attributes.enable_deletion_protection === true ? undefined : "has deletion protection off"),
  },
  {
    id: "ELB.16",
    title: "Application Load Balancers are associated with an AWS WAF web ACL",
    types: ["aws_lb"],
    check: (lb, stack) =>
      !isApplicationLb(lb) || stack.referencing("aws_wafv2_web_acl_association", "resource_arn", lb).length > 0
        ? undefined
        : "has no aws_wafv2_web_acl_association",
  },
  {
    id: "ELB.17",
    title: "HTTPS listeners use one of FSBP's recommended security policies (TLS 1.3, no Ext ciphers)",
    types: ["aws_lb_listener"],
    check: (listener) => {
      const protocol = String(listener.attributes.protocol ?? "").toUpperCase();
      if (protocol !== "HTTPS" && protocol !== "TLS") return undefined;
      const policy = listener.attributes.ssl_policy;
      return typeof policy === "string" && RECOMMENDED_SSL_POLICIES.includes(policy)
        ? undefined
        : `uses ${JSON.stringify(policy ?? "the AWS default policy")}; expected one of ${RECOMMENDED_SSL_POLICIES.join(", ")}`;
    },
  },
  // ---- ECS ---------------------------------------------------------------------------------------------------
  {
    id: "ECS.2",
    title: "ECS services are not assigned public IP addresses",
    types: ["aws_ecs_service"],
    check: (service) =>
      block(service.attributes.network_configuration)?.assign_public_ip === true
        ? "assigns public IP addresses to its tasks"
        : undefined,
  },
  {
    id: "ECS.3",
    title: "ECS task definitions do not share the host's process namespace",
    types: ["aws_ecs_task_definition"],
    check: (task) => (task.attributes.pid_mode === "host" ? 'sets pid_mode "host"' : undefined),
  },
  {
    id: "ECS.4",
    title: "ECS containers run without privileges",
    types: ["aws_ecs_task_definition"],
    check: (task) => containersFailing(task, (c) => c.privileged !== true, "is privileged"),
  },
  {
    id: "ECS.5",
    title: "ECS containers have a read-only root filesystem",
    types: ["aws_ecs_task_definition"],
    check: (task) =>
      containersFailing(task, (c) => c.readonlyRootFilesystem === true, "has a writable root filesystem"),
  },
  {
    id: "ECS.8",
    title: "ECS containers get no secrets through plain environment variables (use secrets instead)",
    types: ["aws_ecs_task_definition"],
    check: (task) => {
      for (const container of containers(task)) {
        const leaked = (container.environment ?? [])
          .map((e) => e.name)
          .filter((name) => SECRET_ENV_NAMES.includes(name) || SECRET_ENV_PATTERN.test(name));
        if (leaked.length > 0) {
          return `container ${JSON.stringify(container.name ?? "?")} has ${leaked.join(", ")} in its plain environment`;
        }
      }
      return undefined;
    },
  },
  {
    id: "ECS.9",
    title: "ECS containers have a logging configuration",
    types: ["aws_ecs_task_definition"],
    check: (task) => containersFailing(task, (c) => Boolean(c.logConfiguration?.logDriver), "has no log configuration"),
  },
  {
    id: "ECS.12",
    title: "ECS clusters use Container Insights",
    types: ["aws_ecs_cluster"],
    check: (cluster) =>
      blocks(cluster.attributes.setting).some(
        (s) => s.name === "containerInsights" && (s.value === "enabled" || s.value === "enhanced"),
      )
        ? undefined
        : "has Container Insights off",
  },
  // ---- RDS ---------------------------------------------------------------------------------------------------
  {
    id: "RDS.2",
    cis: "2.3.3",
    title: "RDS instances are not publicly accessible",
    types: ["aws_db_instance"],
    check: (db) => (db.attributes.publicly_accessible === true ? "is publicly accessible" : undefined),
  },
  {
    id: "RDS.3",
    cis: "2.3.1",
    title: "RDS instances encrypt their storage",
    types: ["aws_db_instance"],
    check: (db) => (db.attributes.storage_encrypted === true ? undefined : "does not encrypt its storage"),
  },
  {
    id: "RDS.5",
    title: "RDS instances run in several Availability Zones (multi-AZ)",
    types: ["aws_db_instance"],
    check: (db) => (db.attributes.multi_az === true ? undefined : "runs in a single Availability Zone"),
  },
  {
    id: "RDS.8",
    title: "RDS instances have deletion protection enabled",
    types: ["aws_db_instance"],
    check: (db) => (db.attributes.deletion_protection === true ? undefined : "has deletion protection off"),
  },
  {
    id: "RDS.9",
    title: "RDS instances publish their logs to CloudWatch Logs",
    types: ["aws_db_instance"],
    check: (db) =>
      ([] as unknown[]).concat(db.attributes.enabled_cloudwatch_logs_exports ?? []).length > 0
        ? undefined
        : "exports no logs to CloudWatch Logs",
  },
  {
    id: "RDS.11",
    title: `RDS instances keep automated backups for at least ${MIN_BACKUP_RETENTION_DAYS} days`,
    types: ["aws_db_instance"],
    check: (db) => {
      const days = num(db.attributes.backup_retention_period) ?? 0;
      return days >= MIN_BACKUP_RETENTION_DAYS ? undefined : `keeps backups ${days} day(s)`;
    },
  },
  {
    id: "RDS.13",
    cis: "2.3.2",
    title: "RDS instances take minor engine upgrades automatically",
    types: ["aws_db_instance"],
    check: (db) =>
      db.attributes.auto_minor_version_upgrade === false ? "has auto_minor_version_upgrade off" : undefined,
  },
  // ---- DynamoDB, KMS, CloudWatch Logs, ECR -------------------------------------------------------------------
  {
    id: "DynamoDB.2",
    title: "DynamoDB tables have point-in-time recovery enabled",
    types: ["aws_dynamodb_table"],
    check: (table) =>
      block(table.attributes.point_in_time_recovery)?.enabled === true ? undefined : "has point-in-time recovery off",
  },
  {
    id: "KMS.4",
    cis: "3.6",
    title: "KMS keys rotate yearly",
    types: ["aws_kms_key"],
    check: (key) => (key.attributes.enable_key_rotation === true ? undefined : "has key rotation off"),
  },
  {
    id: "CloudWatch.16",
    title: "CloudWatch log groups have a retention period (logs do not pile up forever)",
    types: ["aws_cloudwatch_log_group"],
    check: (group) => ((num(group.attributes.retention_in_days) ?? 0) > 0 ? undefined : "keeps its logs forever"),
  },
  {
    id: "ECR.1",
    title: "ECR repositories scan images on push",
    types: ["aws_ecr_repository"],
    check: (repo) =>
      block(repo.attributes.image_scanning_configuration)?.scan_on_push === true ? undefined : "does not scan on push",
  },
  {
    id: "ECR.2",
    title: "ECR repositories have immutable tags",
    types: ["aws_ecr_repository"],
    check: (repo) =>
      String(repo.attributes.image_tag_mutability ?? "MUTABLE").startsWith("IMMUTABLE")
        ? undefined
        : "has mutable image tags",
  },
  {
    id: "ECR.3",
    title: "ECR repositories have a lifecycle policy",
    types: ["aws_ecr_repository"],
    check: (repo, stack) =>
      stack.referencing("aws_ecr_lifecycle_policy", "repository", repo, repo.attributes.name).length > 0
        ? undefined
        : "has no aws_ecr_lifecycle_policy",
  },
];

/** Every control's id, in table order. */
export const CONTROL_IDS: readonly string[] = CONTROLS.map((c) => c.id);
