import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import {
  ContainerCluster,
  ContainerClusterProps,
  ECS_AMI_PARAMETER,
  EXEC_LOG_RETENTION_DAYS,
} from "../../src/constructs/container-cluster";
import { KMS_KEY_ARN, NAME_PREFIX, SUBNET_IDS, VPC_ID } from "../../test/construct-fixtures";
import { attachedPolicyArns, inlinePoliciesOf, statementsOf } from "../../test/iam";
import { flows, rulesOf, securityGroupNamed } from "../../test/security-groups";
import { resourcesOf, synthConstruct } from "../../test/stacks";
import { addressWith, configAt, onlyAddress, ref } from "../../test/terraform";

const EC2 = {
  instanceType: "t3.small",
  minSize: 0,
  maxSize: 2,
  targetCapacityPercent: 80,
  subnetIds: SUBNET_IDS,
  vpcId: VPC_ID,
};

function clusterProps(overrides: Partial<ContainerClusterProps> = {}): ContainerClusterProps {
  return {
    namePrefix: NAME_PREFIX,
    kmsKeyArn: KMS_KEY_ARN,
    containerInsights: true,
    fargateSpotWeight: 0,
    ...overrides,
  };
}

function synthCluster(overrides: Partial<ContainerClusterProps> = {}) {
  let cluster!: ContainerCluster;
  const synthesized = synthConstruct((scope) => {
    cluster = new ContainerCluster(scope, "Cluster", clusterProps(overrides));
  });
  return { ...synthesized, cluster };
}

describe("ContainerCluster", () => {
  const { json, parsed, cluster } = synthCluster();
  const execLogs = addressWith(parsed, "aws_cloudwatch_log_group", "name", "/ecs/acme-test/exec");

  test("is named <prefix>-cluster", () => {
    expect(json).toHaveResourceWithProperties(EcsCluster, { name: "acme-test-cluster" });
  });

  test("has Container Insights on when asked", () => {
    expect(json).toHaveResourceWithProperties(EcsCluster, {
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  test("has Container Insights off when not asked", () => {
    expect(synthCluster({ containerInsights: false }).json).toHaveResourceWithProperties(EcsCluster, {
      setting: [{ name: "containerInsights", value: "disabled" }],
    });
  });

  test("encrypts exec sessions with the given key and logs them to the exec log group", () => {
    expect(configAt(parsed, onlyAddress(parsed, "aws_ecs_cluster")).configuration).toEqual({
      execute_command_configuration: {
        kms_key_id: KMS_KEY_ARN,
        logging: "OVERRIDE",
        log_configuration: { cloud_watch_log_group_name: ref(execLogs, "name"), cloud_watch_encryption_enabled: true },
      },
    });
  });

  test(`keeps the exec log group encrypted with the given key for ${EXEC_LOG_RETENTION_DAYS} days`, () => {
    expect(configAt(parsed, execLogs)).toMatchObject({ kms_key_id: KMS_KEY_ARN, retention_in_days: 365 });
  });

  test("exposes the exec log group", () => {
    expect(cluster.execLogGroup).toBeDefined();
  });

  test("offers FARGATE and FARGATE_SPOT to services", () => {
    expect(json).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      cluster_name: ref(onlyAddress(parsed, "aws_ecs_cluster"), "name"),
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
    });
  });

  test("runs services on Fargate only, at least one task on plain Fargate, when fargateSpotWeight is 0", () => {
    expect(cluster.fargateStrategy).toEqual([{ capacityProvider: "FARGATE", weight: 1, base: 1 }]);
    expect(json).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      default_capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 1 }],
    });
  });

  test("mixes Fargate Spot in at fargateSpotWeight", () => {
    const spot = synthCluster({ fargateSpotWeight: 3 });
    expect(spot.cluster.fargateStrategy).toEqual([
      { capacityProvider: "FARGATE", weight: 1, base: 1 },
      { capacityProvider: "FARGATE_SPOT", weight: 3 },
    ]);
    expect(spot.json).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
      default_capacity_provider_strategy: [
        { capacity_provider: "FARGATE", weight: 1, base: 1 },
        { capacity_provider: "FARGATE_SPOT", weight: 3 },
      ],
    });
  });

  test("without ec2 there is no launch template, auto scaling group, EC2 capacity provider or AMI lookup", () => {
    for (const type of [
      "aws_launch_template",
      "aws_autoscaling_group",
      "aws_ecs_capacity_provider",
      "aws_iam_instance_profile",
    ]) {
      expect(resourcesOf(parsed, type)).toEqual([]);
    }
    expect(parsed.data?.aws_ssm_parameter).toBeUndefined();
    expect(cluster.ec2CapacityProviderName).toBeUndefined();
  });
});

describe("ContainerCluster EC2 capacity", () => {
  const { parsed, cluster } = synthCluster({ ec2: EC2 });
  const template = configAt(parsed, onlyAddress(parsed, "aws_launch_template"));
  const group = onlyAddress(parsed, "aws_autoscaling_group");
  const provider = onlyAddress(parsed, "aws_ecs_capacity_provider");
  const role = addressWith(parsed, "aws_iam_role", "name", "acme-test-ecs-instance");

  test("launches the current ECS-optimized AMI, looked up in SSM rather than hard-coded", () => {
    const [amiData] = Object.entries(parsed.data!.aws_ssm_parameter).filter(([, d]) => d.name === ECS_AMI_PARAMETER);
    expect(ECS_AMI_PARAMETER).toBe("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    expect(amiData).toBeDefined();
    expect(template.image_id).toBe(`\${data.aws_ssm_parameter.${amiData[0]}.insecure_value}`);
    expect(JSON.stringify(parsed)).not.toMatch(/\bami-[0-9a-f]{8,}/);
  });

  test("launches the configured instance type", () => {
    expect(template.instance_type).toBe("t3.small");
  });

  test("requires IMDSv2 on the instances, one hop only so containers cannot reach it", () => {
    expect(template.metadata_options).toEqual({
      http_tokens: "required",
      http_endpoint: "enabled",
      http_put_response_hop_limit: 1,
    });
  });

  test("encrypts the root volume", () => {
    const mappings = template.block_device_mappings as { ebs: { encrypted: string } }[];
    expect(mappings.length).toBeGreaterThan(0);
    for (const m of mappings) expect(String(m.ebs.encrypted)).toBe("true");
  });

  test("registers the instances with the cluster through their user data", () => {
    expect(String(template.user_data)).toContain("ECS_CLUSTER=acme-test-cluster");
  });

  test("the auto scaling group launches the template across the given subnets within the configured size", () => {
    expect(configAt(parsed, group)).toMatchObject({
      min_size: 0,
      max_size: 2,
      vpc_zone_identifier: SUBNET_IDS,
      launch_template: { id: ref(onlyAddress(parsed, "aws_launch_template"), "id"), version: "$Latest" },
    });
  });

  test("the auto scaling group leaves its desired capacity to managed scaling", () => {
    expect(configAt(parsed, group).lifecycle).toEqual({ ignore_changes: ["desired_capacity"] });
    expect(configAt(parsed, group).tag).toEqual(
      expect.arrayContaining([{ key: "AmazonECSManaged", value: "true", propagate_at_launch: true }]),
    );
  });

  test("a capacity provider scales the auto scaling group with managed scaling at targetCapacityPercent", () => {
    expect(configAt(parsed, provider).auto_scaling_group_provider).toMatchObject({
      auto_scaling_group_arn: ref(group, "arn"),
      managed_scaling: { status: "ENABLED", target_capacity: 80 },
    });
  });

  test("the cluster offers FARGATE, FARGATE_SPOT and the EC2 capacity provider", () => {
    expect(configAt(parsed, onlyAddress(parsed, "aws_ecs_cluster_capacity_providers")).capacity_providers).toEqual([
      "FARGATE",
      "FARGATE_SPOT",
      ref(provider, "name"),
    ]);
  });

  test("exposes the EC2 capacity provider's name for services to use", () => {
    expect(cluster.ec2CapacityProviderName).toBe("acme-test-ec2");
    expect(configAt(parsed, provider).name).toBe("acme-test-ec2");
  });

  test("the instances' role is assumable by EC2 only and holds only the AWS-managed ECS agent policy", () => {
    const trust = statementsOf(parsed, configAt(parsed, role).assume_role_policy);
    expect(trust.flatMap((s) => s.principals ?? [])).toEqual([{ type: "Service", identifiers: ["ec2.amazonaws.com"] }]);
    expect(attachedPolicyArns(parsed, role)).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    ]);
    expect(inlinePoliciesOf(parsed, role)).toEqual([]);
  });

  test("the instances' security group accepts nothing and sends only HTTPS", () => {
    const instances = securityGroupNamed(parsed, "acme-test-ecs-instances");
    expect(template.vpc_security_group_ids).toEqual([ref(instances, "id")]);
    expect(rulesOf(parsed, instances, "ingress")).toEqual([]);
    expect(flows(rulesOf(parsed, instances, "egress"))).toEqual([["0.0.0.0/0", 443, 443]]);
  });
});
