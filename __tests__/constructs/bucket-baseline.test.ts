import { Testing } from "cdktf";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { bucketBaseline, BucketBaselineIds, denyInsecureTransport } from "../../src/constructs/bucket-baseline";
import { Synthesized } from "../../test/stacks";

function synth(ids?: BucketBaselineIds): Synthesized {
  return JSON.parse(Testing.synthScope((scope) => bucketBaseline(scope, "acme-bucket", ids))) as Synthesized;
}

describe("bucketBaseline", () => {
  const json = JSON.stringify(synth());

  test("turns versioning on", () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: "acme-bucket",
      versioning_configuration: { status: "Enabled" },
    });
  });

  test("encrypts with SSE-S3 by default", () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: "acme-bucket",
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });

  test("blocks every form of public access", () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      bucket: "acme-bucket",
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("turns ACLs off: the bucket owner owns every object", () => {
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      bucket: "acme-bucket",
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  test("creates its resources under the ids it is given, which keeps existing addresses", () => {
    const ids = { versioning: "V", encryption: "E", publicAccess: "P", ownership: "O" };
    const parsed = synth(ids);
    const names = (type: string) => Object.keys(parsed.resource?.[type] ?? {});
    expect(names("aws_s3_bucket_versioning")).toEqual([expect.stringMatching(/^V/)]);
    expect(names("aws_s3_bucket_server_side_encryption_configuration")).toEqual([expect.stringMatching(/^E/)]);
    expect(names("aws_s3_bucket_public_access_block")).toEqual([expect.stringMatching(/^P/)]);
    expect(names("aws_s3_bucket_ownership_controls")).toEqual([expect.stringMatching(/^O/)]);
  });
});

describe("denyInsecureTransport", () => {
  test("denies every S3 action on the bucket and its objects to requests not made over TLS", () => {
    expect(denyInsecureTransport("arn:aws:s3:::acme-bucket")).toEqual({
      sid: "DenyInsecureTransport",
      effect: "Deny",
      actions: ["s3:*"],
      resources: ["arn:aws:s3:::acme-bucket", "arn:aws:s3:::acme-bucket/*"],
      principals: [{ type: "*", identifiers: ["*"] }],
      condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
    });
  });
});
