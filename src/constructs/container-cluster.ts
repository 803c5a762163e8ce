import { Construct } from "constructs";
import { Fn } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { EcsCapacityProvider } from "@cdktf/provider-aws/lib/ecs-capacity-provider";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { allowHttpsOut } from "./security-group-link";
import { clusterName } from "../naming";

/** Public SSM parameter AWS keeps pointed at the current ECS-optimized Amazon Linux 2023 AMI. */
export const ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
export const EXEC_LOG_RETENTION_DAYS = 365;
/** Size of each EC2 container instance's root volume (gp3), in GB. */
export const EC2_ROOT_VOLUME_GB = 30;

/** One entry of an ECS capacity provider strategy. */
export interface CapacityProviderStrategyItem {
  readonly capacityProvider: string;
  readonly weight: number;
  readonly base?: number;
}

/**
 * The default strategy for Fargate services: the first task of each service on FARGATE (base 1), the rest split
 * FARGATE : FARGATE_SPOT = 1 : `spotWeight` (0 leaves Spot out).
 */
export function fargateCapacityStrategy(spotWeight: number): CapacityProviderStrategyItem[] {
  const strategy: CapacityProviderStrategyItem[] = [{ capacityProvider: "FARGATE", weight: 1, base: 1 }];
  if (spotWeight > 0) strategy.push({ capacityProvider: "FARGATE_SPOT", weight: spotWeight });
  return strategy;
}

export interface Ec2CapacityProps {
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly targetCapacityPercent: number;
  /** Subnets of the app tier. */
  readonly subnetIds: string[];
  readonly vpcId: string;
}

export interface ContainerClusterProps {
  readonly namePrefix: string;
  /** KMS key for ECS Exec sessions and their log group. */
  readonly kmsKeyArn: string;
  /** CloudWatch Container Insights for the cluster. */
  readonly containerInsights: boolean;
  /** Weight of Fargate Spot next to Fargate (weight 1, base 1) in the default strategy; 0 leaves Spot out. */
  readonly fargateSpotWeight: number;
  /** EC2 container instances as an extra capacity provider. @default - Fargate only */
  readonly ec2?: Ec2CapacityProps;
}

/**
 * The ECS cluster: Container Insights, ECS Exec sessions encrypted and logged to CloudWatch, Fargate (and Fargate
 * Spot) capacity, and optionally an EC2 capacity provider on the ECS-optimized AMI with managed scaling.
 */
export class ContainerCluster extends Construct {
  public readonly cluster: EcsCluster;
  public readonly execLogGroup: CloudwatchLogGroup;
  /** Name of the EC2 capacity provider, when there is one. */
  public readonly ec2CapacityProviderName?: string;
  /** The cluster's capacity provider association; services using a strategy must be created after it. */
  public readonly capacityProviders: EcsClusterCapacityProviders;
  /** The default capacity provider strategy Fargate services use. */
  public readonly fargateStrategy: CapacityProviderStrategyItem[];

  constructor(scope: Construct, id: string, props: ContainerClusterProps) {
    super(scope, id);
    const name = clusterName(props.namePrefix);
    const spotWeight = props.fargateSpotWeight;

    this.execLogGroup = new CloudwatchLogGroup(this, "ExecLogs", {
      name: `/ecs/${props.namePrefix}/exec`,
      retentionInDays: EXEC_LOG_RETENTION_DAYS,
      kmsKeyId: props.kmsKeyArn,
    });
    this.cluster = new EcsCluster(this, "Resource", {
      name,
      setting: [{ name: "containerInsights", value: props.containerInsights ? "enabled" : "disabled" }],
      configuration: {
        executeCommandConfiguration: {
          kmsKeyId: props.kmsKeyArn,
          logging: "OVERRIDE",
          logConfiguration: { cloudWatchLogGroupName: this.execLogGroup.name, cloudWatchEncryptionEnabled: true },
        },
      },
    });

    this.fargateStrategy = fargateCapacityStrategy(spotWeight);

    const providers = ["FARGATE", "FARGATE_SPOT"];
    if (props.ec2) {
      this.ec2CapacityProviderName = `${props.namePrefix}-ec2`;
      providers.push(this.createEc2Capacity(props.namePrefix, name, props.ec2).name);
    }
    this.capacityProviders = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: this.cluster.name,
      capacityProviders: providers,
      defaultCapacityProviderStrategy: this.fargateStrategy,
    });
  }

  private createEc2Capacity(prefix: string, cluster: string, ec2: Ec2CapacityProps): EcsCapacityProvider {
    const ami = new DataAwsSsmParameter(this, "EcsAmi", { name: ECS_AMI_PARAMETER });
    const trust = new DataAwsIamPolicyDocument(this, "InstanceTrust", {
      statement: [
        {
          effect: "Allow",
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }],
        },
      ],
    });
    const role = new IamRole(this, "InstanceRole", {
      name: `${prefix}-ecs-instance`,
      description: "ECS container agent on the cluster's EC2 instances",
      assumeRolePolicy: trust.json,
    });
    // The AWS-managed policy is the documented minimum for the ECS agent (register, poll, ECR pull, logs).
    new IamRolePolicyAttachment(this, "InstanceAgentPolicy", {
      role: role.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
    });
    const profile = new IamInstanceProfile(this, "InstanceProfile", {
      name: `${prefix}-ecs-instance`,
      role: role.name,
    });
    const sg = new SecurityGroup(this, "InstanceSecurityGroup", {
      name: `${prefix}-ecs-instances`,
      description: "ECS container instances: no inbound, HTTPS out",
      vpcId: ec2.vpcId,
      tags: { Name: `${prefix}-ecs-instances` },
    });
    allowHttpsOut(this, "InstanceHttpsOut", sg.id, "ECS, ECR and CloudWatch APIs");
    const template = new LaunchTemplate(this, "LaunchTemplate", {
      name: `${prefix}-ecs`,
      imageId: ami.insecureValue,
      instanceType: ec2.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [sg.id],
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: EC2_ROOT_VOLUME_GB, volumeType: "gp3", encrypted: "true" } },
      ],
      userData: Fn.base64encode(`#!/bin/bash\necho ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`),
      updateDefaultVersion: true,
    });
    const asg = new AutoscalingGroup(this, "Instances", {
      name: `${prefix}-ecs`,
      minSize: ec2.minSize,
      maxSize: ec2.maxSize,
      vpcZoneIdentifier: ec2.subnetIds,
      launchTemplate: { id: template.id, version: "$Latest" },
      protectFromScaleIn: false,
      tag: [
        { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
        { key: "Name", value: `${prefix}-ecs`, propagateAtLaunch: true },
      ],
      // Managed scaling sets the desired capacity.
      lifecycle: { ignoreChanges: ["desired_capacity"] },
    });
    return new EcsCapacityProvider(this, "Ec2CapacityProvider", {
      name: `${prefix}-ec2`,
      autoScalingGroupProvider: {
        autoScalingGroupArn: asg.arn,
        managedTerminationProtection: "DISABLED",
        managedScaling: { status: "ENABLED", targetCapacity: ec2.targetCapacityPercent },
      },
    });
  }
}
