import { Construct } from "constructs";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";

export interface ContainerRepositoryProps {
  readonly repositoryName: string;
  /** KMS key images are encrypted with. */
  readonly kmsKeyArn: string;
  /** Tagged release images kept. */
  readonly keepTaggedImages: number;
  /** Days after which untagged images expire. */
  readonly untaggedExpiryDays: number;
  /** Other accounts allowed to pull (none: no repository policy). */
  readonly pullAccountIds: string[];
}

/**
 * An ECR repository for one service: immutable tags (a tag always means the same image), scan on push, KMS
 * encryption, a lifecycle policy that keeps the last N tagged images and expires untagged ones, and, when other
 * accounts pull from it, a repository policy allowing exactly the pull actions to them.
 */
export class ContainerRepository extends Construct {
  public readonly repository: EcrRepository;

  constructor(scope: Construct, id: string, props: ContainerRepositoryProps) {
    super(scope, id);
    const keep = props.keepTaggedImages;
    const untaggedDays = props.untaggedExpiryDays;
    const pullAccounts = props.pullAccountIds;

    this.repository = new EcrRepository(this, "Resource", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
      tags: { Name: props.repositoryName },
    });
    new EcrLifecyclePolicy(this, "Lifecycle", {
      repository: this.repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Expire untagged images after ${untaggedDays} days`,
            selection: {
              tagStatus: "untagged",
              countType: "sinceImagePushed",
              countUnit: "days",
              countNumber: untaggedDays,
            },
            action: { type: "expire" },
          },
          {
            rulePriority: 2,
            description: `Keep the last ${keep} tagged images`,
            selection: {
              tagStatus: "tagged",
              tagPatternList: ["*"],
              countType: "imageCountMoreThan",
              countNumber: keep,
            },
            action: { type: "expire" },
          },
        ],
      }),
    });
    if (pullAccounts.length > 0) {
      const policy = new DataAwsIamPolicyDocument(this, "PullPolicyDocument", {
        statement: [
          {
            sid: "PullFromWorkspaceAccounts",
            effect: "Allow",
            actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            principals: [{ type: "AWS", identifiers: pullAccounts.map((a) => `arn:aws:iam::${a}:root`) }],
          },
        ],
      });
      new EcrRepositoryPolicy(this, "PullPolicy", { repository: this.repository.name, policy: policy.json });
    }
  }
}
