/**
 * A container never receives a secret value from configuration, only a reference that ECS resolves when a task
 * starts. This module turns references into what ECS and IAM need: the `valueFrom` and the ARN the execution role may
 * read.
 */

/** A reference to a value a container receives through ECS `secrets`, never the value itself. */
export type SecretReference =
  /** A declared Secrets Manager secret, optionally one key of its JSON value. */
  | { readonly secret: string; readonly key?: string }
  /** `NAME` of the service's own parameter, or `<component>/NAME` (e.g. `database/HOST`). */
  | { readonly parameter: string }
  /** A field of the RDS-managed master user secret. */
  | { readonly databaseSecret: "username" | "password" };

/** Where a container secret comes from: an ARN the execution role may read, and the `valueFrom` ECS resolves. */
export interface ResolvedSecret {
  /** The secret or parameter ARN (what IAM grants). */
  readonly resourceArn: string;
  /** What ECS reads: the ARN, or `<secret arn>:<json key>::`. */
  readonly valueFrom: string;
  readonly kind: "secretsmanager" | "ssm";
}

/** The ARNs references point at, by what a reference names. */
export interface ReferenceTargets {
  /** Secrets Manager secret ARNs by declared name. */
  readonly secrets: Readonly<Record<string, string>>;
  /** SSM parameter ARNs by `<component>/<NAME>`. */
  readonly parameters: Readonly<Record<string, string>>;
  /** The RDS-managed master user secret's ARN, when the workspace has a database. */
  readonly databaseSecretArn?: string;
}

/**
 * Resolves one service's references (by environment variable). A `parameter` without a component is the service's
 * own. Throws when a reference names nothing in `targets` (the environment loader refuses such files first).
 */
export function resolveSecretReferences(
  service: string,
  references: Readonly<Record<string, SecretReference>>,
  targets: ReferenceTargets,
): Record<string, ResolvedSecret> {
  const missing = (what: string, env: string) =>
    new Error(`${service}: ${env} references ${what}, which does not exist`);
  return Object.fromEntries(
    Object.entries(references).map(([env, ref]): [string, ResolvedSecret] => {
      if ("secret" in ref) {
        const arn = targets.secrets[ref.secret];
        if (arn === undefined) throw missing(`secret "${ref.secret}"`, env);
        return [env, { kind: "secretsmanager", resourceArn: arn, valueFrom: ref.key ? `${arn}:${ref.key}::` : arn }];
      }
      if ("parameter" in ref) {
        const key = ref.parameter.includes("/") ? ref.parameter : `${service}/${ref.parameter}`;
        const arn = targets.parameters[key];
        if (arn === undefined) throw missing(`parameter "${key}"`, env);
        return [env, { kind: "ssm", resourceArn: arn, valueFrom: arn }];
      }
      const arn = targets.databaseSecretArn;
      if (arn === undefined) throw missing("the database secret", env);
      return [env, { kind: "secretsmanager", resourceArn: arn, valueFrom: `${arn}:${ref.databaseSecret}::` }];
    }),
  );
}

/** True when references reach into the database (its endpoint parameters or its credentials), so need its port. */
export function referencesDatabase(references: Readonly<Record<string, SecretReference>>): boolean {
  return Object.values(references).some(
    (ref) => "databaseSecret" in ref || ("parameter" in ref && ref.parameter.startsWith("database/")),
  );
}

/** True when references read the database's credentials (RDS's master secret), which rotation replaces. */
export function readsDatabaseSecret(references: Readonly<Record<string, SecretReference>>): boolean {
  return Object.values(references).some((ref) => "databaseSecret" in ref);
}
