import { Construct } from "constructs";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";

export interface AlarmTopicProps {
  /** Topic name, e.g. `acme-dev-alarms`. */
  readonly name: string;
  /** The workspace's KMS key; its policy must let cloudwatch.amazonaws.com generate data keys (see DataKey). */
  readonly kmsKeyArn: string;
  /** E-mail addresses to notify; on AWS each recipient confirms the subscription before anything is delivered. */
  readonly emails: string[];
  /** HTTPS endpoints to notify; each confirms its subscription by visiting the SubscribeURL SNS posts. */
  readonly httpsEndpoints: string[];
}

/**
 * The SNS topic a workspace's alarms notify (alarm and back-to-OK messages), encrypted with the workspace's key,
 * with one subscription per configured e-mail address and HTTPS endpoint. Subscriptions are addressed by their
 * endpoint, so reordering the configured lists changes nothing.
 */
export class AlarmTopic extends Construct {
  public readonly topic: SnsTopic;
  /** Subscriptions by endpoint (address or URL). */
  public readonly subscriptions: Record<string, SnsTopicSubscription> = {};

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    for (const [kind, list] of [
      ["emails", props.emails],
      ["httpsEndpoints", props.httpsEndpoints],
    ] as const) {
      const repeated = list.find((value, i) => list.indexOf(value) !== i);
      if (repeated) throw new Error(`AlarmTopic ${props.name}: ${repeated} appears twice in ${kind}`);
    }
    this.topic = new SnsTopic(this, "Resource", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyArn,
      tags: { Name: props.name },
    });
    for (const email of props.emails) {
      this.subscriptions[email] = new SnsTopicSubscription(this, `Email-${email}`, {
        topicArn: this.topic.arn,
        protocol: "email",
        endpoint: email,
      });
    }
    for (const url of props.httpsEndpoints) {
      this.subscriptions[url] = new SnsTopicSubscription(this, `Https-${url}`, {
        topicArn: this.topic.arn,
        protocol: "https",
        endpoint: url,
        // The endpoint confirms the subscription itself (it answers SNS's SubscriptionConfirmation message).
        endpointAutoConfirms: true,
      });
    }
  }
}
