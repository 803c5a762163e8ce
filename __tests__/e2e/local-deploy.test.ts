/**
 * The main job, for real: the moto emulator started here, the bootstrap and dev stacks applied with terraform from
 * the same synthesized JSON real AWS would get, and the result inspected through the AWS SDK in each account.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  GetBucketLoggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds";
import {
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadEnvironments } from "../../src/config";
import { deployBootstrapAndWorkspace, LocalDeployResult, synthesize } from "../../scripts/lib/local-deploy";
import { emulatorEnv, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { terraform } from "../../scripts/lib/terraform";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(15 * 60 * 1000);

const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
const dev = workspaces.find((w) => w.name === "dev")!;
const region = project.region;

let server: MotoServer;
let result: LocalDeployResult;
let workDir: string;
let masterS3: S3Client;
let masterDynamo: DynamoDBClient;
let devEc2: EC2Client;
let devS3: S3Client;
let masterEc2: EC2Client;
let devSsm: SSMClient;
let devRds: RDSClient;
let devSecrets: SecretsManagerClient;
let devEcs: ECSClient;

beforeAll(async () => {
  server = await startMoto();
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-e2e-"));
  result = await deployBootstrapAndWorkspace("dev", {
    env: emulatorEnv(server.endpoint, region),
    workDir,
    log: () => undefined,
  });
  const master = await credentialsFor(server.endpoint, region, project.masterAccountId, project.deployRoleName!);
  const devCreds = await credentialsFor(server.endpoint, region, dev.accountId, dev.deployRoleName);
  masterS3 = new S3Client(clientConfig(server.endpoint, region, master));
  masterDynamo = new DynamoDBClient(clientConfig(server.endpoint, region, master));
  masterEc2 = new EC2Client(clientConfig(server.endpoint, region, master));
  devEc2 = new EC2Client(clientConfig(server.endpoint, region, devCreds));
  devS3 = new S3Client(clientConfig(server.endpoint, region, devCreds));
  devSsm = new SSMClient(clientConfig(server.endpoint, region, devCreds));
  devRds = new RDSClient(clientConfig(server.endpoint, region, devCreds));
  devSecrets = new SecretsManagerClient(clientConfig(server.endpoint, region, devCreds));
  devEcs = new ECSClient(clientConfig(server.endpoint, region, devCreds));
});

afterAll(async () => {
  await server?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("local deploy of bootstrap and dev", () => {
  test("the second plan of each stack shows no changes", () => {
    expect(result.bootstrap.secondPlan).toBe("");
    expect(result.bootstrap.secondPlanEmpty).toBe(true);
    expect(result.workspace.secondPlan).toBe("");
    expect(result.workspace.secondPlanEmpty).toBe(true);
  });

  test("what was created is reported by resource type", () => {
    // The state bucket and its access log bucket; a state role per workspace, and a read-only one per workspace with CI.
    expect(result.bootstrap.resources).toMatchObject({
      aws_s3_bucket: 2,
      aws_s3_bucket_logging: 1,
      aws_dynamodb_table: 1,
      aws_iam_role: 4,
    });
    expect(result.workspace.resources).toMatchObject({
      aws_vpc: 1,
      aws_subnet: 6,
      aws_nat_gateway: 1,
      aws_lb: 1,
      aws_ecs_service: 2,
      aws_db_instance: 1,
      aws_secretsmanager_secret: 2,
      aws_appautoscaling_target: 2,
    });
  });

  test("dev's state object is in the master account's bucket under the workspace key", async () => {
    const head = await masterS3.send(new HeadObjectCommand({ Bucket: project.stateBucketName, Key: dev.stateKey }));
    expect(head.ContentLength).toBeGreaterThan(0);
    const body = await (
      await masterS3.send(new GetObjectCommand({ Bucket: project.stateBucketName, Key: dev.stateKey }))
    ).Body!.transformToString();
    const state = JSON.parse(body) as { resources: { type: string }[] };
    expect(state.resources.map((r) => r.type)).toContain("aws_vpc");
  });

  test("the lock was taken through DynamoDB and released from S3", async () => {
    const digest = await masterDynamo.send(
      new GetItemCommand({
        TableName: project.lockTableName,
        Key: { LockID: { S: `${project.stateBucketName}/${dev.stateKey}-md5` } },
      }),
    );
    expect(digest.Item?.Digest?.S).toMatch(/^[0-9a-f]{32}$/);
    const listed = await masterS3.send(
      new ListObjectsV2Command({ Bucket: project.stateBucketName, Prefix: "workspaces/dev/" }),
    );
    expect((listed.Contents ?? []).map((o) => o.Key)).toEqual([dev.stateKey]);
  });

  test("the lock table exists in the master account with the LockID key", async () => {
    const { Table } = await masterDynamo.send(new DescribeTableCommand({ TableName: project.lockTableName }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: "LockID", KeyType: "HASH" }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
  });

  test("the state bucket is versioned and blocks public access", async () => {
    const versioning = await masterS3.send(new GetBucketVersioningCommand({ Bucket: project.stateBucketName }));
    expect(versioning.Status).toBe("Enabled");
    const block = await masterS3.send(new GetPublicAccessBlockCommand({ Bucket: project.stateBucketName }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  test("the state bucket logs its access to the access log bucket, which S3 accepted as a log target", async () => {
    const logging = await masterS3.send(new GetBucketLoggingCommand({ Bucket: project.stateBucketName }));
    expect(logging.LoggingEnabled).toMatchObject({
      TargetBucket: project.stateLogBucketName,
      TargetPrefix: `${project.stateBucketName}/`,
    });
  });

  test("dev's resources live in the dev account, and the state store does not", async () => {
    expect(result.workspace.outputs.account_id).toBe(dev.accountId);
    const vpcId = String(result.workspace.outputs.vpc_id);
    const inDev = await devEc2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect(inDev.Vpcs?.map((v) => v.CidrBlock)).toEqual([dev.network.cidr]);
    const inMaster = await masterEc2.send(new DescribeVpcsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect(inMaster.Vpcs ?? []).toEqual([]);
    const devBuckets = await devS3.send(new ListBucketsCommand({}));
    expect((devBuckets.Buckets ?? []).map((b) => b.Name)).not.toContain(project.stateBucketName);
    const devTables = await new DynamoDBClient(
      clientConfig(
        server.endpoint,
        region,
        await credentialsFor(server.endpoint, region, dev.accountId, dev.deployRoleName),
      ),
    ).send(new ListTablesCommand({}));
    expect(devTables.TableNames ?? []).not.toContain(project.lockTableName);
  });

  test("the network is there: three tiers of subnets per zone, one NAT gateway, a network ACL per tier", async () => {
    const vpcId = String(result.workspace.outputs.vpc_id);
    const subnets = await devEc2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect((subnets.Subnets ?? []).map((s) => s.CidrBlock).sort()).toEqual(
      [...dev.network.subnets.public, ...dev.network.subnets.app, ...dev.network.subnets.database].sort(),
    );
    const nats = await devEc2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: "vpc-id", Values: [vpcId] }] }));
    expect((nats.NatGateways ?? []).filter((n) => n.State !== "deleted")).toHaveLength(1);
    const acls = await devEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    const tiers = (acls.NetworkAcls ?? [])
      .map((a) => a.Tags?.find((t) => t.Key === "Tier")?.Value)
      .filter(Boolean)
      .sort();
    expect(tiers).toEqual(["app", "database", "public"]);
    const defaultAcl = (acls.NetworkAcls ?? []).find((a) => a.IsDefault);
    // Only AWS's fixed catch-all deny entries (rule 32767) remain on the default ACL.
    expect((defaultAcl?.Entries ?? []).filter((e) => e.RuleNumber !== 32767)).toEqual([]);
  });

  test("the database is private, its master password lives only in RDS's own secret, and its endpoint is published", async () => {
    const secretArn = String(result.workspace.outputs.database_master_secret_arn);
    expect(secretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:222222222222:secret:/);
    const host = await devSsm.send(new GetParameterCommand({ Name: "/acme/dev/database/HOST" }));
    expect(String(result.workspace.outputs.database_endpoint)).toContain(host.Parameter!.Value!);
    const { DBInstances } = await devRds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: "acme-dev-db" }));
    expect(DBInstances![0]).toMatchObject({
      PubliclyAccessible: false,
      StorageEncrypted: true,
      MasterUserSecret: expect.objectContaining({ SecretArn: secretArn }),
    });
  });

  test("no password and no secret value reaches Terraform state", async () => {
    const body = await (
      await masterS3.send(new GetObjectCommand({ Bucket: project.stateBucketName, Key: dev.stateKey }))
    ).Body!.transformToString();
    const offending: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
      else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          const here = `${path}.${key}`;
          if (/password|secret_string|secret_binary/i.test(key) && typeof value === "string" && value !== "")
            offending.push(here);
          walk(value, here);
        }
      }
    };
    walk(JSON.parse(body), "state");
    expect(offending).toEqual([]);
    // The declared secrets exist but Terraform never wrote a version of them.
    for (const name of dev.secrets.map((s) => s.name)) {
      const versions = await devSecrets.send(new ListSecretVersionIdsCommand({ SecretId: `acme/dev/${name}` }));
      expect(versions.Versions ?? []).toEqual([]);
    }
  });

  test("an image written to the IMAGE parameter outside a release is what the next plan deploys, to that service only", async () => {
    // A release registers the task definition itself, so its plan is empty (the release e2e test shows it). Here the
    // parameter alone changes, as if a release had been cut short: the next infrastructure change must deploy that
    // image, never the older one in state, and touch nothing but that service.
    const env = emulatorEnv(server.endpoint, region);
    const name = "/acme/dev/api/IMAGE";
    const before = (await devSsm.send(new GetParameterCommand({ Name: name }))).Parameter!.Value!;
    const image = `${before.replace(/[:@].*$/, "")}@sha256:${"e2e0".repeat(16)}`;
    await devSsm.send(new PutParameterCommand({ Name: name, Value: image, Type: "String", Overwrite: true }));
    try {
      const dir = result.workspace.directory;
      await terraform(dir, ["plan", "-input=false", "-no-color", "-out=image.tfplan"], { env });
      const shown = await terraform(dir, ["show", "-json", "image.tfplan"], { env });
      const plan = JSON.parse(shown.stdout) as {
        resource_changes: { address: string; change: { actions: string[]; after: Record<string, unknown> } }[];
      };
      const changes = plan.resource_changes
        .filter((c) => !(c.change.actions.length === 1 && ["no-op", "read"].includes(c.change.actions[0])))
        .map((c) => c.address);
      expect(changes.sort()).toEqual([
        expect.stringMatching(/^aws_ecs_service\.Workload_Service-api_Service_/),
        expect.stringMatching(/^aws_ecs_task_definition\.Workload_Service-api_MigrationTaskDefinition_/),
        expect.stringMatching(/^aws_ecs_task_definition\.Workload_Service-api_TaskDefinition_/),
      ]);
      // The service is updated in place: replacing it would stop every running task.
      const service = plan.resource_changes.find((c) => /Service-api_Service_/.test(c.address))!;
      expect(service.change.actions).toEqual(["update"]);
      const taskDef = plan.resource_changes.find((c) => /Service-api_TaskDefinition_/.test(c.address))!;
      expect(String(taskDef.change.after.container_definitions)).toContain(image);
    } finally {
      await devSsm.send(new PutParameterCommand({ Name: name, Value: before, Type: "String", Overwrite: true }));
    }
  });

  test("npm run secrets fills the deployed stack's secrets, and npm run task runs api's migration in its network", async () => {
    const env = { ...emulatorEnv(server.endpoint, region), SECRET_STRIPE_API_KEY: "sk_test_e2e_0123456789" };
    const secrets = await runScript("scripts/secrets.ts", ["dev"], env);
    expect({ code: secrets.code, out: secrets.stdout }).toEqual({
      code: 0,
      out: expect.stringContaining("web-session-key"),
    });
    expect(`${secrets.stdout}${secrets.stderr}`).not.toContain("sk_test_e2e_0123456789");
    const value = await devSecrets.send(new GetSecretValueCommand({ SecretId: "acme/dev/stripe-api-key" }));
    expect(value.SecretString).toBe("sk_test_e2e_0123456789");

    const task = await runScript("scripts/task.ts", ["dev", "api", "migrate", "--timeout", "120"], env);
    expect({ code: task.code, out: task.stdout, err: task.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const appSubnets = (result.workspace.outputs.app_subnet_ids as string[]) ?? [];
    const taskArn = /^Started (arn:aws:ecs:\S+)$/m.exec(task.stdout)?.[1];
    expect(taskArn).toMatch(/:task\/acme-dev-cluster\//);
    const described = await devEcs.send(new DescribeTasksCommand({ cluster: "acme-dev-cluster", tasks: [taskArn!] }));
    expect(described.tasks?.[0]?.taskDefinitionArn).toMatch(/:task-definition\/acme-dev-api-migrate:/);
    const subnetOfTask = described.tasks?.[0]?.attachments?.[0]?.details?.find((d) => d.name === "subnetId")?.value;
    expect(appSubnets).toContain(subnetOfTask);
  });

  test("the bootstrap state moves into its bucket and plans clean there", async () => {
    // The documented migration: switch backend to "s3", synth, init against the bucket, push the local state.
    const envDir = path.join(workDir, "environments");
    fs.cpSync(path.join(PROJECT_ROOT, "environments"), envDir, { recursive: true });
    const bootstrapFile = path.join(envDir, "bootstrap.ts");
    const source = fs.readFileSync(bootstrapFile, "utf8");
    expect(source).toContain('backend: "local"');
    fs.writeFileSync(bootstrapFile, source.replace('backend: "local"', 'backend: "s3"'));
    const env = { ...emulatorEnv(server.endpoint, region), ENVIRONMENTS_DIR: envDir };
    const outdir = await synthesize({ env, workDir: path.join(workDir, "migrated"), log: () => undefined });
    const dir = path.join(outdir, "stacks", "bootstrap");
    await terraform(dir, ["init", "-input=false", "-no-color"], { env });
    await terraform(dir, ["state", "push", path.join(workDir, "bootstrap.tfstate")], { env });
    const head = await masterS3.send(
      new HeadObjectCommand({ Bucket: project.stateBucketName, Key: "bootstrap/terraform.tfstate" }),
    );
    expect(head.ContentLength).toBeGreaterThan(0);
    const plan = await terraform(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
      env,
      okCodes: [0, 2],
    });
    expect(plan.code).toBe(0);
  });
});
