import { Testing } from "cdktf";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LockTable } from "../../src/constructs/lock-table";

describe("LockTable", () => {
  const json = Testing.synthScope((scope) => new LockTable(scope, "Lock", { tableName: "acme-tfstate-lock" }));

  test("has the LockID string hash key Terraform's S3 backend expects", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: "acme-tfstate-lock",
      hash_key: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
    });
  });

  test("bills on demand, keeps point-in-time recovery and encrypts at rest", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  test("is protected against deletion in AWS and in Terraform", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});
