import { BOOTSTRAP_STATE_KEY, BootstrapStackProps } from "../../src/stacks/bootstrap-stack";
import { statementsOf } from "../../test/iam";
import { resourcesOf, synthBootstrapStack } from "../../test/stacks";
import { addressWith, configAt, dataTarget, ref } from "../../test/terraform";
import { fixtureProject, fixtureWorkspace } from "../../test/workspace-fixtures";

/** The fixture project with two workspaces, each trusting its own CI role. */
function bootstrapProps(overrides: Partial<BootstrapStackProps> = {}): BootstrapStackProps {
  const stage = fixtureWorkspace();
  const live = fixtureWorkspace((ws) => {
    ws.name = "live";
    ws.accountId = "666666666666";
    ws.statePrincipals = ["arn:aws:iam::666666666666:role/ci-live"];
  });
  return { project: fixtureProject(), workspaces: [stage, live], ...overrides };
}

describe("BootstrapStack", () => {
  const { parsed, stack } = synthBootstrapStack(bootstrapProps());

  test("runs in the master account through its deploy role, and refuses any other account", () => {
    expect(parsed.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["111111111111"],
      assume_role: [{ role_arn: "arn:aws:iam::111111111111:role/terraform-deploy", session_name: "acme-bootstrap" }],
    });
  });

  test("tags everything with project, environment and managed-by, over the project's own tags", () => {
    expect(parsed.provider.aws[0].default_tags).toEqual([
      { tags: { Owner: "platform", Project: "acme", Environment: "bootstrap", ManagedBy: "cdktf" } },
    ]);
  });

  test("keeps its own state locally at first", () => {
    expect(parsed.terraform.backend).toEqual({ local: { path: "terraform.bootstrap.tfstate" } });
  });

  test("keeps the local state at localStatePath when given one, outside cdktf.out", () => {
    const { parsed: elsewhere } = synthBootstrapStack(
      bootstrapProps({ localStatePath: "../../../terraform.bootstrap.tfstate" }),
    );
    expect(elsewhere.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap.tfstate" } });
  });

  test("moves its state into the bucket when the project says backend: s3", () => {
    const { parsed: s3 } = synthBootstrapStack(bootstrapProps({ project: fixtureProject((p) => (p.backend = "s3")) }));
    expect(s3.terraform.backend).toEqual({
      s3: expect.objectContaining({
        bucket: "acme-tfstate-111111111111",
        key: BOOTSTRAP_STATE_KEY,
        dynamodb_table: "acme-tfstate-lock",
        use_lockfile: true,
        encrypt: true,
        assume_role: { role_arn: "arn:aws:iam::111111111111:role/terraform-deploy" },
      }),
    });
  });

  const stateBucket = addressWith(parsed, "aws_s3_bucket", "bucket", "acme-tfstate-111111111111");
  const logBucket = addressWith(parsed, "aws_s3_bucket", "bucket", "acme-tfstate-logs-111111111111");

  test("creates the state bucket, its access log bucket and the lock table under the project's names", () => {
    expect(
      resourcesOf(parsed, "aws_s3_bucket")
        .map((b) => b.bucket)
        .sort(),
    ).toEqual(["acme-tfstate-111111111111", "acme-tfstate-logs-111111111111"]);
    expect(resourcesOf(parsed, "aws_dynamodb_table").map((t) => t.name)).toEqual(["acme-tfstate-lock"]);
  });

  test("expires noncurrent state versions after the days the project gives", () => {
    const lifecycle = resourcesOf(parsed, "aws_s3_bucket_lifecycle_configuration").find(
      (l) => l.bucket === ref(stateBucket, "id"),
    );
    expect(JSON.stringify(lifecycle?.rule)).toContain('"noncurrent_days":45');
  });

  test("logs the state bucket's server access to the log bucket, once S3 may deliver there", () => {
    const logging = resourcesOf(parsed, "aws_s3_bucket_logging");
    expect(logging).toHaveLength(1);
    expect(logging[0]).toMatchObject({
      bucket: ref(stateBucket, "id"),
      target_bucket: ref(logBucket, "bucket"),
      target_prefix: "acme-tfstate-111111111111/",
    });
    const logPolicy = resourcesOf(parsed, "aws_s3_bucket_policy").find((p) => p.bucket === ref(logBucket, "id"));
    expect(logging[0].depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_policy\.AccessLogBucket_Policy_/)]);
    expect(logPolicy).toBeDefined();
  });

  test("lets only S3's logging service write the state bucket's logs, under its prefix, for that bucket", () => {
    const logPolicy = resourcesOf(parsed, "aws_s3_bucket_policy").find((p) => p.bucket === ref(logBucket, "id"));
    const [delivery, tls] = configAt(parsed, dataTarget(logPolicy?.policy)).statement as Record<string, unknown>[];
    expect(delivery).toMatchObject({
      effect: "Allow",
      actions: ["s3:PutObject"],
      resources: [`\${${logBucket}.arn}/acme-tfstate-111111111111/*`],
      principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
      condition: [
        { test: "ArnLike", variable: "aws:SourceArn", values: ["arn:aws:s3:::acme-tfstate-111111111111"] },
        { test: "StringEquals", variable: "aws:SourceAccount", values: ["111111111111"] },
      ],
    });
    expect(tls).toMatchObject({ effect: "Deny", condition: [{ variable: "aws:SecureTransport", values: ["false"] }] });
  });

  test("keeps the access logs as long as the project says", () => {
    const { parsed: longer } = synthBootstrapStack(
      bootstrapProps({ project: fixtureProject((p) => (p.stateBucket = { accessLogRetentionDays: 730 })) }),
    );
    const bucket = addressWith(longer, "aws_s3_bucket", "bucket", "acme-tfstate-logs-111111111111");
    const lifecycle = resourcesOf(longer, "aws_s3_bucket_lifecycle_configuration").find(
      (l) => l.bucket === ref(bucket, "id"),
    );
    expect(JSON.stringify(lifecycle?.rule)).toContain('"expiration":[{"days":730}]');
  });

  test("passes every security control checked at synth, with no waiver", () => {
    expect(stack.node.metadata.filter((m) => m.type === "@cdktf/error")).toEqual([]);
  });

  test("gives every workspace its own state role", () => {
    expect(
      resourcesOf(parsed, "aws_iam_role")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["acme-tfstate-live", "acme-tfstate-stage"]);
    expect(Object.keys(stack.stateRoles).sort()).toEqual(["live", "stage"]);
  });

  test("each workspace's state role trusts only that workspace's principals", () => {
    const trust = (workspace: string) => {
      const role = addressWith(parsed, "aws_iam_role", "name", `acme-tfstate-${workspace}`);
      return statementsOf(parsed, configAt(parsed, role).assume_role_policy).flatMap((s) =>
        (s.principals ?? []).flatMap((p) => p.identifiers),
      );
    };
    expect(trust("stage")).toEqual(["arn:aws:iam::555555555555:role/ci-stage"]);
    expect(trust("live")).toEqual(["arn:aws:iam::666666666666:role/ci-live"]);
  });

  test("each workspace's state role reaches only that workspace's state key", () => {
    const access = (workspace: string) =>
      JSON.stringify(
        Object.entries(parsed.data!.aws_iam_policy_document).filter(([id]) =>
          id.includes(`StateRole-${workspace}_AccessPolicy`),
        ),
      );
    expect(access("stage")).toContain("workspaces/stage/terraform.tfstate");
    expect(access("stage")).not.toContain("workspaces/live");
  });

  test("outputs the bucket, table, region and each workspace's backend settings", () => {
    expect(Object.keys(parsed.output ?? {}).sort()).toEqual([
      "lock_table",
      "region",
      "state_bucket",
      "workspace_backends",
    ]);
    expect(parsed.output!.workspace_backends.value).toEqual({
      stage: {
        bucket: "acme-tfstate-111111111111",
        key: "workspaces/stage/terraform.tfstate",
        region: "us-east-1",
        dynamodb_table: "acme-tfstate-lock",
        use_lockfile: true,
        encrypt: true,
        role_arn: "arn:aws:iam::111111111111:role/acme-tfstate-stage",
      },
      live: expect.objectContaining({
        key: "workspaces/live/terraform.tfstate",
        role_arn: "arn:aws:iam::111111111111:role/acme-tfstate-live",
      }),
    });
  });
});
