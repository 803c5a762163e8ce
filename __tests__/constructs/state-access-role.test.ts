import { Testing } from "cdktf";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { StateAccessRole, StateAccessRoleProps } from "../../src/constructs/state-access-role";
import { Synthesized } from "../../test/stacks";

const PROPS: StateAccessRoleProps = {
  roleName: "acme-tfstate-dev",
  bucketArn: "arn:aws:s3:::acme-tfstate-1",
  bucketName: "acme-tfstate-1",
  lockTableArn: "arn:aws:dynamodb:us-east-1:111111111111:table/acme-tfstate-lock",
  stateKey: "workspaces/dev/terraform.tfstate",
  trustedPrincipals: ["arn:aws:iam::111111111111:root"],
};

type Statement = { sid?: string; actions: string[]; resources?: string[]; principals?: unknown; condition?: unknown };

function documents(props: StateAccessRoleProps = PROPS): Record<string, { statement: Statement[] }> {
  const parsed = JSON.parse(Testing.synthScope((scope) => new StateAccessRole(scope, "Role", props))) as Synthesized;
  return parsed.data!.aws_iam_policy_document as unknown as Record<string, { statement: Statement[] }>;
}

describe("StateAccessRole", () => {
  const docs = documents();
  const access = Object.entries(docs).find(([id]) => id.includes("AccessPolicy"))![1].statement;
  const trust = Object.entries(docs).find(([id]) => id.includes("TrustPolicy"))![1].statement;

  test("may read and write only its own state object and lockfile", () => {
    const objectResources = access
      .filter((s) => s.actions.some((a) => a.endsWith("Object")))
      .flatMap((s) => s.resources ?? []);
    expect(new Set(objectResources)).toEqual(
      new Set([
        "arn:aws:s3:::acme-tfstate-1/workspaces/dev/terraform.tfstate",
        "arn:aws:s3:::acme-tfstate-1/workspaces/dev/terraform.tfstate.tflock",
      ]),
    );
    const deletes = access.filter((s) => s.actions.includes("s3:DeleteObject")).flatMap((s) => s.resources ?? []);
    expect(deletes).toEqual(["arn:aws:s3:::acme-tfstate-1/workspaces/dev/terraform.tfstate.tflock"]);
  });

  test("may list and read the earlier versions of its own state object only (what a restore copies back)", () => {
    const list = access.find((s) => s.actions.includes("s3:ListBucketVersions"))!;
    expect(list.resources).toEqual([PROPS.bucketArn]);
    expect(list.condition).toEqual([
      { test: "StringLike", variable: "s3:prefix", values: [PROPS.stateKey, `${PROPS.stateKey}*`] },
    ]);
    const versions = access.filter((s) => s.actions.includes("s3:GetObjectVersion")).flatMap((s) => s.resources);
    expect(versions).toEqual(["arn:aws:s3:::acme-tfstate-1/workspaces/dev/terraform.tfstate"]);
  });

  test("may lock only its own state in the table", () => {
    const lock = access.find((s) => s.actions.includes("dynamodb:PutItem"))!;
    expect(lock.resources).toEqual([PROPS.lockTableArn]);
    expect(lock.condition).toEqual([
      {
        test: "ForAllValues:StringEquals",
        variable: "dynamodb:LeadingKeys",
        values: [
          "acme-tfstate-1/workspaces/dev/terraform.tfstate",
          "acme-tfstate-1/workspaces/dev/terraform.tfstate-md5",
        ],
      },
    ]);
  });

  test("grants no wildcard action, and each key's role names only its own key", () => {
    expect(access.flatMap((s) => s.actions).some((a) => a.includes("*"))).toBe(false);
    const prodDocs = documents({
      ...PROPS,
      roleName: "acme-tfstate-prod",
      stateKey: "workspaces/prod/terraform.tfstate",
    });
    const prodAccess = Object.entries(prodDocs).find(([id]) => id.includes("AccessPolicy"))![1].statement;
    expect(JSON.stringify(access)).not.toContain("workspaces/prod");
    expect(JSON.stringify(prodAccess)).toContain("workspaces/prod/terraform.tfstate");
    expect(JSON.stringify(prodAccess)).not.toContain("workspaces/dev");
  });

  test("trusts only the given principals", () => {
    expect(trust).toEqual([
      expect.objectContaining({ principals: [{ type: "AWS", identifiers: ["arn:aws:iam::111111111111:root"] }] }),
    ]);
  });

  test("names the role as asked", () => {
    const json = Testing.synthScope((scope) => new StateAccessRole(scope, "Role", PROPS));
    expect(json).toHaveResourceWithProperties(IamRole, { name: "acme-tfstate-dev" });
  });

  test("rejects an empty trust list", () => {
    expect(() => documents({ ...PROPS, trustedPrincipals: [] })).toThrow(
      /trustedPrincipals must name at least one principal/,
    );
  });
});
