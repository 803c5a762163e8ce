import { STSClient } from "@aws-sdk/client-sts";
import { roleArn } from "../src/naming";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { assumeRoleCredentials } from "../scripts/lib/aws";

/** Credentials in one account of the emulator, through an assumed role, as Terraform and the scripts get them. */
export function credentialsFor(
  endpoint: string,
  region: string,
  accountId: string,
  roleName: string,
): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  return assumeRoleCredentials(sts, { roleArn: roleArn(accountId, roleName), sessionName: "e2e-check" });
}

export function clientConfig(endpoint: string, region: string, credentials: AwsCredentialIdentity) {
  return { endpoint, region, credentials, forcePathStyle: true };
}
