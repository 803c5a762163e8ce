import { Testing } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { StateBucket, StateBucketProps } from "../../src/constructs/state-bucket";
import { resourcesOf, Synthesized } from "../../test/stacks";

function synth(props: Partial<StateBucketProps> = {}): string {
  return Testing.synthScope(
    (scope) =>
      new StateBucket(scope, "State", {
        bucketName: "acme-tfstate-1",
        noncurrentVersionExpirationDays: 90,
        accessLogs: { bucketName: "acme-tfstate-logs-1", prefix: "acme-tfstate-1/", dependsOn: [] },
        ...props,
      }),
  );
}

describe("StateBucket", () => {
  const json = synth();
  const parsed = JSON.parse(json) as Synthesized;

  test("logs server access to the access log bucket, under its own prefix", () => {
    expect(json).toHaveResourceWithProperties(S3BucketLoggingA, {
      target_bucket: "acme-tfstate-logs-1",
      target_prefix: "acme-tfstate-1/",
    });
  });

  test("is protected against destroy and never force-emptied", () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: "acme-tfstate-1",
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
    });
  });

  test("keeps every version of the state", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
  });

  test("encrypts objects at rest by default", () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  test("blocks every form of public access", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("enforces bucket-owner object ownership (no ACLs)", () => {
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  test("denies any request not made over TLS 1.2 or later", () => {
    const statements = Object.values(parsed.data!.aws_iam_policy_document)[0].statement as Record<string, unknown>[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          effect: "Deny",
          actions: ["s3:*"],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        }),
        expect.objectContaining({
          effect: "Deny",
          condition: [{ test: "NumericLessThan", variable: "s3:TlsVersion", values: ["1.2"] }],
        }),
      ]),
    );
    const [policy] = resourcesOf(parsed, "aws_s3_bucket_policy");
    expect(policy.policy).toMatch(/^\$\{data\.aws_iam_policy_document\./);
  });

  test("expires noncurrent state versions after the default 90 days and aborts stale uploads", () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: expect.arrayContaining([
        expect.objectContaining({ status: "Enabled", noncurrent_version_expiration: [{ noncurrent_days: 90 }] }),
        expect.objectContaining({ abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] }),
      ]),
    });
  });

  test("takes the noncurrent expiry from its props", () => {
    expect(synth({ noncurrentVersionExpirationDays: 30 })).toHaveResourceWithProperties(
      S3BucketLifecycleConfiguration,
      {
        rule: expect.arrayContaining([
          expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }),
        ]),
      },
    );
  });

  test("rejects a non-positive expiry", () => {
    expect(() => synth({ noncurrentVersionExpirationDays: 0 })).toThrow(
      /noncurrentVersionExpirationDays must be a whole number of days >= 1, got 0/,
    );
  });
});
