import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { DataKey, DEFAULT_KEY_DELETION_WINDOW_DAYS } from "../../src/constructs/data-key";
import { dataKeyProps } from "../../test/construct-fixtures";
import { statementsOf } from "../../test/iam";
import { synthConstruct } from "../../test/stacks";
import { configAt, onlyAddress, ref } from "../../test/terraform";

describe("DataKey", () => {
  const { json, parsed } = synthConstruct((scope) => new DataKey(scope, "DataKey", dataKeyProps()));
  const key = onlyAddress(parsed, "aws_kms_key");
  const policy = statementsOf(parsed, configAt(parsed, key).policy);

  test("rotates its key material every year", () => {
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
  });

  test(`keeps a scheduled deletion cancellable for ${DEFAULT_KEY_DELETION_WINDOW_DAYS} days unless told otherwise`, () => {
    expect(json).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 30 });
  });

  test("takes the deletion window from its props", () => {
    const shorter = synthConstruct((scope) => new DataKey(scope, "DataKey", dataKeyProps({ deletionWindowDays: 7 })));
    expect(shorter.json).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 7 });
  });

  test("can be destroyed by Terraform unless protected", () => {
    expect(configAt(parsed, key).lifecycle).toEqual({ prevent_destroy: false });
  });

  test("refuses terraform destroy when protected", () => {
    const protectedKey = synthConstruct((scope) => new DataKey(scope, "DataKey", dataKeyProps({ protect: true })));
    expect(protectedKey.json).toHaveResourceWithProperties(KmsKey, { lifecycle: { prevent_destroy: true } });
  });

  test("is named by an alias/<alias> alias and a Name tag", () => {
    expect(json).toHaveResourceWithProperties(KmsAlias, {
      name: "alias/acme-test-data",
      target_key_id: ref(key, "key_id"),
    });
    expect(json).toHaveResourceWithProperties(KmsKey, { tags: { Name: "acme-test-data" } });
  });

  test("leaves every use by principals of its own account to their IAM policies", () => {
    expect(policy.find((s) => s.sid === "AccountIamDecides")).toEqual({
      sid: "AccountIamDecides",
      effect: "Allow",
      actions: ["kms:*"],
      resources: ["*"],
      principals: [{ type: "AWS", identifiers: ["arn:aws:iam::222222222222:root"] }],
    });
  });

  test("lets CloudWatch Logs of its region use it only for log groups of its own account", () => {
    expect(policy.find((s) => s.sid === "CloudWatchLogsOfThisAccount")).toEqual({
      sid: "CloudWatchLogsOfThisAccount",
      effect: "Allow",
      actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
      resources: ["*"],
      principals: [{ type: "Service", identifiers: ["logs.us-east-1.amazonaws.com"] }],
      condition: [
        {
          test: "ArnLike",
          variable: "kms:EncryptionContext:aws:logs:arn",
          values: ["arn:aws:logs:us-east-1:222222222222:log-group:*"],
        },
      ],
    });
  });

  test("lets CloudWatch alarms encrypt messages to the alarm topic, and nothing more", () => {
    expect(policy.find((s) => s.sid === "CloudWatchAlarmsToEncryptedTopic")).toEqual({
      sid: "CloudWatchAlarmsToEncryptedTopic",
      effect: "Allow",
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: ["*"],
      principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
    });
  });

  test("grants no one else anything", () => {
    expect(policy.map((s) => s.sid)).toEqual([
      "AccountIamDecides",
      "CloudWatchLogsOfThisAccount",
      "CloudWatchAlarmsToEncryptedTopic",
    ]);
  });
});
