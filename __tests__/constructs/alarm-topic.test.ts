import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { AlarmTopic, AlarmTopicProps } from "../../src/constructs/alarm-topic";
import { KMS_KEY_ARN } from "../../test/construct-fixtures";
import { refTarget, resourcesOf, synthConstruct } from "../../test/stacks";
import { onlyAddress } from "../../test/terraform";

function props(overrides: Partial<AlarmTopicProps> = {}): AlarmTopicProps {
  return {
    name: "acme-test-alarms",
    kmsKeyArn: KMS_KEY_ARN,
    emails: ["oncall@example.com"],
    httpsEndpoints: ["https://hooks.example.com/alarms"],
    ...overrides,
  };
}

describe("AlarmTopic", () => {
  const { json, parsed } = synthConstruct((scope) => new AlarmTopic(scope, "Alarms", props()));
  const topic = onlyAddress(parsed, "aws_sns_topic");

  test("is encrypted with the given key", () => {
    expect(json).toHaveResourceWithProperties(SnsTopic, { name: "acme-test-alarms", kms_master_key_id: KMS_KEY_ARN });
  });

  test("subscribes each e-mail address and HTTPS endpoint to the topic", () => {
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "email",
      endpoint: "oncall@example.com",
    });
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, {
      protocol: "https",
      endpoint: "https://hooks.example.com/alarms",
    });
    const subscriptions = resourcesOf(parsed, "aws_sns_topic_subscription");
    expect(subscriptions).toHaveLength(2);
    for (const s of subscriptions) expect(refTarget(s.topic_arn)).toBe(topic);
  });

  test("addresses a subscription by its endpoint, not its position", () => {
    const names = (emails: string[]) =>
      Object.keys(
        synthConstruct((scope) => new AlarmTopic(scope, "Alarms", props({ emails, httpsEndpoints: [] }))).parsed
          .resource.aws_sns_topic_subscription as object,
      ).sort();
    expect(names(["a@example.com", "b@example.com"])).toEqual(names(["b@example.com", "a@example.com"]));
  });

  test("has no subscription when none is configured", () => {
    const { parsed } = synthConstruct(
      (scope) => new AlarmTopic(scope, "Alarms", props({ emails: [], httpsEndpoints: [] })),
    );
    expect(resourcesOf(parsed, "aws_sns_topic_subscription")).toEqual([]);
  });

  test("refuses an address given twice", () => {
    expect(() =>
      synthConstruct((scope) => new AlarmTopic(scope, "Alarms", props({ emails: ["a@example.com", "a@example.com"] }))),
    ).toThrow(/a@example.com appears twice in emails/);
  });
});
