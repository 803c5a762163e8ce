import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { ContainerRepository, ContainerRepositoryProps } from "../../src/constructs/container-repository";
import { KMS_KEY_ARN } from "../../test/construct-fixtures";
import { statementsOf } from "../../test/iam";
import { refTarget, resourcesOf, synthConstruct } from "../../test/stacks";
import { onlyAddress } from "../../test/terraform";

function repositoryProps(overrides: Partial<ContainerRepositoryProps> = {}): ContainerRepositoryProps {
  return {
    repositoryName: "acme/test/api",
    kmsKeyArn: KMS_KEY_ARN,
    keepTaggedImages: 12,
    untaggedExpiryDays: 3,
    pullAccountIds: [],
    ...overrides,
  };
}

describe("ContainerRepository", () => {
  const { json, parsed } = synthConstruct((scope) => new ContainerRepository(scope, "Repository", repositoryProps()));
  const repository = onlyAddress(parsed, "aws_ecr_repository");

  test("is named as asked", () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      name: "acme/test/api",
      tags: { Name: "acme/test/api" },
    });
  });

  test("has immutable tags, so a tag always means the same image", () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, { image_tag_mutability: "IMMUTABLE" });
  });

  test("scans every image on push", () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, { image_scanning_configuration: { scan_on_push: true } });
  });

  test("encrypts images with the given KMS key", () => {
    expect(json).toHaveResourceWithProperties(EcrRepository, {
      encryption_configuration: [{ encryption_type: "KMS", kms_key: KMS_KEY_ARN }],
    });
  });

  test("expires untagged images after untaggedExpiryDays and keeps the last keepTaggedImages tagged ones", () => {
    const [policy] = resourcesOf(parsed, "aws_ecr_lifecycle_policy");
    expect(refTarget(policy.repository)).toBe(repository);
    const rules = (JSON.parse(String(policy.policy)) as { rules: { selection: unknown; action: unknown }[] }).rules;
    expect(rules.map((r) => [r.selection, r.action])).toEqual([
      [{ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 }, { type: "expire" }],
      [
        { tagStatus: "tagged", tagPatternList: ["*"], countType: "imageCountMoreThan", countNumber: 12 },
        { type: "expire" },
      ],
    ]);
  });

  test("has no repository policy when no other account pulls", () => {
    expect(resourcesOf(parsed, "aws_ecr_repository_policy")).toEqual([]);
  });

  test("with pullAccountIds, lets exactly those accounts pull and do nothing else", () => {
    const shared = synthConstruct(
      (scope) =>
        new ContainerRepository(
          scope,
          "Repository",
          repositoryProps({ pullAccountIds: ["444444444444", "555555555555"] }),
        ),
    ).parsed;
    const [policy] = resourcesOf(shared, "aws_ecr_repository_policy");
    expect(refTarget(policy.repository)).toBe(onlyAddress(shared, "aws_ecr_repository"));
    expect(statementsOf(shared, policy.policy)).toEqual([
      {
        sid: "PullFromWorkspaceAccounts",
        effect: "Allow",
        actions: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        principals: [
          { type: "AWS", identifiers: ["arn:aws:iam::444444444444:root", "arn:aws:iam::555555555555:root"] },
        ],
      },
    ]);
  });
});
