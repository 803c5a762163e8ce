import { Construct } from "constructs";
import { abortIncompleteUploadsRule, bucketBaseline, denyInsecureTransport } from "./bucket-baseline";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import {
  S3BucketLifecycleConfiguration,
  S3BucketLifecycleConfigurationRule,
} from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";

/** Days a superseded log object is kept (logs are written once; a new version only comes from a mistake). */
export const ACCESS_LOG_NONCURRENT_DAYS = 30;

export interface AccessLogBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** The account the logged buckets belong to (S3's log delivery is accepted only for them). */
  readonly accountId: string;
  /** Names of the buckets whose server access logs land here, each under the prefix `<name>/`. */
  readonly sourceBucketNames: string[];
  /** Days a log object is kept. */
  readonly retentionDays: number;
}

/**
 * The target of S3 server access logs: versioned, encrypted with S3-managed keys (the only encryption log delivery
 * supports), never public, owner-enforced, TLS-only, logs expired after `retentionDays`, and a bucket policy that
 * lets S3's logging service write each source bucket's logs under its own prefix, only for those buckets.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  /** The bucket policy; a bucket's logging must be configured after it (S3 checks that it may deliver). */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    if (!Number.isInteger(props.retentionDays) || props.retentionDays < 1) {
      throw new Error(`AccessLogBucket: retentionDays must be a whole number of days >= 1, got ${props.retentionDays}`);
    }
    this.bucket = new S3Bucket(this, "Resource", {
      bucket: props.bucketName,
      forceDestroy: false,
      tags: { Name: props.bucketName },
    });
    const bucketId = this.bucket.id;
    const { versioning, publicAccess } = bucketBaseline(this, bucketId);
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: bucketId,
      dependsOn: [versioning],
      rule: [logExpiryRule(props.retentionDays), abortIncompleteUploadsRule()],
    });

    const document = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      // Log delivery first: a statement per source bucket, its own prefix only.
      statement: [
        ...props.sourceBucketNames.map((source, i) => ({
          sid: `S3ServerAccessLogs${i}`,
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [`${this.bucket.arn}/${accessLogPrefix(source)}*`],
          principals: [{ type: "Service", identifiers: ["logging.s3.amazonaws.com"] }],
          condition: [
            { test: "ArnLike", variable: "aws:SourceArn", values: [`arn:aws:s3:::${source}`] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] },
          ],
        })),
        denyInsecureTransport(this.bucket.arn),
      ],
    });
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: bucketId,
      policy: document.json,
      dependsOn: [publicAccess],
    });
  }
}

/** The rule of a bucket holding logs: they expire after `retentionDays`; replaced versions after ACCESS_LOG_NONCURRENT_DAYS. */
export function logExpiryRule(retentionDays: number): S3BucketLifecycleConfigurationRule {
  return {
    id: "expire-access-logs",
    status: "Enabled",
    filter: [{}],
    expiration: [{ days: retentionDays }],
    noncurrentVersionExpiration: [{ noncurrentDays: ACCESS_LOG_NONCURRENT_DAYS }],
  };
}

/** The key prefix a source bucket's server access logs are written under. */
export function accessLogPrefix(sourceBucketName: string): string {
  return `${sourceBucketName}/`;
}
