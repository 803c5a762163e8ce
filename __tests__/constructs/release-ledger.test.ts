import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { ReleaseLedger } from "../../src/constructs/release-ledger";
import { synthConstruct } from "../../test/stacks";

describe("ReleaseLedger", () => {
  const { json } = synthConstruct(
    (scope) => new ReleaseLedger(scope, "Releases", { tableName: "acme-test-releases", deletionProtection: true }),
  );

  test("keys releases by service and a time-ordered id", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: "acme-test-releases",
      hash_key: "service",
      range_key: "id",
      attribute: [
        { name: "service", type: "S" },
        { name: "id", type: "S" },
      ],
    });
  });

  test("is billed per request, recoverable to any point, encrypted", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      billing_mode: "PAY_PER_REQUEST",
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  test("refuses deletion when asked", () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: true });
    const { json: unprotected } = synthConstruct(
      (scope) => new ReleaseLedger(scope, "Releases", { tableName: "t", deletionProtection: false }),
    );
    expect(unprotected).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: false });
  });
});
