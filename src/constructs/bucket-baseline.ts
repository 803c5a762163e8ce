import { Construct } from "constructs";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";

/** Days after which an unfinished multipart upload is aborted, so its parts stop being stored. */
export const DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/** Construct ids of the baseline's resources in their scope (they are part of the Terraform addresses). */
export interface BucketBaselineIds {
  readonly versioning: string;
  readonly encryption: string;
  readonly publicAccess: string;
  readonly ownership: string;
}

export const BUCKET_BASELINE_IDS: BucketBaselineIds = {
  versioning: "Versioning",
  encryption: "Encryption",
  publicAccess: "PublicAccessBlock",
  ownership: "Ownership",
};

export interface BucketBaseline {
  readonly versioning: S3BucketVersioningA;
  readonly publicAccess: S3BucketPublicAccessBlock;
}

/**
 * What every bucket of the project has: versioning on, SSE-S3 by default (S3 server access logs and ALB logs accept
 * no other; the state bucket's objects are encrypted the same way), every form of public access blocked, and ACLs
 * off (the bucket owner owns every object). Lifecycle rules and policies differ per bucket and stay with its owner.
 */
export function bucketBaseline(
  scope: Construct,
  bucket: string,
  ids: BucketBaselineIds = BUCKET_BASELINE_IDS,
): BucketBaseline {
  const versioning = new S3BucketVersioningA(scope, ids.versioning, {
    bucket,
    versioningConfiguration: { status: "Enabled" },
  });
  new S3BucketServerSideEncryptionConfigurationA(scope, ids.encryption, {
    bucket,
    rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  const publicAccess = new S3BucketPublicAccessBlock(scope, ids.publicAccess, {
    bucket,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, ids.ownership, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
  return { versioning, publicAccess };
}

/** The bucket policy statement every bucket carries: any request on the bucket or its objects not made over TLS is refused. */
export function denyInsecureTransport(bucketArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "DenyInsecureTransport",
    effect: "Deny",
    actions: ["s3:*"],
    resources: [bucketArn, `${bucketArn}/*`],
    principals: [{ type: "*", identifiers: ["*"] }],
    condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
  };
}

/** The lifecycle rule every bucket carries next to its own ones: unfinished multipart uploads are aborted. */
export function abortIncompleteUploadsRule(): S3BucketLifecycleConfigurationRule {
  return {
    id: "abort-incomplete-multipart-uploads",
    status: "Enabled",
    filter: [{}],
    abortIncompleteMultipartUpload: [{ daysAfterInitiation: DEFAULT_ABORT_INCOMPLETE_UPLOAD_DAYS }],
  };
}
