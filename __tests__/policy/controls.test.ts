import { Construct } from "constructs";
import { Testing } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DbInstance, DbInstanceConfig } from "@cdktf/provider-aws/lib/db-instance";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository, EcrRepositoryConfig } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Lb, LbConfig } from "@cdktf/provider-aws/lib/lb";
import { LbListener, LbListenerConfig } from "@cdktf/provider-aws/lib/lb-listener";
import { NetworkAclRule, NetworkAclRuleConfig } from "@cdktf/provider-aws/lib/network-acl-rule";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { AccessLogBucket } from "../../src/constructs/access-log-bucket";
import { StateBucket } from "../../src/constructs/state-bucket";
import { ACCEPTED_SSL_POLICIES, DEFAULT_SSL_POLICY } from "../../src/config/tls-policies";
import { CONTROL_IDS, CONTROLS, RECOMMENDED_SSL_POLICIES } from "../../src/policy/controls";
import { SynthesizedStack } from "../../src/policy/synthesized";
import { evaluate, Finding } from "../../src/policy/waivers";

/** The findings of every control on what `build` creates. */
function findingsOf(build: (scope: Construct) => void): Finding[] {
  const json = Testing.synthScope(build);
  return [...evaluate(new SynthesizedStack("stack", JSON.parse(json)), []).violations];
}

/** What `control` says about what `build` creates: one problem per resource that breaks it. */
function problems(control: string, build: (scope: Construct) => void): string[] {
  return findingsOf(build)
    .filter((f) => f.control.id === control)
    .map((f) => f.problem);
}

const TLS_ONLY_POLICY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
});

type BucketPart = "publicAccess" | "encryption" | "policy" | "versioning" | "lifecycle" | "logging";

/** A bucket with every companion resource the S3 controls look for, except `omit`. */
function bucket(omit: BucketPart[] = [], change: { lifecycleFilter?: object; policy?: string } = {}) {
  return (scope: Construct) => {
    const b = new S3Bucket(scope, "Bucket", { bucket: "b" });
    const has = (part: BucketPart) => !omit.includes(part);
    if (has("publicAccess")) {
      new S3BucketPublicAccessBlock(scope, "Pab", {
        bucket: b.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
    if (has("encryption")) {
      new S3BucketServerSideEncryptionConfigurationA(scope, "Sse", {
        bucket: b.id,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      });
    }
    if (has("policy")) new S3BucketPolicy(scope, "Policy", { bucket: b.id, policy: change.policy ?? TLS_ONLY_POLICY });
    if (has("versioning")) {
      new S3BucketVersioningA(scope, "Versioning", { bucket: b.id, versioningConfiguration: { status: "Enabled" } });
    }
    if (has("lifecycle")) {
      new S3BucketLifecycleConfiguration(scope, "Lifecycle", {
        bucket: b.id,
        rule: [
          {
            id: "abort",
            status: "Enabled",
            filter: [change.lifecycleFilter ?? {}],
            abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          },
        ],
      });
    }
    if (has("logging"))
      new S3BucketLoggingA(scope, "Logging", { bucket: b.id, targetBucket: "logs", targetPrefix: "b/" });
  };
}

const lb =
  (config: Partial<LbConfig> = {}, waf = true) =>
  (scope: Construct) => {
    const balancer = new Lb(scope, "Lb", {
      loadBalancerType: "application",
      dropInvalidHeaderFields: true,
      enableDeletionProtection: true,
      accessLogs: { bucket: "logs", enabled: true },
      ...config,
    });
    if (waf) new Wafv2WebAclAssociation(scope, "Waf", { resourceArn: balancer.arn, webAclArn: "arn:aws:wafv2:acl" });
  };

const listener = (config: Partial<LbListenerConfig>) => (scope: Construct) =>
  new LbListener(scope, "Listener", {
    loadBalancerArn: "arn:aws:elasticloadbalancing:lb",
    defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404" } }],
    ...config,
  });

const naclRule = (config: Partial<NetworkAclRuleConfig>) => (scope: Construct) =>
  new NetworkAclRule(scope, "Rule", {
    networkAclId: "acl-1",
    ruleNumber: 100,
    ruleAction: "allow",
    protocol: "tcp",
    egress: false,
    cidrBlock: "0.0.0.0/0",
    fromPort: 443,
    toPort: 443,
    ...config,
  });

const sgRule =
  (config: { cidrIpv4?: string; cidrIpv6?: string; ipProtocol?: string; fromPort?: number; toPort?: number }) =>
  (scope: Construct) =>
    new VpcSecurityGroupIngressRule(scope, "Rule", { securityGroupId: "sg-1", ipProtocol: "tcp", ...config });

const task = (container: Record<string, unknown>, pidMode?: string) => (scope: Construct) =>
  new EcsTaskDefinition(scope, "Task", {
    family: "f",
    pidMode,
    containerDefinitions: JSON.stringify([
      {
        name: "app",
        image: "i",
        readonlyRootFilesystem: true,
        logConfiguration: { logDriver: "awslogs" },
        ...container,
      },
    ]),
  });

const db = (config: Partial<DbInstanceConfig>) => (scope: Construct) =>
  new DbInstance(scope, "Db", {
    instanceClass: "db.t4g.micro",
    storageEncrypted: true,
    publiclyAccessible: false,
    multiAz: true,
    deletionProtection: true,
    backupRetentionPeriod: 14,
    enabledCloudwatchLogsExports: ["postgresql"],
    autoMinorVersionUpgrade: true,
    ...config,
  });

const repository =
  (config: Partial<EcrRepositoryConfig>, lifecycle = true) =>
  (scope: Construct) => {
    const repo = new EcrRepository(scope, "Repo", {
      name: "r",
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      ...config,
    });
    if (lifecycle) new EcrLifecyclePolicy(scope, "Lifecycle", { repository: repo.name, policy: "{}" });
  };

type Case = [
  control: string,
  passing: (scope: Construct) => void,
  failing: (scope: Construct) => void,
  problem: RegExp,
];

const CASES: Case[] = [
  ["S3.8", bucket(), bucket(["publicAccess"]), /no aws_s3_bucket_public_access_block/],
  ["S3.4", bucket(), bucket(["encryption"]), /no default server-side encryption/],
  [
    "S3.5",
    bucket(),
    bucket([], { policy: JSON.stringify({ Statement: [{ Effect: "Allow" }] }) }),
    /without a Deny on aws:SecureTransport/,
  ],
  ["S3.9", bucket(), bucket(["logging"]), /no server access logging/],
  ["S3.14", bucket(), bucket(["versioning"]), /no aws_s3_bucket_versioning with status Enabled/],
  [
    "S3.13",
    bucket(),
    bucket([], { lifecycleFilter: { prefix: "tmp/" } }),
    /aborting incomplete multipart uploads for every object/,
  ],
  [
    "EC2.2",
    (scope) => new DefaultSecurityGroup(scope, "DefaultGroup", { vpcId: "vpc-1" }),
    (scope) =>
      new DefaultSecurityGroup(scope, "DefaultGroup", {
        vpcId: "vpc-1",
        egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }],
      }),
    /has egress rules/,
  ],
  [
    "EC2.6",
    (scope) => {
      const vpc = new Vpc(scope, "Vpc", { cidrBlock: "10.0.0.0/16" });
      new FlowLog(scope, "FlowLog", { vpcId: vpc.id, trafficType: "ALL", logDestination: "arn:aws:logs:x" });
    },
    (scope) => new Vpc(scope, "Vpc", { cidrBlock: "10.0.0.0/16" }),
    /no aws_flow_log/,
  ],
  [
    "EC2.21",
    naclRule({}),
    naclRule({ fromPort: 1024, toPort: 65535 }),
    /0\.0\.0\.0\/0 in on ports 1024-65535, which include 3389/,
  ],
  [
    "EC2.53",
    sgRule({ cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 }),
    sgRule({ cidrIpv4: "0.0.0.0/0", fromPort: 22, toPort: 22 }),
    /admits 0\.0\.0\.0\/0 on 22/,
  ],
  [
    "EC2.54",
    sgRule({ cidrIpv6: "::/0", fromPort: 443, toPort: 443 }),
    sgRule({ cidrIpv6: "::/0", ipProtocol: "-1" }),
    /admits ::\/0 on 22 and 3389/,
  ],
  [
    "ELB.1",
    listener({
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", statusCode: "HTTP_301" } }],
    }),
    listener({ port: 80, protocol: "HTTP" }),
    /HTTP listener that does not redirect to HTTPS/,
  ],
  ["ELB.4", lb(), lb({ dropInvalidHeaderFields: false }), /drop_invalid_header_fields/],
  ["ELB.5", lb(), lb({ accessLogs: { bucket: "logs", enabled: false } }), /no access logs/],
  ["ELB.6", lb(), lb({ enableDeletionProtection: false }), /deletion protection off/],
  ["ELB.16", lb(), lb({}, false), /no aws_wafv2_web_acl_association/],
  [
    "ELB.17",
    listener({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }),
    listener({ port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06" }),
    /uses "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06"; expected one of/,
  ],
  [
    "ECS.2",
    (scope) =>
      new EcsService(scope, "Svc", { name: "s", networkConfiguration: { subnets: ["s"], assignPublicIp: false } }),
    (scope) =>
      new EcsService(scope, "Svc", { name: "s", networkConfiguration: { subnets: ["s"], assignPublicIp: true } }),
    /assigns public IP addresses/,
  ],
  ["ECS.3", task({}), task({}, "host"), /pid_mode "host"/],
  ["ECS.4", task({ privileged: false }), task({ privileged: true }), /container "app" is privileged/],
  ["ECS.5", task({}), task({ readonlyRootFilesystem: false }), /container "app" has a writable root filesystem/],
  [
    "ECS.8",
    task({ environment: [{ name: "NODE_ENV", value: "production" }] }),
    task({ environment: [{ name: "DATABASE_PASSWORD", value: "x" }] }),
    /container "app" has DATABASE_PASSWORD in its plain environment/,
  ],
  ["ECS.9", task({}), task({ logConfiguration: undefined }), /container "app" has no log configuration/],
  [
    "ECS.12",
    (scope) =>
      new EcsCluster(scope, "Cluster", { name: "c", setting: [{ name: "containerInsights", value: "enabled" }] }),
    (scope) => new EcsCluster(scope, "Cluster", { name: "c" }),
    /Container Insights off/,
  ],
  ["RDS.2", db({}), db({ publiclyAccessible: true }), /publicly accessible/],
  ["RDS.3", db({}), db({ storageEncrypted: false }), /does not encrypt its storage/],
  ["RDS.5", db({}), db({ multiAz: false }), /single Availability Zone/],
  ["RDS.8", db({}), db({ deletionProtection: false }), /deletion protection off/],
  ["RDS.9", db({}), db({ enabledCloudwatchLogsExports: [] }), /exports no logs/],
  ["RDS.11", db({ backupRetentionPeriod: 7 }), db({ backupRetentionPeriod: 6 }), /keeps backups 6 day/],
  ["RDS.13", db({}), db({ autoMinorVersionUpgrade: false }), /auto_minor_version_upgrade off/],
  [
    "DynamoDB.2",
    (scope) =>
      new DynamodbTable(scope, "Table", {
        name: "t",
        hashKey: "k",
        attribute: [{ name: "k", type: "S" }],
        pointInTimeRecovery: { enabled: true },
      }),
    (scope) => new DynamodbTable(scope, "Table", { name: "t", hashKey: "k", attribute: [{ name: "k", type: "S" }] }),
    /point-in-time recovery off/,
  ],
  [
    "KMS.4",
    (scope) => new KmsKey(scope, "Key", { enableKeyRotation: true }),
    (scope) => new KmsKey(scope, "Key", {}),
    /key rotation off/,
  ],
  [
    "CloudWatch.16",
    (scope) => new CloudwatchLogGroup(scope, "Logs", { name: "l", retentionInDays: 30 }),
    (scope) => new CloudwatchLogGroup(scope, "Logs", { name: "l" }),
    /keeps its logs forever/,
  ],
  ["ECR.1", repository({}), repository({ imageScanningConfiguration: { scanOnPush: false } }), /does not scan on push/],
  ["ECR.2", repository({}), repository({ imageTagMutability: "MUTABLE" }), /mutable image tags/],
  ["ECR.3", repository({}), repository({}, false), /no aws_ecr_lifecycle_policy/],
];

describe("security controls", () => {
  test("every control has a passing and a failing fixture below", () => {
    expect(CASES.map(([id]) => id).sort()).toEqual([...CONTROL_IDS].sort());
  });

  test("control ids are unique and each has a one-line title", () => {
    expect(new Set(CONTROL_IDS).size).toBe(CONTROL_IDS.length);
    for (const control of CONTROLS) expect(control.title).toMatch(/^[A-Z][^\n]+$/);
  });

  test.each(CASES)("%s passes a compliant resource", (id, passing) => {
    expect(problems(id, passing)).toEqual([]);
  });

  test.each(CASES)("%s flags a resource that breaks it", (id, _passing, failing, problem) => {
    const found = problems(id, failing);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(problem);
  });
});

describe("security controls on the project's own buckets", () => {
  test("the state bucket, with its logs going to an access log bucket, passes every S3 control", () => {
    const found = findingsOf((scope) => {
      const logs = new AccessLogBucket(scope, "Logs", {
        bucketName: "logs",
        accountId: "111111111111",
        sourceBucketNames: ["state"],
        retentionDays: 365,
      });
      new StateBucket(scope, "State", {
        bucketName: "state",
        noncurrentVersionExpirationDays: 90,
        accessLogs: { bucketName: logs.bucket.bucket, prefix: "state/", dependsOn: [logs.policy] },
      });
    });
    expect(found.map((f) => `${f.control.id} ${f.resource.address}`)).toEqual([]);
  });

  test("reads TLS-only bucket policies from policy documents as well as from JSON", () => {
    const found = findingsOf((scope) => {
      new StateBucket(scope, "State", {
        bucketName: "state",
        noncurrentVersionExpirationDays: 90,
        accessLogs: { bucketName: "logs", prefix: "state/", dependsOn: [] },
      });
    });
    expect(found.filter((f) => f.control.id === "S3.5")).toEqual([]);
  });

  test("a bucket that receives S3 access logs is exempt from logging its own access (S3.9)", () => {
    const found = findingsOf((scope) => {
      new AccessLogBucket(scope, "Logs", {
        bucketName: "logs",
        accountId: "111111111111",
        sourceBucketNames: ["state"],
        retentionDays: 365,
      });
      new S3BucketLoggingA(scope, "StateLogging", { bucket: "state", targetBucket: "logs", targetPrefix: "state/" });
    });
    expect(found.filter((f) => f.control.id === "S3.9")).toEqual([]);
  });
});

describe("EC2.21 and the security group controls look only at what admits traffic from anywhere", () => {
  test.each([
    ["an egress rule", naclRule({ egress: true, fromPort: 0, toPort: 65535 })],
    ["a deny rule", naclRule({ ruleAction: "deny", fromPort: 22, toPort: 22 })],
    ["a rule from a private range", naclRule({ cidrBlock: "10.0.0.0/8", fromPort: 22, toPort: 22 })],
    ["a UDP rule", naclRule({ protocol: "udp", fromPort: 1, toPort: 65535 })],
    ["a range between the admin ports", naclRule({ fromPort: 23, toPort: 3388 })],
  ])("EC2.21 accepts %s", (_what, build) => {
    expect(problems("EC2.21", build)).toEqual([]);
  });

  test("EC2.21 flags ::/0 and all protocols too", () => {
    expect(problems("EC2.21", naclRule({ cidrBlock: undefined, ipv6CidrBlock: "::/0", protocol: "-1" }))).toEqual([
      expect.stringMatching(/::\/0 in on ports .*22 and 3389/),
    ]);
  });

  test("EC2.53 reads inline security group rules", () => {
    const build = (scope: Construct) =>
      new SecurityGroup(scope, "Group", {
        ingress: [{ fromPort: 3389, toPort: 3389, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }],
      });
    expect(problems("EC2.53", build)).toEqual(["admits 0.0.0.0/0 on 3389"]);
  });
});

describe("ELB.17 and the loader's TLS policies", () => {
  test("the schema's default listener policy is one FSBP recommends", () => {
    expect(RECOMMENDED_SSL_POLICIES).toContain(DEFAULT_SSL_POLICY);
  });

  test("every recommended policy is one the loader accepts", () => {
    expect(RECOMMENDED_SSL_POLICIES.filter((p) => !(ACCEPTED_SSL_POLICIES as readonly string[]).includes(p))).toEqual(
      [],
    );
  });
});
