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
      assume_role: [{ role_arn: `arn:aws:iam::${accountId}:role/terraform-deploy`, session_name: `acme-${name}-deploy` }],
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
      resourcesOf(synthWorkspace(n).parsed, "aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface").length;
    expect(interfaces("dev")).toBe(0);
    expect(interfaces("prod")).toBeGreaterThan(0);
  });
});
