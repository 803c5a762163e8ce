import { Construct } from "constructs";
import { SecretsmanagerSecret } from "@cdktf/provider-aws/lib/secretsmanager-secret";
import { secretName } from "../naming";

export interface AppSecretDeclaration {
  readonly name: string;
  readonly description: string;
  readonly recoveryWindowDays: number;
}

export interface AppSecretsProps {
  readonly project: string;
  readonly workspace: string;
  readonly secrets: AppSecretDeclaration[];
  /** KMS key ARN every secret is encrypted with. */
  readonly kmsKeyArn: string;
}

/**
 * The workspace's Secrets Manager secrets, created empty: values are written by `npm run secrets`, so they never
 * pass through the synthesized JSON or Terraform state.
 */
export class AppSecrets extends Construct {
  /** Secret resources by declared name. */
  public readonly secrets: Record<string, SecretsmanagerSecret> = {};

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    for (const declared of props.secrets) {
      this.secrets[declared.name] = new SecretsmanagerSecret(this, declared.name, {
        name: secretName(props.project, props.workspace, declared.name),
        description: declared.description,
        kmsKeyId: props.kmsKeyArn,
        recoveryWindowInDays: declared.recoveryWindowDays,
      });
    }
  }
}
