/**
 * The procedures of the README's "When things go wrong", run against the emulator as an operator would run them:
 * the first `npx cdktf deploy` in a fresh copy of the project, an interrupted deploy re-applied to convergence,
 * the drift report with and without rules added by hand, a stale lock after a killed apply cleared with
 * force-unlock, a damaged state restored from the bucket's versions, a rotation of the database secret restarting
 * the services that read it, and the bootstrap state moved into its bucket from the same checkout.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclEntryCommand,
  DeleteNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DescribeServicesCommand, ECSClient } from "@aws-sdk/client-ecs";
import { PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { roleArn } from "../../src/naming";
import { loadEnvironments } from "../../src/config";
import { deployStack, DeployOptions } from "../../scripts/lib/local-deploy";
import { emulatorEnv, motoPython, MotoServer, startMoto } from "../../scripts/lib/moto";
import { PROJECT_ROOT } from "../../scripts/lib/paths";
import { run, RunResult } from "../../scripts/lib/process";
import { LOCK_FILE } from "../../scripts/lib/provider-lock";
import { terraform, terraformEnv } from "../../scripts/lib/terraform";
import { clientConfig, credentialsFor } from "../../test/aws";
import { runScript } from "../../test/cli";

jest.setTimeout(10 * 60 * 1000);

const { project, workspaces } = loadEnvironments(path.join(PROJECT_ROOT, "environments"), PROJECT_ROOT);
const dev = workspaces.find((w) => w.name === "dev")!;
const region = project.region;
const ANY_EXIT_CODE = Array.from({ length: 256 }, (_, code) => code);

let server: MotoServer;
let env: NodeJS.ProcessEnv;
/** A copy of the project as a person clones it: no cdktf.out, no state, no lock files. */
let checkout: string;
let scratch: string;
let firstDeploy: RunResult;
let devDir: string;
let masterS3: S3Client;
let masterDynamo: DynamoDBClient;
let devEc2: EC2Client;
let devSsm: SSMClient;
let devEcs: ECSClient;
let devSecrets: SecretsManagerClient;

/** Copies the project's own files (not node_modules, build output, local state or scratch space). */
function copyProject(to: string): void {
  const skip = new Set(["node_modules", ".git", "cdktf.out", ".local", "coverage"]);
  fs.cpSync(PROJECT_ROOT, to, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(PROJECT_ROOT, src);
      const top = rel.split(path.sep)[0];
      return !skip.has(top) && !rel.endsWith(".tfstate") && !rel.includes(`${path.sep}.terraform`);
    },
  });
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(to, "node_modules"), "dir");
}

/** Starts terraform in a process group of its own, so that a kill reaches its provider processes too. */
function startTerraform(dir: string, args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn("terraform", [`-chdir=${dir}`, ...args], {
    env: terraformEnv(env),
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let text = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => (text += c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => (text += c));
  return { child, output: () => text };
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const lockId = `${project.stateBucketName}/${dev.stateKey}`;

async function lockItem() {
  return (
    await masterDynamo.send(new GetItemCommand({ TableName: project.lockTableName, Key: { LockID: { S: lockId } } }))
  ).Item;
}

async function lockfileExists(): Promise<boolean> {
  return masterS3
    .send(new HeadObjectCommand({ Bucket: project.stateBucketName, Key: `${dev.stateKey}.tflock` }))
    .then(() => true)
    .catch(() => false);
}

beforeAll(async () => {
  server = await startMoto();
  env = { ...emulatorEnv(server.endpoint, region), CHECKPOINT_DISABLE: "1" };
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-recovery-"));
  checkout = path.join(scratch, "checkout");
  copyProject(checkout);
  // The README's own command, in a fresh checkout, with nothing set but the AWS endpoint and credentials.
  firstDeploy = await run("npx", ["cdktf", "deploy", "bootstrap", "--auto-approve"], {
    cwd: checkout,
    env,
    okCodes: ANY_EXIT_CODE,
  });
  const master = await credentialsFor(server.endpoint, region, project.masterAccountId, project.deployRoleName!);
  const devCreds = await credentialsFor(server.endpoint, region, dev.accountId, dev.deployRoleName);
  masterS3 = new S3Client(clientConfig(server.endpoint, region, master));
  masterDynamo = new DynamoDBClient(clientConfig(server.endpoint, region, master));
  devEc2 = new EC2Client(clientConfig(server.endpoint, region, devCreds));
  devSsm = new SSMClient(clientConfig(server.endpoint, region, devCreds));
  devEcs = new ECSClient(clientConfig(server.endpoint, region, devCreds));
  devSecrets = new SecretsManagerClient(clientConfig(server.endpoint, region, devCreds));
  devDir = path.join(checkout, "cdktf.out", "stacks", "dev");
});

afterAll(async () => {
  await server?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe("recovery procedures on the emulator", () => {
  test("npx cdktf deploy bootstrap works on its first run in a fresh checkout (providers from the mirror)", () => {
    expect({ code: firstDeploy.code, out: firstDeploy.stdout.slice(-3000) }).toMatchObject({ code: 0 });
    expect(`${firstDeploy.stdout}${firstDeploy.stderr}`).not.toContain("Could not retrieve providers for locking");
    expect(fs.existsSync(path.join(checkout, "cdktf.out", "stacks", "bootstrap", LOCK_FILE))).toBe(true);
    expect(fs.existsSync(path.join(checkout, "terraform.bootstrap.tfstate"))).toBe(true);
  });

  test("a half-applied deploy (the apply stopped on an error) is re-applied to convergence", async () => {
    await terraform(devDir, ["init", "-input=false", "-no-color"], { env });
    const synthesized = JSON.parse(fs.readFileSync(path.join(devDir, "cdk.tf.json"), "utf8")) as {
      resource: Record<string, Record<string, { name?: unknown }>>;
    };
    const [id, config] = Object.entries(synthesized.resource.aws_ssm_parameter).find(
      ([, c]) => typeof c.name === "string" && !c.name.includes("${"),
    )!;
    const address = `aws_ssm_parameter.${id}`;
    const name = String(config.name);
    // What an apply killed mid-way leaves: an object created in AWS but never recorded in the state.
    await devSsm.send(new PutParameterCommand({ Name: name, Value: "left behind", Type: "String" }));

    const failed = await terraform(devDir, ["apply", "-auto-approve", "-input=false", "-no-color"], {
      env,
      okCodes: ANY_EXIT_CODE,
    });
    expect(failed.code).toBe(1);
    expect(`${failed.stdout}${failed.stderr}`).toMatch(/already exists/i);
    const partial = (await terraform(devDir, ["state", "list"], { env })).stdout.trim().split("\n");
    expect(partial.length).toBeGreaterThan(0);
    expect(partial).not.toContain(address);
    expect(await lockItem()).toBeUndefined();

    // The procedure: adopt what exists with terraform import, then apply again until the plan is empty.
    await terraform(devDir, ["import", "-input=false", "-no-color", address, name], { env });
    const options: DeployOptions = { env, workDir: scratch, log: () => undefined };
    const converged = await deployStack(path.join(checkout, "cdktf.out"), "dev", options);
    expect(converged.secondPlan).toBe("");
    expect(converged.secondPlanEmpty).toBe(true);
    expect(converged.resources.aws_ecs_service).toBeGreaterThan(0);
  });

  test("npm run drift: no drift right after the apply (exit 0)", async () => {
    const drift = await runScript("scripts/drift.ts", ["dev"], env);
    expect({ code: drift.code, out: drift.stdout, err: drift.code === 0 ? "" : drift.stderr.slice(-2000) }).toEqual({
      code: 0,
      out: expect.stringContaining("dev: no drift"),
      err: "",
    });
  });

  test("npm run drift: a rule added by hand to a managed security group and network ACL is named (exit 3)", async () => {
    const vpcId = (await terraform(devDir, ["output", "-raw", "vpc_id"], { env })).stdout.trim();
    const groups = await devEc2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const group = (groups.SecurityGroups ?? []).find((g) => g.GroupName !== "default")!;
    const added = await devEc2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId,
        IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "203.0.113.0/24" }] }],
      }),
    );
    const ruleId = added.SecurityGroupRules![0].SecurityGroupRuleId!;
    const acls = await devEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }));
    const appAcl = (acls.NetworkAcls ?? []).find((a) => a.Tags?.some((t) => t.Key === "Tier" && t.Value === "app"))!;
    const entry = {
      NetworkAclId: appAcl.NetworkAclId,
      RuleNumber: 4242,
      Egress: false,
      Protocol: "6",
      RuleAction: "allow" as const,
      CidrBlock: "203.0.113.0/24",
      PortRange: { From: 22, To: 22 },
    };
    await devEc2.send(new CreateNetworkAclEntryCommand(entry));
    try {
      const plain = await terraform(devDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
        env,
        okCodes: [0, 2],
      });
      expect(plain.code).toBe(0); // what the drift command adds: terraform itself sees nothing

      const drift = await runScript("scripts/drift.ts", ["dev"], env);
      expect({ code: drift.code, err: drift.code === 3 ? "" : drift.stderr.slice(-2000) }).toEqual({
        code: 3,
        err: "",
      });
      expect(drift.stdout).toContain("dev: DRIFT");
      expect(drift.stdout).toContain(`${group.GroupId} aws_security_group.`);
      expect(drift.stdout).toContain(`ingress tcp port 22 from 203.0.113.0/24 (${ruleId})`);
      expect(drift.stdout).toContain(`${appAcl.NetworkAclId} aws_network_acl.`);
      expect(drift.stdout).toContain("ingress rule 4242: allow tcp port 22 from 203.0.113.0/24");
      // Nothing the operators change on purpose, and no managed rule, is reported.
      expect(drift.stdout.match(/^ {2}(sg|acl)-/gm)).toHaveLength(2);
    } finally {
      await devEc2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, SecurityGroupRuleIds: [ruleId] }),
      );
      await devEc2.send(
        new DeleteNetworkAclEntryCommand({ NetworkAclId: appAcl.NetworkAclId, RuleNumber: 4242, Egress: false }),
      );
    }
  });

  test("a stale lock after a killed apply (DynamoDB item and S3 lockfile) is cleared with force-unlock", async () => {
    const parameter = (await terraform(devDir, ["state", "list"], { env })).stdout
      .split("\n")
      .find((a) => a.startsWith("aws_ssm_parameter."))!;
    // The apply holds the lock while it waits for its confirmation; killing it there leaves the lock behind.
    const apply = startTerraform(devDir, ["apply", "-input=true", "-no-color", `-replace=${parameter}`]);
    await waitFor("the apply's confirmation prompt", () => apply.output().includes("Enter a value:"), 300_000);
    process.kill(-apply.child.pid!, "SIGKILL");
    await exited(apply.child);

    const item = await lockItem();
    expect(item?.Info?.S).toBeDefined();
    const lock = JSON.parse(item!.Info!.S!) as { ID: string; Operation: string };
    expect(lock.Operation).toBe("OperationTypeApply");
    expect(await lockfileExists()).toBe(true);

    const blocked = await terraform(devDir, ["plan", "-input=false", "-no-color", "-lock-timeout=0s"], {
      env,
      okCodes: ANY_EXIT_CODE,
    });
    expect(blocked.code).toBe(1);
    expect(`${blocked.stdout}${blocked.stderr}`).toContain("Error acquiring the state lock");
    expect(`${blocked.stdout}${blocked.stderr}`).toContain(lock.ID);

    await terraform(devDir, ["force-unlock", "-force", lock.ID], { env });
    expect(await lockItem()).toBeUndefined();
    expect(await lockfileExists()).toBe(false);
    const plan = await terraform(devDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
      env,
      okCodes: [0, 2],
    });
    expect(plan.code).toBe(0);
  });

  test("a damaged state is listed as such and restored from the bucket's versions; the plan is empty again", async () => {
    const good = await (
      await masterS3.send(new GetObjectCommand({ Bucket: project.stateBucketName, Key: dev.stateKey }))
    ).Body!.transformToString();
    await masterS3.send(
      new PutObjectCommand({ Bucket: project.stateBucketName, Key: dev.stateKey, Body: good.slice(0, 200) }),
    );
    const broken = await terraform(devDir, ["plan", "-input=false", "-no-color", "-lock=false"], {
      env,
      okCodes: ANY_EXIT_CODE,
    });
    expect(broken.code).not.toBe(0);

    const versions = await runScript("scripts/state.ts", ["versions", "dev"], env);
    expect({ code: versions.code, err: versions.stderr.slice(-1000) }).toMatchObject({ code: 0 });
    const rows = versions.stdout.split("\n").slice(2);
    expect(rows[0]).toMatch(/^\*.*DAMAGED/);
    expect(rows.length).toBeGreaterThanOrEqual(2);

    const restore = await runScript("scripts/state.ts", ["restore", "dev", "--yes"], env);
    expect({
      code: restore.code,
      out: restore.stdout,
      err: restore.code === 0 ? "" : restore.stderr.slice(-2000),
    }).toEqual({
      code: 0,
      out: expect.stringContaining("Plan against the restored state: no changes"),
      err: "",
    });
    const plan = await terraform(devDir, ["plan", "-detailed-exitcode", "-input=false", "-no-color"], {
      env,
      okCodes: [0, 2],
    });
    expect(plan.code).toBe(0);
  });

  test("a rotation of the database secret restarts the services that read it, and only those", async () => {
    const secretArn = (
      await terraform(devDir, ["output", "-raw", "database_master_secret_arn"], { env })
    ).stdout.trim();
    const deployments = async (service: string) =>
      (
        await devEcs.send(new DescribeServicesCommand({ cluster: "acme-dev-cluster", services: [service] }))
      ).services![0].deployments!.map((d) => d.id!);
    const apiBefore = await deployments("acme-dev-api");
    const webBefore = await deployments("acme-dev-web");
    // The last step of a rotation: the new password becomes the current version of RDS's secret.
    await devSecrets.send(
      new PutSecretValueCommand({
        SecretId: secretArn,
        SecretString: JSON.stringify({ username: "postgres", password: "rotated-e2e" }),
      }),
    );
    // The emulator emits no rotation event: send the one Secrets Manager records through CloudTrail, then wait for
    // the state machine the rule starts (EventBridge and Step Functions through Python's SDK, which has them).
    const script = [
      "import boto3, json, os, sys, time",
      "kw = dict(endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name=os.environ['AWS_REGION'])",
      "c = boto3.client('sts', **kw).assume_role(RoleArn=sys.argv[1], RoleSessionName='e2e-rotation')['Credentials']",
      "kw.update(aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])",
      "detail = {'eventSource': 'secretsmanager.amazonaws.com', 'eventName': 'RotationSucceeded', 'additionalEventData': {'SecretId': sys.argv[2]}}",
      "boto3.client('events', **kw).put_events(Entries=[{'Source': 'aws.secretsmanager', 'DetailType': 'AWS Service Event via CloudTrail', 'Detail': json.dumps(detail)}])",
      "sfn = boto3.client('stepfunctions', **kw)",
      "machine = [m for m in sfn.list_state_machines()['stateMachines'] if m['name'] == sys.argv[3]][0]['stateMachineArn']",
      "for _ in range(120):",
      "    runs = sfn.list_executions(stateMachineArn=machine)['executions']",
      "    if runs and all(r['status'] != 'RUNNING' for r in runs): break",
      "    time.sleep(0.5)",
      "print(json.dumps([r['status'] for r in runs]))",
    ].join("\n");
    const python = motoPython(env)!;
    const sent = await run(
      python,
      ["-c", script, roleArn(dev.accountId, dev.deployRoleName), secretArn, "acme-dev-restart-on-rotation"],
      { env, okCodes: ANY_EXIT_CODE },
    );
    expect({ code: sent.code, err: sent.code === 0 ? "" : sent.stderr.slice(-2000) }).toEqual({ code: 0, err: "" });
    expect(JSON.parse(sent.stdout)).toEqual(["SUCCEEDED"]);
    const apiAfter = await deployments("acme-dev-api");
    expect(apiAfter.filter((id) => !apiBefore.includes(id))).toHaveLength(1);
    expect(await deployments("acme-dev-web")).toEqual(webBefore);
  });

  test("the bootstrap state moves into its bucket from the checkout where the first apply ran", async () => {
    const file = path.join(checkout, "environments", "bootstrap.ts");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('backend: "local"', 'backend: "s3"'));
    const migrate = await run("npm", ["run", "--silent", "state", "--", "migrate-bootstrap"], {
      cwd: checkout,
      env,
      okCodes: ANY_EXIT_CODE,
    });
    expect({ code: migrate.code, out: migrate.stdout, err: migrate.stderr.slice(-2000) }).toMatchObject({
      code: 0,
      out: expect.stringContaining("Bootstrap state migrated; the plan is empty"),
    });
    const head = await masterS3.send(
      new HeadObjectCommand({ Bucket: project.stateBucketName, Key: "bootstrap/terraform.tfstate" }),
    );
    expect(head.ContentLength).toBeGreaterThan(0);
  });
});
