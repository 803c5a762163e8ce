import { Construct } from "constructs";
import { abortIncompleteUploadsRule, bucketBaseline, denyInsecureTransport } from "./bucket-baseline";
import { ITerraformDependable } from "cdktf";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";

export interface StateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Days after which a superseded state version is deleted (the current version is never expired). */
  readonly noncurrentVersionExpirationDays: number;
  /** Where the bucket's server access logs go (see AccessLogBucket, which must allow the delivery). */
  readonly accessLogs: {
    /** Name of the target bucket. */
    readonly bucketName: string;
    /** Key prefix of this bucket's logs in the target. */
    readonly prefix: string;
    /** What must exist before logging is switched on: the target's bucket policy (S3 checks it). */
    readonly dependsOn: ITerraformDependable[];
  };
  /**
   * Refuse `terraform destroy` of the bucket (Terraform's `prevent_destroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * The S3 bucket that holds Terraform state: versioned, encrypted, never public, owner-enforced, TLS-only, its access
 * logged to another bucket, with old state versions expired after a while and protected against an accidental
 * destroy.
 */
export class StateBucket extends Construct {
  public readonly bucket: S3Bucket;
  public readonly versioning: S3BucketVersioningA;
  public readonly policy: S3BucketPolicy;
  /** Server access logging of the bucket. */
  public readonly logging: S3BucketLoggingA;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays;
    const preventDestroy = props.preventDestroy ?? true;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new Error(
        `StateBucket: noncurrentVersionExpirationDays must be a whole number of days >= 1, got ${noncurrentDays}`,
      );
    }

    this.bucket = new S3Bucket(this, "Resource", {
      bucket: props.bucketName,
      forceDestroy: false,
      lifecycle: { preventDestroy },
      tags: { Name: props.bucketName },
    });
    const bucketId = this.bucket.id;

    const { versioning, publicAccess } = bucketBaseline(this, bucketId);
    this.versioning = versioning;
    this.logging = new S3BucketLoggingA(this, "Logging", {
      bucket: bucketId,
      targetBucket: props.accessLogs.bucketName,
      targetPrefix: props.accessLogs.prefix,
      dependsOn: props.accessLogs.dependsOn,
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket: bucketId,
      dependsOn: [this.versioning],
      rule: [
        {
          id: "expire-noncurrent-state-versions",
          status: "Enabled",
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays }],
        },
        abortIncompleteUploadsRule(),
      ],
    });

    const document = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        denyInsecureTransport(this.bucket.arn),
        {
          sid: "DenyOutdatedTls",
          effect: "Deny",
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        },
      ],
    });
    this.policy = new S3BucketPolicy(this, "Policy", {
      bucket: bucketId,
      policy: document.json,
      // A policy put before the public access block can be rejected as "public" by S3's check.
      dependsOn: [publicAccess],
    });
  }
}
