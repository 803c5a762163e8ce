import { Testing } from "cdktf";
import { synthWorkspace, resourcesOf } from "../../test/stacks";

describe.each([
  ["dev", "222222222222"],
  ["prod", "333333333333"],
])("WorkspaceStack %s", (name, accountId) => {
  const { parsed, json, stack } = synthWorkspace(name);

  test("keeps state in the master account's bucket under its own key, locked by DynamoDB and the S3 lockfile", () => {
    expect(parsed.terraform.backend).toEqual({
      s3: {
        bucket: "acme-tfstate-111111111111",
        key: `workspaces/${name}/terraform.tfstate`,
        region: "us-east-1",
        encrypt: true,
        dynamodb_table: "acme-tfstate-lock",
        use_lockfile: true,
        allowed_account_ids: ["111111111111"],
        assume_role: { role_arn: `arn:aws:iam::111111111111:role/acme-tfstate-${name}` },
      },
    });
  });

  test("deploys into its own account through the deploy role, and refuses any other account", () => {
    expect(parsed.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: [accountId],
      assume_role: [
        { role_arn: `arn:aws:iam::${accountId}:role/terraform-deploy`, session_name: `acme-${name}-deploy` },
      ],
    });
  });

  test("tags every resource with project, environment and managed-by", () => {
    expect(parsed.provider.aws[0].default_tags).toEqual([
      { tags: { CostCenter: "engineering", Project: "acme", Environment: name, ManagedBy: "cdktf" } },
    ]);
  });

  test("names resources from the workspace prefix", () => {
    const [vpc] = resourcesOf(parsed, "aws_vpc");
    expect(vpc.tags).toEqual({ Name: `acme-${name}-vpc` });
  });

  test("outputs the network's ids and what operators and scripts look up", () => {
    const outputs = Object.keys(parsed.output ?? {});
    expect(outputs).toEqual(
      expect.arrayContaining([
        "account_id",
        "app_subnet_ids",
        "database_subnet_ids",
        "network_acl_ids",
        "public_subnet_ids",
        "route_table_ids",
        "vpc_id",
        "cluster_name",
        "services",
        "secret_arns",
        "load_balancer_dns_name",
        "database_endpoint",
        "database_master_secret_arn",
      ]),
    );
  });

  test("is valid Terraform", () => {
    expect(Testing.fullSynth(stack)).toBeValidTerraform();
  });

  test("matches the reviewed snapshot", () => {
    expect(json).toMatchSnapshot();
  });
});

describe("WorkspaceStack environments differ where cost is concerned", () => {
  test("dev shares one NAT gateway; prod has one per availability zone", () => {
    expect(resourcesOf(synthWorkspace("dev").parsed, "aws_nat_gateway")).toHaveLength(1);
    expect(resourcesOf(synthWorkspace("prod").parsed, "aws_nat_gateway")).toHaveLength(3);
  });

  test("only prod pays for interface endpoints", () => {
    const interfaces = (n: string) =>
      resourcesOf(synthWorkspace(n).parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface")
        .length;
    expect(interfaces("dev")).toBe(0);
    expect(interfaces("prod")).toBeGreaterThan(0);
  });
});

describe("WorkspaceStack review-driven guarantees", () => {
  test("the data key cannot be destroyed in production (its final snapshot would become unreadable), elsewhere it can", () => {
    const key = (n: string) => resourcesOf(synthWorkspace(n).parsed, "aws_kms_key")[0];
    expect(key("prod").lifecycle).toEqual({ prevent_destroy: true });
    expect(key("dev").lifecycle).toEqual({ prevent_destroy: false });
    expect(key("dev").enable_key_rotation).toBe(true);
  });

  test("the flow log group is encrypted with the workspace key", () => {
    const { parsed } = synthWorkspace("dev");
    const [keyName] = Object.keys(parsed.resource.aws_kms_key);
    const flowLogs = resourcesOf(parsed, "aws_cloudwatch_log_group").find((g) =>
      String(g.name).endsWith("/flow-logs"),
    )!;
    expect(flowLogs.kms_key_id).toBe(`\${aws_kms_key.${keyName}.arn}`);
  });

  test("every log group is encrypted with the workspace key", () => {
    const { parsed } = synthWorkspace("prod");
    const groups = resourcesOf(parsed, "aws_cloudwatch_log_group");
    expect(groups.length).toBeGreaterThan(3);
    expect(groups.filter((g) => !/^\$\{aws_kms_key\./.test(String(g.kms_key_id))).map((g) => g.name)).toEqual([]);
  });

  test("a created hosted zone has the fixed address the first-deploy instructions target", () => {
    const { parsed } = synthWorkspace("dev");
    expect(Object.keys(parsed.resource.aws_route53_zone)).toEqual(["dns_zone"]);
  });

  test("services roll out a changed capacity strategy as a deployment, not a replacement", () => {
    const services = resourcesOf(synthWorkspace("dev").parsed, "aws_ecs_service");
    expect(services.map((s) => s.force_new_deployment)).toEqual([true, true]);
  });
});
