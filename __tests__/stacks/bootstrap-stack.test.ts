import { Testing } from "cdktf";
import { BootstrapStack, BOOTSTRAP_STATE_KEY } from "../../src/stacks/bootstrap-stack";
import { realEnvironments, resourcesOf, synthBootstrap } from "../../test/stacks";

describe("BootstrapStack", () => {
  const { parsed, json, stack } = synthBootstrap();

  test("runs in the master account through its deploy role, and refuses any other account", () => {
    expect(parsed.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["111111111111"],
      assume_role: [{ role_arn: "arn:aws:iam::111111111111:role/terraform-deploy" }],
    });
  });

  test("tags everything with project, environment and managed-by, over the project's own tags", () => {
    expect(parsed.provider.aws[0].default_tags).toEqual([
      { tags: { Owner: "platform", Project: "acme", Environment: "bootstrap", ManagedBy: "cdktf" } },
    ]);
  });

  test("keeps its own state locally at first, outside cdktf.out", () => {
    expect(parsed.terraform.backend).toEqual({ local: { path: "terraform.bootstrap.tfstate" } });
  });

  test("moves its state into the bucket when the project says backend: s3", () => {
    const env = realEnvironments();
    const app = Testing.app();
    const s3Stack = new BootstrapStack(app, "bootstrap", {
      project: { ...env.project, backend: "s3" },
      workspaces: env.workspaces,
    });
    const backend = (JSON.parse(Testing.synth(s3Stack)) as { terraform: { backend: Record<string, unknown> } })
      .terraform.backend;
    expect(backend).toEqual({
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

  test("creates the bucket and the lock table under the configured names", () => {
    expect(resourcesOf(parsed, "aws_s3_bucket").map((b) => b.bucket)).toEqual(["acme-tfstate-111111111111"]);
    expect(resourcesOf(parsed, "aws_dynamodb_table").map((t) => t.name)).toEqual(["acme-tfstate-lock"]);
  });

  test("expires noncurrent state versions after the days the project file gives", () => {
    const [lifecycle] = resourcesOf(parsed, "aws_s3_bucket_lifecycle_configuration");
    expect(JSON.stringify(lifecycle.rule)).toContain('"noncurrent_days":90');
  });

  test("gives every workspace its own state role", () => {
    expect(
      resourcesOf(parsed, "aws_iam_role")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["acme-tfstate-dev", "acme-tfstate-prod"]);
    expect(Object.keys(stack.stateRoles).sort()).toEqual(["dev", "prod"]);
  });

  test("each workspace's state role trusts only that workspace's principals", () => {
    const env = realEnvironments();
    const workspaces = env.workspaces.map((ws) =>
      ws.name === "dev"
        ? { ...ws, statePrincipals: ["arn:aws:iam::222222222222:role/ci-dev"] }
        : { ...ws, statePrincipals: ["arn:aws:iam::333333333333:role/ci-prod"] },
    );
    const synthesized = JSON.parse(
      Testing.synth(new BootstrapStack(Testing.app(), "bootstrap", { project: env.project, workspaces })),
    ) as {
      data: { aws_iam_policy_document: Record<string, { statement: { principals?: { identifiers: string[] }[] }[] }> };
    };
    const trust = (name: string) =>
      Object.entries(synthesized.data.aws_iam_policy_document)
        .filter(([id]) => id.includes(`StateRole-${name}_TrustPolicy`))
        .flatMap(([, doc]) => doc.statement.flatMap((st) => st.principals?.flatMap((p) => p.identifiers) ?? []));
    expect(trust("dev")).toEqual(["arn:aws:iam::222222222222:role/ci-dev"]);
    expect(trust("prod")).toEqual(["arn:aws:iam::333333333333:role/ci-prod"]);
  });

  test("outputs the bucket, table, region and each workspace's backend settings", () => {
    expect(Object.keys(parsed.output ?? {}).sort()).toEqual([
      "lock_table",
      "region",
      "state_bucket",
      "workspace_backends",
    ]);
    expect(parsed.output!.workspace_backends.value).toMatchObject({
      dev: {
        key: "workspaces/dev/terraform.tfstate",
        role_arn: "arn:aws:iam::111111111111:role/acme-tfstate-dev",
        use_lockfile: true,
      },
      prod: { key: "workspaces/prod/terraform.tfstate" },
    });
  });

  test("is valid Terraform", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  test("matches the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });
});
