import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";

export const DEFAULT_KEY_DELETION_WINDOW_DAYS = 30;

export interface DataKeyProps {
  /** Alias without the `alias/` prefix, e.g. `acme-dev-data`. */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  readonly region: string;
  /**
   * Days a scheduled deletion can still be cancelled.
   * @default 30
   */
  readonly deletionWindowDays?: number;
  /**
   * Refuse `terraform destroy` of the key, which would make everything it encrypted (final snapshots, backups)
   * unreadable once the deletion window ends.
   */
  readonly protect: boolean;
}

/**
 * A customer-managed KMS key with yearly rotation. The key policy delegates to IAM in its own account (so roles get
 * only what their IAM policies grant), lets CloudWatch Logs encrypt this account's log groups and lets CloudWatch
 * alarms publish to the encrypted alarm topic.
 */
export class DataKey extends Construct {
  public readonly key: KmsKey;
  public readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    const policy = new DataAwsIamPolicyDocument(this, "Policy", {
      statement: [
        {
          sid: "AccountIamDecides",
          effect: "Allow",
          actions: ["kms:*"],
          resources: ["*"],
          principals: [{ type: "AWS", identifiers: [`arn:aws:iam::${props.accountId}:root`] }],
        },
        {
          sid: "CloudWatchLogsOfThisAccount",
          effect: "Allow",
          actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: [`logs.${props.region}.amazonaws.com`] }],
          condition: [
            {
              test: "ArnLike",
              variable: "kms:EncryptionContext:aws:logs:arn",
              values: [`arn:aws:logs:${props.region}:${props.accountId}:log-group:*`],
            },
          ],
        },
        {
          // Alarms publish to the workspace's encrypted alarm topic as CloudWatch, which needs a data key for each
          // message; without this statement SNS drops every alarm notification.
          sid: "CloudWatchAlarmsToEncryptedTopic",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }],
        },
      ],
    });
    this.key = new KmsKey(this, "Resource", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? DEFAULT_KEY_DELETION_WINDOW_DAYS,
      policy: policy.json,
      tags: { Name: props.alias },
      lifecycle: { preventDestroy: props.protect },
    });
    this.alias = new KmsAlias(this, "Alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
  }
}
