import { z } from "zod";
import {
  ACCOUNT_QUOTAS,
  LOG_RETENTION_DAYS,
  MAX_SERVICE_PORT,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_RESOURCE,
  QuotaName,
} from "../aws-limits";
import { DATABASE_ENGINES, DatabaseEngine } from "../constructs/database-engines";
import type { FlowLogTrafficType, NatMode } from "../constructs/network";
import { parseCidr } from "../lib/cidr";
import { CONTROL_IDS } from "../policy/controls";
import { MIN_WAIVER_REASON } from "../policy/waivers";
import {
  bucketNameProblem,
  dnsNameProblem,
  healthCheckPathProblem,
  iamActionProblem,
  matcherProblem,
  pathPatternProblem,
} from "./aws-syntax";
import { EC2_INSTANCE_TYPES, ECS_AMI_ARCHITECTURE, isGravitonType, knownInstanceTypes } from "./instance-types";
import { KNOWN_REGIONS } from "./regions";
import { ACCEPTED_SSL_POLICIES, DEFAULT_SSL_POLICY, sslPolicyProblem } from "./tls-policies";

/**
 * The shape of the files in `environments/`. Every field is documented here once; defaults are applied when a file
 * is loaded, so stacks only ever see complete, validated configuration (see `load.ts`).
 */

// ---------------------------------------------------------------------------------------------------------------
// Shared field types
// ---------------------------------------------------------------------------------------------------------------

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * The values of a union type a construct owns, listed for the schema: the list must name every member and nothing
 * else, or this does not compile (the construct's type stays the one definition).
 */
function everyMember<T extends string>() {
  return <const L extends readonly [T, ...T[]]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

/** What a valid value of a field looks like, for "is required" and "wrong type" messages (see load.ts). */
export const FIELD_HINTS = new WeakMap<object, string>();
function hinted<T extends z.ZodType>(schema: T, hint: string): T {
  FIELD_HINTS.set(schema, hint);
  return schema;
}

/** A 12-digit AWS account id, as a string (a number would lose leading zeros). */
const accountId = hinted(
  z.string().check((ctx) => {
    if (!/^\d{12}$/.test(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not an AWS account id; expected exactly 12 digits as a string, e.g. "123456789012"`,
      });
    }
  }),
  'an AWS account id: exactly 12 digits as a string, e.g. "123456789012"',
);

const region = hinted(
  z.string().check((ctx) => {
    if (!KNOWN_REGIONS.includes(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not a known AWS region; expected one of ${KNOWN_REGIONS.join(", ")}`,
      });
    }
  }),
  `an AWS region, one of ${KNOWN_REGIONS.join(", ")}`,
);

/** A string whose problems one of the aws-syntax functions describes. */
function checked(problem: (value: string) => string | undefined) {
  return z.string().check((ctx) => {
    const message = problem(ctx.value);
    if (message) ctx.issues.push({ code: "custom", input: ctx.value, message });
  });
}

/** An IAM role name (not an ARN): the account id comes from the account field. */
const roleName = hinted(
  z.string().check((ctx) => {
    if (!/^[\w+=,.@-]{1,64}$/.test(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not an IAM role name; expected 1-64 of letters, digits and +=,.@_- (a name, not an ARN)`,
      });
    }
  }),
  'an IAM role name (not an ARN), e.g. "terraform-deploy"',
);

/** Lowercase DNS-style label used to derive resource names. */
const label = (what: string, maxLength: number) =>
  hinted(
    z.string().check((ctx) => {
      const v = ctx.value;
      if (v.length === 0) {
        ctx.issues.push({ code: "custom", input: v, message: `${what} must not be empty; expected e.g. "acme"` });
      } else if (v.length > maxLength || !/^[a-z]([a-z0-9-]*[a-z0-9])?$/.test(v)) {
        ctx.issues.push({
          code: "custom",
          input: v,
          message:
            `${shown(v)} is not a valid ${what}; expected at most ${maxLength} lowercase letters, digits and hyphens, ` +
            `starting with a letter and not ending with a hyphen`,
        });
      }
    }),
    `a ${what}: at most ${maxLength} lowercase letters, digits and hyphens, starting with a letter, e.g. "acme"`,
  );

/** An IAM principal ARN (account root, role or user), for trust policies. */
const principalArn = z.string().regex(/^arn:aws[\w-]*:iam::\d{12}:[\w+=,.@/-]+$/, {
  error: 'must be an IAM principal ARN, e.g. "arn:aws:iam::123456789012:root" or "arn:aws:iam::123456789012:role/ci"',
});

const cidrBlock = hinted(
  z.string().check((ctx) => {
    if (!parseCidr(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not a valid IPv4 CIDR block; expected a network address and prefix such as "10.10.0.0/16" (no host bits set)`,
      });
    }
  }),
  'an IPv4 CIDR block such as "10.10.0.0/16"',
);

/**
 * Tags the stacks put on resources themselves: Project, Environment and ManagedBy on every resource (the provider's
 * default tags), Name and Tier on most. A file's tags are merged under them, so the same key there would be lost.
 */
export const STACK_TAG_KEYS = ["Project", "Environment", "ManagedBy", "Name", "Tier"] as const;
/** Characters AWS allows in tag keys and values across services: letters, digits, spaces and _ . : / = + - @. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const MAX_FILE_TAGS = MAX_TAGS_PER_RESOURCE - STACK_TAG_KEYS.length;

const tags = hinted(
  z.record(z.string(), z.string()).check((ctx) => {
    const keys = Object.keys(ctx.value);
    const issue = (key: string, message: string) =>
      ctx.issues.push({ code: "custom", input: ctx.value[key], message, path: [key] });
    const characters = "letters, digits, spaces and _ . : / = + - @";
    keys.forEach((key, i) => {
      const value = ctx.value[key];
      const owned = STACK_TAG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
      const twin = keys.slice(0, i).find((k) => k.toLowerCase() === key.toLowerCase());
      if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH) {
        issue(key, `tag key ${shown(key)} is ${key.length} characters long; tag keys hold 1-${MAX_TAG_KEY_LENGTH}`);
      } else if (key.toLowerCase().startsWith("aws:")) {
        issue(key, `tag key ${shown(key)} starts with "aws:", which AWS reserves for its own tags; choose another key`);
      } else if (!TAG_CHARACTERS.test(key)) {
        issue(key, `tag key ${shown(key)} has characters AWS does not accept in tags; expected ${characters}`);
      } else if (owned) {
        issue(
          key,
          `tag key ${shown(key)} is set by the stacks themselves (${STACK_TAG_KEYS.join(", ")}), so this value would be ` +
            `lost${key === owned ? "" : ` (IAM treats it as ${shown(owned)}: keys that differ only in case are one)`}; ` +
            `choose another key, e.g. "Team"`,
        );
      } else if (twin !== undefined) {
        issue(
          key,
          `tag key ${shown(key)} differs from ${shown(twin)} only in case, which IAM treats as the same key; keep one`,
        );
      } else if (value.length > MAX_TAG_VALUE_LENGTH) {
        issue(key, `the value is ${value.length} characters long; tag values hold at most ${MAX_TAG_VALUE_LENGTH}`);
      } else if (!TAG_CHARACTERS.test(value)) {
        issue(key, `${shown(value)} has characters AWS does not accept in tag values; expected ${characters}`);
      }
    });
    if (keys.length > MAX_FILE_TAGS) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message:
          `${keys.length} tags, and the stacks add ${STACK_TAG_KEYS.length} (${STACK_TAG_KEYS.join(", ")}): a resource ` +
          `carries at most ${MAX_TAGS_PER_RESOURCE}; expected at most ${MAX_FILE_TAGS} here`,
      });
    }
  }),
  `at most ${MAX_FILE_TAGS} tags; keys 1-${MAX_TAG_KEY_LENGTH} and values up to ${MAX_TAG_VALUE_LENGTH} characters of letters, digits, spaces and _ . : / = + - @; no "aws:" keys and none of ${STACK_TAG_KEYS.join(", ")}, which the stacks set`,
);

const retentionDays = hinted(
  z.number().check((ctx) => {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not a CloudWatch Logs retention period; expected one of ${LOG_RETENTION_DAYS.join(", ")}`,
      });
    }
  }),
  `a number of days CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(", ")}`,
);

/** Service and database ports stay below the Linux ephemeral range, which the network ACLs open for replies. */
const port = z.int().min(1).max(MAX_SERVICE_PORT);

/** Security controls checked at synth, and the findings a file accepts on purpose. */
export const policySchema = z.strictObject({
  /**
   * Findings of the security controls accepted on purpose (README, "Security controls at synth"); each is listed at
   * every synth, and one that covers nothing fails it. @default []
   */
  waivers: z
    .array(
      z.strictObject({
        /** The control waived: an id from the README's controls table, e.g. "RDS.5". */
        control: hinted(
          z.string().check((ctx) => {
            if (!CONTROL_IDS.includes(ctx.value)) {
              ctx.issues.push({
                code: "custom",
                input: ctx.value,
                message: `${shown(ctx.value)} is not a security control checked here; expected one of ${CONTROL_IDS.join(", ")}`,
              });
            }
          }),
          `a control id: ${CONTROL_IDS.join(", ")}`,
        ),
        /** Terraform address of the resources waived, as synth names them; `*` matches any characters, e.g. "aws_db_instance.*". */
        resource: z.string().regex(/^(data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_*-]+$/, {
          error:
            'must be a Terraform address such as "aws_db_instance.Workload_Database_Instance_3E5338A7" (* matches any characters)',
        }),
        /** Why the finding is accepted, in at least 20 characters: printed at every synth. */
        reason: z
          .string()
          .trim()
          .min(MIN_WAIVER_REASON, { error: `give a reason of at least ${MIN_WAIVER_REASON} characters` }),
      }),
    )
    .default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/bootstrap.ts
// ---------------------------------------------------------------------------------------------------------------

export const projectSchema = z.strictObject({
  /** Project name: the first part of every resource name (`<project>-<workspace>-<thing>`). */
  project: label("project name", 20),
  /** The account that holds Terraform state (the "master" account). */
  masterAccountId: accountId,
  /** Region of the state bucket and lock table. */
  region,
  /**
   * Role the bootstrap stack's provider assumes in the master account.
   * @default - none: the caller's own credentials are used (they must belong to the master account)
   */
  deployRoleName: roleName.optional(),
  /**
   * Where the bootstrap stack keeps its own state: `local` for the first apply (the bucket does not exist yet),
   * `s3` once it has been migrated into the bucket it created (see README, "Moving the bootstrap state").
   * @default "local"
   */
  backend: z.enum(["local", "s3"]).default("local"),
  /** The S3 bucket that holds every workspace's Terraform state. */
  stateBucket: z
    .strictObject({
      /** Bucket name (globally unique). @default "<project>-tfstate-<masterAccountId>" */
      name: hinted(
        checked(bucketNameProblem),
        "an S3 bucket name: 3-63 lower-case letters, digits and hyphens, starting and ending with a letter or digit (no dots)",
      ).optional(),
      /** Days after which superseded state versions are deleted. @default 90 */
      noncurrentVersionExpirationDays: z.int().min(1).max(3650).default(90),
      /**
       * Days the bucket's server access logs are kept in their own bucket, `<project>-tfstate-logs-<masterAccountId>`.
       * @default 365
       */
      accessLogRetentionDays: z.int().min(1).max(3650).default(365),
    })
    .prefault({}),
  /** The DynamoDB table Terraform locks state with. */
  lockTable: z
    .strictObject({
      /** Table name. @default "<project>-tfstate-lock" */
      name: z
        .string()
        .regex(/^[a-zA-Z0-9_.-]{3,255}$/, { error: "must be a valid DynamoDB table name: 3-255 of a-z A-Z 0-9 _ . -" })
        .optional(),
    })
    .prefault({}),
  /**
   * IAM principals (ARNs) allowed to assume the per-workspace state roles in the master account.
   * @default - the master account itself (`arn:aws:iam::<masterAccountId>:root`), so its IAM policies decide
   */
  stateAccessPrincipals: z.array(principalArn).optional(),
  /** Tags on every bootstrap resource, merged under the project's own. @default {} */
  tags: tags.default({}),
  /** Security controls checked at synth on the bootstrap stack: the findings accepted on purpose. */
  policy: policySchema.prefault({}),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: network
// ---------------------------------------------------------------------------------------------------------------

export const NAT_MODES = everyMember<NatMode>()(["none", "single", "one-per-az"]);
const FLOW_LOG_TRAFFIC_TYPES = everyMember<FlowLogTrafficType>()(["ALL", "ACCEPT", "REJECT"]);

export const networkSchema = z.strictObject({
  /** VPC CIDR block: /16 to /23 with the derived subnet layout, down to /28 with explicit `subnets`. */
  cidr: cidrBlock,
  /**
   * How many availability zones to spread the subnets over (the region's first N, in order).
   * @default 2
   */
  azCount: z.int().optional(),
  /** Explicit availability zone names (e.g. ["us-east-1a", "us-east-1c"]); replaces `azCount`. */
  availabilityZones: z.array(z.string()).optional(),
  /**
   * Outbound internet for the app tier: `none` (no NAT; use VPC endpoints), `single` (one shared NAT gateway,
   * cheapest, one AZ's outage cuts egress for all), `one-per-az` (a NAT gateway per AZ, no cross-AZ dependency).
   * @default "single"
   */
  natGateways: z.enum(NAT_MODES).default("single"),
  /**
   * Explicit subnet CIDRs per tier, one per availability zone in order.
   * @default - derived from the VPC CIDR (see README, "Network")
   */
  subnets: z
    .strictObject({
      /** Public tier (load balancer, NAT gateways), one CIDR per zone. */
      public: z.array(cidrBlock),
      /** App tier (ECS tasks, container instances), one CIDR per zone. */
      app: z.array(cidrBlock),
      /** Database tier (RDS only, no route out of the VPC), one CIDR per zone. */
      database: z.array(cidrBlock),
    })
    .optional(),
  /** VPC flow logs to CloudWatch Logs, encrypted with the workspace key. */
  flowLogs: z
    .strictObject({
      /** Record the VPC's traffic. @default true */
      enabled: z.boolean().default(true),
      /** Days the flow log group keeps records. @default 30 */
      retentionDays: retentionDays.default(30),
      /** Which traffic to record: all, accepted or rejected. @default "ALL" */
      trafficType: z.enum(FLOW_LOG_TRAFFIC_TYPES).default("ALL"),
    })
    .prefault({}),
  /** VPC endpoints, so AWS traffic need not cross a NAT gateway. */
  endpoints: z
    .strictObject({
      /** S3 and DynamoDB gateway endpoints on the app route tables (free). @default true */
      gateway: z.boolean().default(true),
      /**
       * Interface endpoints for ECR (api, dkr), CloudWatch Logs, SSM and Secrets Manager in the app subnets
       * (billed per hour and AZ).
       * @default false
       */
      interface: z.boolean().default(false),
    })
    .prefault({}),
  /**
   * Workspaces whose VPC this one will be peered with (or joined through a transit gateway). Their CIDRs must not
   * overlap with this one; the check runs at synth. Peering itself is not created by this project.
   * @default []
   */
  peerWith: z.array(z.string()).default([]),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: services, secrets, parameters
// ---------------------------------------------------------------------------------------------------------------

/** Environment variable names, as containers see them. */
const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, {
  error: "must be an environment variable name: upper-case letters, digits and underscores, e.g. DATABASE_URL",
});

/** A parameter NAME inside `/<project>/<workspace>/<component>/`: the path is added by the stack. */
export const PARAMETER_NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;
const parameterName = z.string().check((ctx) => {
  if (!PARAMETER_NAME_PATTERN.test(ctx.value)) {
    ctx.issues.push({
      code: "custom",
      input: ctx.value,
      message:
        `${shown(ctx.value)} is outside the parameter path scheme; give only the NAME (upper-case letters, digits, ` +
        `underscores), which is stored as /<project>/<workspace>/<service>/NAME`,
    });
  }
});

/** A reference to a value the container receives through ECS `secrets`, never the value itself. */
export const secretReference = hinted(
  z.union([
    z.strictObject({
      /** Name of a secret declared in this file's `secrets`. */
      secret: z.string(),
      /** A key inside a JSON secret. */
      key: z.string().optional(),
    }),
    z.strictObject({
      /** `NAME` of this service's own parameter, or `<component>/NAME` (e.g. `database/HOST`, `api/BASE_URL`). */
      parameter: z.string(),
    }),
    z.strictObject({
      /** A field of the RDS-managed master user secret: `username` or `password`. */
      databaseSecret: z.enum(["username", "password"]),
    }),
  ]),
  'a reference, never a value: { secret: "<declared name>" }, { parameter: "NAME" or "<component>/NAME" } or { databaseSecret: "password" }',
);

const hostName = hinted(
  checked((host) => dnsNameProblem(host, "host")),
  'a lower-case DNS name inside the workspace\'s zone, e.g. "app.dev.example.com" (a leading "*." is allowed)',
);
const pathPattern = hinted(
  checked(pathPatternProblem),
  'a path pattern starting with "/", at most 128 of A-Z a-z 0-9 _ - . $ / ~ " \' @ : + & and the wildcards * ?, e.g. "/api/*"',
);
/** "*" alone is left to the least-privilege check, which says why it is refused. */
const iamAction = hinted(
  checked((action) => (action === "*" ? undefined : iamActionProblem(action))),
  'an IAM action "service:Action", e.g. "s3:GetObject" (wildcards only in the action part)',
);

// ---------------------------------------------------------------------------------------------------------------
// Alarms, notifications and operators
// ---------------------------------------------------------------------------------------------------------------

/** A threshold: a count, a percentage or a quantity, never negative. */
const threshold = hinted(z.number().min(0), "a number of at least 0");
const percent = hinted(z.number().min(0).max(100), "a percentage from 0 to 100");

/** Thresholds of one service's alarms, workspace-wide; a service's own `alarms` overrides them field by field. */
export const serviceAlarmThresholdsSchema = z.strictObject({
  /** Average CPU of the service's tasks, percent, above which it alarms. @default 85 */
  cpuPercent: percent.default(85),
  /** Average memory of the service's tasks, percent, above which it alarms. @default 85 */
  memoryPercent: percent.default(85),
  /** 5xx responses from the service's targets per period above which it alarms (public services). @default 10 */
  target5xxCount: threshold.default(10),
  /** 95th percentile of the target response time, seconds, above which it alarms (public services). @default 1 */
  responseTimeP95Seconds: threshold.default(1),
  /** 99th percentile of the target response time, seconds, above which it alarms (public services). @default 3 */
  responseTimeP99Seconds: threshold.default(3),
  /** Unhealthy targets in the service's target group above which it alarms (public services). @default 0 */
  unhealthyHosts: threshold.default(0),
});

/** A service's own alarm settings: any field left out takes the workspace's `alarms.services` value. */
export const serviceAlarmsSchema = z.strictObject({
  /** This service's alarms (and its deployment alarms); false leaves the service unwatched. @default true */
  enabled: z.boolean().default(true),
  /** Overrides of `alarms.services.cpuPercent` for this service. @default - the workspace's */
  cpuPercent: percent.optional(),
  /** Overrides of `alarms.services.memoryPercent` for this service. @default - the workspace's */
  memoryPercent: percent.optional(),
  /** Overrides of `alarms.services.target5xxCount` for this service. @default - the workspace's */
  target5xxCount: threshold.optional(),
  /** Overrides of `alarms.services.responseTimeP95Seconds` for this service. @default - the workspace's */
  responseTimeP95Seconds: threshold.optional(),
  /** Overrides of `alarms.services.responseTimeP99Seconds` for this service. @default - the workspace's */
  responseTimeP99Seconds: threshold.optional(),
  /** Overrides of `alarms.services.unhealthyHosts` for this service. @default - the workspace's */
  unhealthyHosts: threshold.optional(),
});

export const alarmsSchema = z.strictObject({
  /** CloudWatch alarms on the load balancer, services, database and NAT gateways. @default true */
  enabled: z.boolean().default(true),
  /** Seconds of one evaluation period (a multiple of 60). @default 60 */
  periodSeconds: hinted(z.int().min(60).multipleOf(60), "a multiple of 60 seconds, e.g. 60 or 300").default(60),
  /** Periods in a row a metric must breach before the alarm fires. @default 5 */
  evaluationPeriods: z.int().min(1).max(1440).default(5),
  /** Thresholds of every service's alarms (a service's `alarms` overrides them). */
  services: serviceAlarmThresholdsSchema.prefault({}),
  /** Thresholds of the load balancer's own alarms. */
  loadBalancer: z
    .strictObject({
      /** 5xx responses the load balancer itself returned per period above which it alarms. @default 10 */
      elb5xxCount: threshold.default(10),
      /** Connections rejected for lack of capacity per period above which it alarms. @default 0 */
      rejectedConnections: threshold.default(0),
    })
    .prefault({}),
  /** Thresholds of the database's alarms. */
  database: z
    .strictObject({
      /** Average CPU, percent, above which it alarms. @default 80 */
      cpuPercent: percent.default(80),
      /** Free storage, GiB, below which it alarms. @default 2 */
      freeStorageGb: threshold.default(2),
      /** Freeable memory, MiB, below which it alarms. @default 128 */
      freeableMemoryMb: threshold.default(128),
      /** Open connections above which it alarms. @default 80 */
      connections: threshold.default(80),
    })
    .prefault({}),
  /** Thresholds of each NAT gateway's alarm. */
  natGateway: z
    .strictObject({
      /** Port allocation errors per period above which it alarms (any error means connections were dropped). @default 0 */
      portAllocationErrors: threshold.default(0),
    })
    .prefault({}),
});

/** An e-mail address, as SNS accepts it. */
const emailAddress = hinted(
  z.string().check((ctx) => {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(ctx.value)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not an e-mail address; expected e.g. "oncall@example.com"`,
      });
    }
  }),
  'an e-mail address, e.g. "oncall@example.com"',
);

/** An HTTPS URL: alarms carry resource names and must not travel in clear text. */
const httpsEndpoint = hinted(
  z.string().check((ctx) => {
    let url: URL | undefined;
    try {
      url = new URL(ctx.value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== "https:" || !url.hostname) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not an HTTPS URL; expected e.g. "https://hooks.example.com/alarms" (plain http is refused: alarms name the workspace's resources)`,
      });
    }
  }),
  'an HTTPS URL, e.g. "https://hooks.example.com/alarms"',
);

export const notificationsSchema = z.strictObject({
  /**
   * E-mail addresses subscribed to the workspace's alarm topic. On AWS each recipient must confirm the subscription
   * from the message SNS sends; until then nothing is delivered. @default []
   */
  emails: z.array(emailAddress).default([]),
  /** HTTPS endpoints subscribed to the workspace's alarm topic (they must confirm the subscription). @default [] */
  httpsEndpoints: z.array(httpsEndpoint).default([]),
});

export const serviceSchema = z.strictObject({
  /** Service name: part of every name the service gets (`<prefix>-<name>`). */
  name: label("service name", 16),
  /** Port the container listens on; services may share one (each task has its own address). */
  port,
  /** Fargate CPU units (256 = a quarter vCPU). @default 256 */
  cpu: z.int().default(256),
  /** Memory in MiB; must be a size Fargate offers for the CPU. @default 512 */
  memory: z.int().default(512),
  /** Tasks to run; must lie within the autoscaling range. @default 1 */
  desiredCount: z.int().min(0).default(1),
  /** Target-tracking autoscaling of the task count. */
  autoscaling: z
    .strictObject({
      /** Fewest tasks. @default 1 */
      min: z.int().min(0).default(1),
      /** Most tasks. @default 2 */
      max: z.int().min(1).default(2),
      /** Target average CPU, percent. @default 60 */
      cpuTargetPercent: z.int().min(10).max(95).default(60),
      /** Target requests per task per minute (public services only). @default 1000 */
      requestsPerTarget: z.int().min(1).default(1000),
    })
    .prefault({}),
  /** Image tag the service starts with, before any deploy writes one. @default "latest" */
  initialImageTag: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, { error: "must be a Docker tag: up to 128 of letters, digits, _ . -" })
    .default("latest"),
  /** Command override (the image's CMD otherwise). */
  command: z.array(z.string()).optional(),
  /** Plain, non-secret environment variables. Secrets belong in `secrets`. @default {} */
  environment: z.record(envName, z.string()).default({}),
  /** Environment variables filled from secrets or parameters by reference. @default {} */
  secrets: z.record(envName, secretReference).default({}),
  /** Non-secret configuration published as SSM String parameters under /<project>/<workspace>/<service>/NAME. @default {} */
  parameters: z.record(parameterName, z.string()).default({}),
  /** Behind the load balancer (true) or a worker with no inbound traffic at all (false). @default true */
  public: z.boolean().default(true),
  /** Host names this service answers on; each inside the workspace's DNS zone (a leading "*." is allowed). @default [] */
  hosts: z.array(hostName).default([]),
  /** Path patterns this service answers on (e.g. "/api/*"). @default [] */
  paths: z.array(pathPattern).default([]),
  /** Listener rule priority (lower wins). @default - 10 * (position in the list + 1) */
  priority: z.int().min(1).max(50000).optional(),
  /** The load balancer's health check of the tasks. */
  healthCheck: z
    .strictObject({
      /** Path the load balancer probes; starts with "/". @default "/health" */
      path: hinted(checked(healthCheckPathProblem), 'a URL path starting with "/", e.g. "/health"').default("/health"),
      /** Seconds ECS ignores failing health checks after a task starts. @default 60 */
      gracePeriodSeconds: z.int().min(0).max(7200).default(60),
      /** Seconds between probes; longer than the probe's 5-second timeout. @default 30 */
      intervalSeconds: z.int().min(5).max(300).default(30),
      /** HTTP codes that count as healthy: one code, a list ("200,204") or a range ("200-399"). @default "200-399" */
      matcher: hinted(checked(matcherProblem), 'HTTP codes from 200 to 499: "200", "200,204" or "200-399"').default(
        "200-399",
      ),
    })
    .prefault({}),
  /** A health check run inside the container (Docker HEALTHCHECK), e.g. ["CMD-SHELL", "curl -f localhost:3000/health"]. */
  containerHealthCheck: z
    .strictObject({
      /** The check, e.g. ["CMD-SHELL", "curl -f localhost:3000/health || exit 1"]. */
      command: z.array(z.string()).min(1),
      /** Seconds between checks. @default 30 */
      intervalSeconds: z.int().min(5).max(300).default(30),
      /** Seconds one check may take; less than intervalSeconds. @default 5 */
      timeoutSeconds: z.int().min(2).max(60).default(5),
      /** Failures in a row before the container is unhealthy. @default 3 */
      retries: z.int().min(1).max(10).default(3),
      /** Seconds after start before failures count. @default 10 */
      startPeriodSeconds: z.int().min(0).max(300).default(10),
    })
    .optional(),
  /** Seconds the load balancer drains a target before removing it. @default 30 */
  deregistrationDelaySeconds: z.int().min(0).max(3600).default(30),
  /** How ECS replaces tasks during a rollout. */
  deployment: z
    .strictObject({
      /** Tasks that must stay running during a rollout, percent of the desired count. @default 100 */
      minimumHealthyPercent: z.int().min(0).max(100).default(100),
      /** Tasks that may run during a rollout, percent of the desired count. @default 200 */
      maximumPercent: z.int().min(100).max(400).default(200),
      /**
       * Minutes `cdktf deploy` and `npm run release` wait for a rollout to complete before they fail (the deployment
       * circuit breaker usually decides sooner).
       * @default 20
       */
      rolloutTimeoutMinutes: z.int().min(5).max(120).default(20),
      /**
       * `rolling`: ECS replaces tasks in place, guarded by the circuit breaker. `blue-green`: a release starts the
       * new version beside the live one, checks it through a test route, and production traffic moves only when
       * promoted (see README, "Blue/green releases").
       * @default "rolling"
       */
      strategy: z.enum(["rolling", "blue-green"]).default("rolling"),
      /** How a blue-green release is checked, shifted and kept (only with `strategy: "blue-green"`). */
      blueGreen: z
        .strictObject({
          /**
           * Production traffic moves to the new version in these steps, each held for its bake time while the new
           * version's health is watched; the last step must be 100.
           * @default [{ percent: 100, bakeSeconds: 0 }]
           */
          trafficSteps: z
            .array(
              z.strictObject({
                /** Percent of production traffic on the new version. */
                percent: z.int().min(1).max(100),
                /** Seconds to hold the step while watching health before the next. @default 0 */
                bakeSeconds: z.int().min(0).max(3600).default(0),
              }),
            )
            .min(1)
            .default([{ percent: 100, bakeSeconds: 0 }]),
          /**
           * Minutes the previous version keeps running after a promotion, so a rollback is one listener change; then
           * it scales to zero.
           * @default 30
           */
          keepPreviousMinutes: z.int().min(0).max(1440).default(30),
          /** What must pass, through the test route, before a promotion. */
          validation: z
            .strictObject({
              /**
               * An HTTP check through the test listener.
               * @default - a GET of the service's health check path expecting 200, unless `command` or `manual` is given
               */
              http: z
                .strictObject({
                  /** Path requested; starts with "/". @default - the service's healthCheck.path */
                  path: z.string().optional(),
                  /** HTTP status that passes. @default 200 */
                  expectedStatus: z.int().min(100).max(599).default(200),
                  /** Seconds the request may take. @default 10 */
                  timeoutSeconds: z.int().min(1).max(60).default(10),
                })
                .optional(),
              /** A command run as a one-off task of the new version (same image); exit 0 passes. */
              command: z.array(z.string()).min(1).optional(),
              /** Stop after the checks and wait for `npm run promote` (a person, or CI behind an approval). @default false */
              manual: z.boolean().default(false),
            })
            .prefault({}),
        })
        .optional(),
    })
    .prefault({}),
  /** Mount the root filesystem read-only (writable /tmp is provided). @default true */
  readonlyRootFilesystem: z.boolean().default(true),
  /** Days the service's log group keeps records. @default 30 */
  logRetentionDays: retentionDays.default(30),
  /** Run on the cluster's EC2 capacity instead of Fargate (needs ecs.ec2). @default "fargate" */
  capacity: z.enum(["fargate", "ec2"]).default("fargate"),
  /** A one-off migration task: same image, this command (run with `npm run task`). */
  migration: z
    .strictObject({
      /** The migration command, e.g. ["npm", "run", "db:migrate"]. */
      command: z.array(z.string()).min(1),
    })
    .optional(),
  /**
   * What the application itself may do in AWS (the task role). Nothing by default.
   * @default []
   */
  taskPolicy: z
    .array(
      z.strictObject({
        /** IAM actions, e.g. ["s3:GetObject"]; a service's every action ("s3:*") is refused. */
        actions: z.array(iamAction).min(1),
        /** Resource ARNs the actions apply to (in this workspace's partition), or "*". */
        resources: z.array(z.string()).min(1),
      }),
    )
    .default([]),
  /**
   * This service's alarms: thresholds overriding the workspace's `alarms.services`. Its load balancer alarms are
   * also its deployment alarms: a release that trips them is rolled back by ECS.
   */
  alarms: serviceAlarmsSchema.prefault({}),
});

export const SECRET_ALPHABETS = ["alphanumeric", "hex", "base64url", "printable"] as const;

export const secretSchema = z.strictObject({
  /** Secret name (lowercase, hyphens); stored in Secrets Manager as `<project>/<workspace>/<name>`. */
  name: label("secret name", 40),
  /** What the secret is for. */
  description: z.string().min(1),
  /** Services that read it; each must also reference it in its `secrets`. */
  readers: z.array(z.string()).default([]),
  /**
   * `generated`: `npm run secrets` creates a random value; `provided`: the operator supplies it through an
   * environment variable.
   */
  source: z.enum(["generated", "provided"]),
  /** Length of a generated value. @default 48 */
  length: z.int().min(16).max(4096).default(48),
  /** Characters of a generated value. @default "alphanumeric" */
  alphabet: z.enum(SECRET_ALPHABETS).default("alphanumeric"),
  /** Variable the operator sets for a provided secret. @default "SECRET_<NAME>" (upper-case, "-" -> "_") */
  envVar: envName.optional(),
  /** Days a deleted secret can be restored (7-30; 0 deletes at once). @default 30 */
  recoveryWindowDays: z
    .int()
    .check((ctx) => {
      if (ctx.value !== 0 && (ctx.value < 7 || ctx.value > 30)) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          message: `${ctx.value} is not a recovery window Secrets Manager accepts; expected 0 or 7 to 30 days`,
        });
      }
    })
    .default(30),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: database
// ---------------------------------------------------------------------------------------------------------------

/** Instance classes accepted in `database.instanceClass`; extend when a new one is needed. */
export const DB_INSTANCE_CLASSES = [
  ...["micro", "small", "medium", "large", "xlarge", "2xlarge"].map((s) => `db.t4g.${s}`),
  ...["micro", "small", "medium", "large", "xlarge", "2xlarge"].map((s) => `db.t3.${s}`),
  ...["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"].flatMap((s) =>
    ["m6g", "m6i", "m7g", "r6g", "r6i", "r7g"].map((f) => `db.${f}.${s}`),
  ),
];

export const databaseSchema = z.strictObject({
  /** Database engine. @default "postgres" */
  engine: z.enum(Object.keys(DATABASE_ENGINES) as [DatabaseEngine, ...DatabaseEngine[]]).default("postgres"),
  /**
   * Major ("16", RDS picks its newest minor) or a minor RDS offers for new instances ("16.11", listed in
   * src/config/engine-versions.ts); minor upgrades are applied automatically.
   */
  engineVersion: z.string(),
  /** e.g. "db.t4g.micro". */
  instanceClass: z.string(),
  /** Initial storage (gp3). @default 20 */
  allocatedStorageGb: z.int().min(20).max(65536).default(20),
  /** Storage autoscaling ceiling. @default 100 */
  maxAllocatedStorageGb: z.int().min(20).max(65536).default(100),
  /**
   * Name of the database created on the instance: a letter, then letters, digits and _ (63 characters for PostgreSQL,
   * 64 for MySQL); not a word the engine reserves. @default "app"
   */
  databaseName: hinted(
    z.string(),
    'a letter, then letters, digits and _ (up to 63 for postgres, 64 for mysql), not a reserved word, e.g. "app"',
  ).default("app"),
  /**
   * Master user name; its password is managed by RDS in Secrets Manager. A letter, then letters, digits and _ (63
   * characters for PostgreSQL, 32 for MySQL); not rdsadmin, nor admin on PostgreSQL. @default "app_admin"
   */
  masterUsername: hinted(
    z.string(),
    'a letter, then letters, digits and _ (up to 63 for postgres, 32 for mysql), not a reserved name, e.g. "app_admin"',
  ).default("app_admin"),
  /** A standby in a second availability zone. @default - true in a production workspace, false elsewhere */
  multiAz: z.boolean().optional(),
  /** Refuse deletion of the instance. @default - true in a production workspace, false elsewhere */
  deletionProtection: z.boolean().optional(),
  /** Why a production database may go without deletion protection (required to turn it off there). */
  deletionProtectionWaiver: z.string().min(10, { error: "give a reason of at least 10 characters" }).optional(),
  /** Days of automated backups, 1-35. @default - 14 in production, 1 elsewhere */
  backupRetentionDays: z.int().optional(),
  /** Daily backups, UTC, "hh:mm-hh:mm": at least 30 minutes, apart from the maintenance window. @default "03:00-04:00" */
  backupWindow: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, {
      error: 'must be "hh:mm-hh:mm" in UTC, e.g. "03:00-04:00"',
    })
    .default("03:00-04:00"),
  /** Weekly maintenance, UTC, "ddd:hh:mm-ddd:hh:mm": 30 minutes to 24 hours. @default "sun:04:30-sun:05:30" */
  maintenanceWindow: z
    .string()
    .regex(
      /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/,
      {
        error: 'must be "ddd:hh:mm-ddd:hh:mm" in UTC, e.g. "sun:04:30-sun:05:30"',
      },
    )
    .default("sun:04:30-sun:05:30"),
  /** Keep a final snapshot when the instance is deleted. @default - true in production, false elsewhere */
  finalSnapshot: z.boolean().optional(),
  /** Performance Insights, encrypted with the workspace key, 7 days (free tier). @default - true in production, false elsewhere */
  performanceInsights: z.boolean().optional(),
  /** Enhanced monitoring interval in seconds (0 = off). @default - 60 in production, 0 elsewhere */
  monitoringIntervalSeconds: hinted(
    z.union([z.literal(0), z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)]),
    "one of 0, 1, 5, 10, 15, 30, 60 (seconds; 0 turns enhanced monitoring off)",
  ).optional(),
  /** Statements slower than this are logged. @default 500 */
  slowQueryMs: z.int().min(0).default(500),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: load balancer, DNS, registry, cluster
// ---------------------------------------------------------------------------------------------------------------

export const dnsSchema = z.strictObject({
  /** The hosted zone every service host name lies in, e.g. "dev.acme.example.com". */
  zoneName: hinted(
    checked((zone) => dnsNameProblem(zone, "zone")),
    'a lower-case DNS name of at least two labels, e.g. "dev.acme.example.com"',
  ),
  /** Create the hosted zone here (then delegate to its name servers) rather than use an existing one. @default false */
  createZone: z.boolean().default(false),
  /** An existing certificate, in this workspace's account and region, to use instead of a new DNS-validated one. */
  certificateArn: z
    .string()
    .regex(/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, { error: "must be an ACM certificate ARN" })
    .optional(),
});

export const loadBalancerSchema = z.strictObject({
  /** Seconds an idle connection stays open. @default 60 */
  idleTimeoutSeconds: z.int().min(1).max(4000).default(60),
  /** Refuse deletion of the load balancer. @default - true in production, false elsewhere */
  deletionProtection: z.boolean().optional(),
  /** Days access logs are kept in their bucket. @default 90 */
  accessLogRetentionDays: z.int().min(1).max(3650).default(90),
  /**
   * TLS security policy of the HTTPS listener: one of AWS's Application Load Balancer policies that refuse TLS 1.0
   * and 1.1 (listed in src/config/tls-policies.ts). @default "ELBSecurityPolicy-TLS13-1-2-2021-06"
   */
  sslPolicy: hinted(
    checked(sslPolicyProblem),
    `an ALB security policy without TLS 1.0 or 1.1: ${ACCEPTED_SSL_POLICIES.join(", ")}`,
  ).default(DEFAULT_SSL_POLICY),
  /**
   * An AWS WAF web ACL in front of the load balancer: a per-client-IP rate limit, then AWS's managed Amazon IP
   * reputation, known bad inputs and common rule groups. WAF bills per web ACL, per rule and per million requests.
   * @default - none (security control ELB.16 then needs a waiver)
   */
  waf: z
    .strictObject({
      /** Requests one client IP may send in any 5 minutes before WAF blocks it (10 or more). @default 2000 */
      rateLimitPer5Minutes: z.int().min(10).max(2_000_000_000).default(2000),
    })
    .optional(),
  /**
   * An HTTPS listener that reaches the standby version of blue-green services, for their validation before a
   * promotion; open only to `allowedCidrs` (e.g. CI runners, the office VPN). Needed by every blue-green service.
   */
  testListener: z
    .strictObject({
      /** Port of the test listener. @default 8443 */
      port: z.int().min(1).max(65535).default(8443),
      /** Who may reach it (CIDR blocks; the internet as a whole is refused). */
      allowedCidrs: z.array(cidrBlock).min(1),
    })
    .optional(),
});

export const registrySchema = z.strictObject({
  /** Tagged release images kept per repository. @default 30 */
  keepTaggedImages: z.int().min(1).max(1000).default(30),
  /** Days after which untagged images expire. @default 7 */
  untaggedExpiryDays: z.int().min(1).max(365).default(7),
  /** Other accounts allowed to pull (when this workspace hosts a shared registry). @default [] */
  pullAccountIds: z.array(accountId).default([]),
});

function instanceTypeProblem(instanceType: string): string | undefined {
  if (instanceType in EC2_INSTANCE_TYPES) return undefined;
  const known = knownInstanceTypes();
  if (isGravitonType(instanceType)) {
    const [family, size] = instanceType.split(".");
    const alike = Object.keys(EC2_INSTANCE_TYPES).filter((t) => t[0] === family[0] && t.endsWith(`.${size}`));
    const suggestion = alike.find((t) => t[1] === family[1]) ?? alike[0];
    return (
      `${shown(instanceType)} is a Graviton (arm64) type, but the container instances boot the ${ECS_AMI_ARCHITECTURE} ` +
      `ECS-optimized Amazon Linux 2023 image, which arm64 instances cannot run; use an x86_64 type` +
      `${suggestion ? ` such as ${shown(suggestion)}` : ""}; known types: ${known}`
    );
  }
  return `${shown(instanceType)} is not an instance type this project knows the size of; expected one of ${known} (add a row to src/config/instance-types.ts for another)`;
}

export const clusterSchema = z.strictObject({
  /** CloudWatch Container Insights metrics for the cluster. @default true */
  containerInsights: z.boolean().default(true),
  /** Share of Fargate Spot in the default capacity strategy (0 = none; dev can save with 1 or more). @default 0 */
  fargateSpotWeight: z.int().min(0).max(10).default(0),
  /** Allow `aws ecs execute-command` into tasks (audited in CloudWatch Logs). @default false */
  execEnabled: z.boolean().default(false),
  /** EC2 container instances as an extra capacity provider. */
  ec2: z
    .strictObject({
      /**
       * EC2 instance type of the container instances: an x86_64 type listed in src/config/instance-types.ts (the
       * cluster boots the x86_64 ECS-optimized image). @default "t3.small"
       */
      instanceType: hinted(
        checked(instanceTypeProblem),
        `an x86_64 EC2 instance type such as "t3.small" or "m7i.large"`,
      ).default("t3.small"),
      /** Fewest instances; at most maxSize. @default 0 */
      minSize: z.int().min(0).default(0),
      /** Most instances. @default 2 */
      maxSize: z.int().min(1).default(2),
      /** Target cluster utilisation percent for managed scaling. @default 100 */
      targetCapacityPercent: z.int().min(1).max(100).default(100),
    })
    .optional(),
  /** A task with a database client that operators exec into; no inbound traffic. */
  maintenanceTask: z
    .strictObject({
      /** Define the maintenance task (it runs only when started). @default false */
      enabled: z.boolean().default(false),
      /** Image with the database client. @default "public.ecr.aws/docker/library/postgres:16-alpine" */
      image: z.string().default("public.ecr.aws/docker/library/postgres:16-alpine"),
      /** Minutes after which a started maintenance task stops itself, so a forgotten shell costs little. @default 60 */
      idleMinutes: z.int().min(1).max(1440).default(60),
    })
    .optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: CI identities
// ---------------------------------------------------------------------------------------------------------------

/** A GitHub repository, "owner/name". */
export const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9_.-]{1,100}$/;
const githubRepository = hinted(
  z.string().check((ctx) => {
    if (!GITHUB_REPOSITORY_PATTERN.test(ctx.value) || ctx.value.endsWith("/.") || ctx.value.endsWith("/..")) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        message: `${shown(ctx.value)} is not a GitHub repository; expected "owner/name", e.g. "acme/platform"`,
      });
    }
  }),
  'a GitHub repository, "owner/name", e.g. "acme/platform"',
);

/** A git ref pattern as GitHub puts it in the OIDC token's `sub` (`*` matches any characters). */
const gitRefPattern = hinted(
  z.string().check((ctx) => {
    const v = ctx.value;
    if (!/^refs\/(heads|tags)\/[A-Za-z0-9._/*-]+$/.test(v) || /^refs\/(heads|tags)\/\*+$/.test(v)) {
      ctx.issues.push({
        code: "custom",
        input: v,
        message:
          `${shown(v)} is not a usable ref pattern; expected "refs/heads/<branch>" or "refs/tags/<pattern>" naming ` +
          `something, e.g. "refs/heads/main" or "refs/tags/v*" (a pattern matching every branch or tag is refused)`,
      });
    }
  }),
  'a git ref pattern, e.g. "refs/heads/main" or "refs/tags/v*"',
);

/** A GitHub environment name. */
const githubEnvironment = hinted(
  z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, { error: 'must be a GitHub environment name, e.g. "prod"' }),
  'a GitHub environment name, e.g. "prod"',
);

export const ciSchema = z.strictObject({
  /** The GitHub repository whose workflows plan, release and deploy this workspace ("owner/name"). */
  repository: githubRepository,
  /**
   * Application repositories whose workflows may call the reusable release workflow for this workspace (their OIDC
   * tokens name the calling repository).
   * @default []
   */
  applicationRepositories: z.array(githubRepository).default([]),
  /**
   * Create GitHub's OIDC identity provider in this workspace's account; false when it exists already (another
   * workspace in the same account, or created by hand).
   * @default true
   */
  createOidcProvider: z.boolean().default(true),
  /** Who may use the plan role: read-only in the account, read-only on this workspace's state. */
  plan: z
    .strictObject({
      /** Pull requests of the repository may plan. @default true */
      pullRequests: z.boolean().default(true),
      /** Refs whose workflows may plan (drift checks, the infrastructure workflow). @default ["refs/heads/main"] */
      refs: z.array(gitRefPattern).default(["refs/heads/main"]),
    })
    .prefault({}),
  /** Who may use the release role: push images and release them to this workspace's services, nothing else. */
  release: z
    .strictObject({
      /** GitHub environments whose jobs may release (protect them with required reviewers). @default [] */
      environments: z.array(githubEnvironment).default([]),
      /**
       * Refs whose jobs may release without an environment, e.g. "refs/tags/v*". Refused in a production workspace:
       * production releases come only from a protected environment.
       * @default []
       */
      refs: z.array(gitRefPattern).default([]),
      /**
       * Workspaces whose repositories the release role may pull from, to promote the exact digest they run (their
       * `registry.pullAccountIds` must name this workspace's account).
       * @default []
       */
      promoteFrom: z.array(z.string()).default([]),
    })
    .prefault({}),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts: quotas
// ---------------------------------------------------------------------------------------------------------------

const quota = (name: QuotaName) => {
  const q = ACCOUNT_QUOTAS[name];
  return z.int().min(q.default).max(q.max).default(q.default);
};

export const quotasSchema = z.strictObject({
  /** Elastic IP addresses per region ("EC2-VPC Elastic IPs"); each NAT gateway holds one. @default 5 */
  elasticIpsPerRegion: quota("elasticIpsPerRegion"),
  /** VPCs per region ("VPCs per Region"), the default VPC included. @default 5 */
  vpcsPerRegion: quota("vpcsPerRegion"),
  /** Rules per network ACL and direction ("Rules per network ACL"), at most 40. @default 20 */
  networkAclRulesPerDirection: quota("networkAclRulesPerDirection"),
  /** Inbound or outbound rules per security group. @default 60 */
  securityGroupRulesPerDirection: quota("securityGroupRulesPerDirection"),
  /** Listener rules per load balancer, the default rules not counted ("Rules per Application Load Balancer"). @default 100 */
  listenerRulesPerLoadBalancer: quota("listenerRulesPerLoadBalancer"),
  /** Targets (running tasks) per load balancer ("Targets per Application Load Balancer"). @default 1000 */
  targetsPerLoadBalancer: quota("targetsPerLoadBalancer"),
});

// ---------------------------------------------------------------------------------------------------------------
// environments/<workspace>.ts
// ---------------------------------------------------------------------------------------------------------------

export const workspaceSchema = z.strictObject({
  /** Workspace name: the stack name (`cdktf deploy <name>`) and the state key. */
  name: label("workspace name", 12),
  /** The account this workspace's resources live in. */
  accountId,
  /** Region of the workspace's resources. */
  region,
  /** Role the workspace's provider assumes in its account (created outside this project; see README). */
  deployRoleName: roleName,
  /**
   * Principals (ARNs) allowed to assume this workspace's state role in the master account, e.g. only the dev CI role
   * for dev. @default - the project's stateAccessPrincipals
   */
  statePrincipals: z.array(principalArn).min(1).optional(),
  /** Prefix of every resource name. @default "<project>-<name>" */
  namePrefix: label("name prefix", 24).optional(),
  /** Extra tags on every resource of this workspace (merged under project, environment and managed-by). @default {} */
  tags: tags.default({}),
  /** Production turns on the safe defaults: multi-AZ database, deletion protection, longer backups. @default false */
  production: z.boolean().default(false),
  /**
   * Why this workspace shares its AWS account with another workspace or with the master account. Each workspace
   * should have an account of its own (one account's admins, quotas and mistakes then cannot reach another's); a
   * shared account is refused unless the file gives the reason here.
   */
  sharedAccountWaiver: z.string().min(20, { error: "give a reason of at least 20 characters" }).optional(),
  /**
   * Quotas raised for this workspace's account and region through Service Quotas; the loader counts what the stacks
   * create against these instead of AWS's defaults. @default - AWS's default quotas of a new account
   */
  quotas: quotasSchema.prefault({}),
  /** The VPC and its subnets. */
  network: networkSchema,
  /** DNS zone and certificate of the public services (needed when a service is public). */
  dns: dnsSchema.optional(),
  /** The internet-facing application load balancer. */
  loadBalancer: loadBalancerSchema.prefault({}),
  /** The ECR repositories, one per service. */
  registry: registrySchema.prefault({}),
  /** The ECS cluster. */
  cluster: clusterSchema.prefault({}),
  /** The containers this workspace runs. @default [] */
  services: z.array(serviceSchema).default([]),
  /** Secrets Manager secrets (values are filled by `npm run secrets`, never written here). @default [] */
  secrets: z.array(secretSchema).default([]),
  /** The workspace's relational database. */
  database: databaseSchema.optional(),
  /** CI identities for GitHub Actions (OIDC): a plan role and a release role in this workspace's account. */
  ci: ciSchema.optional(),
  /** Security controls checked at synth on this workspace's stack: the findings accepted on purpose. */
  policy: policySchema.prefault({}),
  /** CloudWatch alarms and their thresholds; each alarm notifies the workspace's alarm topic. */
  alarms: alarmsSchema.prefault({}),
  /** Who the alarm topic notifies (alarm and back-to-OK messages). */
  notifications: notificationsSchema.prefault({}),
  /**
   * Principals (ARNs) trusted to assume the workspace's operator role: ECS Exec into the cluster's tasks, reading
   * its logs, starting and stopping the maintenance task, nothing else. @default [] (no operator role)
   */
  operators: z.array(principalArn).default([]),
});

export type ProjectInput = z.input<typeof projectSchema>;
export type ProjectSettings = z.output<typeof projectSchema>;
export type WorkspaceInput = z.input<typeof workspaceSchema>;
export type WorkspaceSettings = z.output<typeof workspaceSchema>;
export type NetworkSettings = z.output<typeof networkSchema>;
export type ServiceSettings = z.output<typeof serviceSchema>;
export type SecretSettings = z.output<typeof secretSchema>;
export type SecretReference = z.output<typeof secretReference>;
export type DatabaseSettings = z.output<typeof databaseSchema>;
export type DnsSettings = z.output<typeof dnsSchema>;
export type CiSettings = z.output<typeof ciSchema>;
export type QuotaSettings = z.output<typeof quotasSchema>;
export type AlarmSettings = z.output<typeof alarmsSchema>;
export type ServiceAlarmThresholds = z.output<typeof serviceAlarmThresholdsSchema>;
export type NotificationSettings = z.output<typeof notificationsSchema>;
