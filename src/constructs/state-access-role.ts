import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";

export interface StateAccessRoleProps {
  /** Role name. */
  readonly roleName: string;
  /** ARN of the state bucket. */
  readonly bucketArn: string;
  /** Bucket name, as the lock table's `LockID` values start with it. */
  readonly bucketName: string;
  /** ARN of the lock table. */
  readonly lockTableArn: string;
  /** The one state object this role may read and write, e.g. `workspaces/dev/terraform.tfstate`. */
  readonly stateKey: string;
  /** Principals (ARNs) that may assume the role. */
  readonly trustedPrincipals: string[];
  /**
   * Narrow the trusted principals to these exact role ARNs (`aws:PrincipalArn`), e.g. an account's root narrowed to
   * one role of it, which a trust policy can name before that role exists.
   * @default - no narrowing
   */
  readonly principalArns?: string[];
  /**
   * Read the state only: no writing, no locking (plans run with `-lock=false`). The lock table's digest item stays
   * readable, so a stale read is still detected.
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A role in the state account that can read, write and lock exactly one workspace's state and nothing else, so a
 * dev pipeline cannot touch prod state. Workspace backends assume it.
 */
export class StateAccessRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: StateAccessRoleProps) {
    super(scope, id);
    if (props.trustedPrincipals.length === 0) {
      throw new Error(`StateAccessRole ${props.roleName}: trustedPrincipals must name at least one principal`);
    }
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole", "sts:TagSession"],
          principals: [{ type: "AWS", identifiers: props.trustedPrincipals }],
          condition: props.principalArns
            ? [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: props.principalArns }]
            : undefined,
        },
      ],
    });
    this.role = new IamRole(this, "Resource", {
      name: props.roleName,
      description: `${props.readOnly ? "Read" : "Read, write and lock"} the Terraform state at ${props.stateKey}`,
      assumeRolePolicy: trust.json,
      maxSessionDuration: 3600,
      tags: { Name: props.roleName },
    });

    const stateObject = `${props.bucketArn}/${props.stateKey}`;
    const lockKeys = {
      test: "ForAllValues:StringEquals",
      variable: "dynamodb:LeadingKeys",
      values: [`${props.bucketName}/${props.stateKey}`, `${props.bucketName}/${props.stateKey}-md5`],
    };
    const listOwnPrefix = {
      sid: "ListOwnStatePrefix",
      effect: "Allow",
      // ListBucketVersions: `npm run state -- versions` lists the history of the workspace's own key.
      actions: ["s3:ListBucket", "s3:ListBucketVersions"],
      resources: [props.bucketArn],
      condition: [{ test: "StringLike", variable: "s3:prefix", values: [props.stateKey, `${props.stateKey}*`] }],
    };
    const statements = props.readOnly
      ? [
          listOwnPrefix,
          { sid: "ReadOwnState", effect: "Allow", actions: ["s3:GetObject"], resources: [stateObject] },
          {
            sid: "ReadOwnStateDigest",
            effect: "Allow",
            actions: ["dynamodb:DescribeTable", "dynamodb:GetItem"],
            resources: [props.lockTableArn],
            condition: [lockKeys],
          },
        ]
      : [
          listOwnPrefix,
          {
            sid: "ReadWriteOwnState",
            effect: "Allow",
            actions: ["s3:GetObject", "s3:PutObject"],
            resources: [stateObject, `${stateObject}.tflock`],
          },
          {
            // Reading an earlier version of the state: what `npm run state -- restore` copies back.
            sid: "ReadOwnStateVersions",
            effect: "Allow",
            actions: ["s3:GetObjectVersion"],
            resources: [stateObject],
          },
          {
            sid: "ReleaseOwnLockfile",
            effect: "Allow",
            actions: ["s3:DeleteObject"],
            resources: [`${stateObject}.tflock`],
          },
          {
            sid: "LockOwnState",
            effect: "Allow",
            actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            resources: [props.lockTableArn],
            condition: [lockKeys],
          },
        ];
    const access = new DataAwsIamPolicyDocument(this, "AccessPolicy", { statement: statements });
    new IamRolePolicy(this, "Access", { name: "terraform-state", role: this.role.id, policy: access.json });
  }
}
