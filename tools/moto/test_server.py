"""Tests of the emulator fixes in server.py (run by `npm run test:emulator`, part of `npm test`)."""

import json
import os
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(__file__))

import server  # noqa: E402
from moto.iam.access_control import IAMPolicy, PermissionResult  # noqa: E402

server.apply_fixes()

import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from moto import mock_aws  # noqa: E402

REGION = "us-east-1"
# The in-process mock must see the requests even when AWS_ENDPOINT_URL points the SDKs at a running emulator.
CLIENT_CONFIG = Config(ignore_configured_endpoint_urls=True)


def client(service):
    return boto3.client(service, region_name=REGION, config=CLIENT_CONFIG)


class MockedAws(unittest.TestCase):
    """Runs each test against moto's in-process mock (the same responses classes the server dispatches to)."""

    # Loading the AWS managed IAM policies (fix 4) costs about a second per test in the mock; only tests that need
    # them keep the setting apply_fixes() made.
    needs_aws_managed_policies = False

    def setUp(self):
        if not self.needs_aws_managed_policies:
            env = mock.patch.dict(os.environ, {"MOTO_IAM_LOAD_MANAGED_POLICIES": "false"})
            env.start()
            self.addCleanup(env.stop)
        self.mock = mock_aws()
        self.mock.start()
        self.addCleanup(self.mock.stop)

    def ecs_service(self, **settings):
        """Creates cluster c, task definition t and service s (FARGATE, awsvpc); returns the created service."""
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        group = ec2.create_security_group(GroupName="s", Description="s", VpcId=vpc)["GroupId"]
        ecs = client("ecs")
        ecs.create_cluster(clusterName="c")
        ecs.register_task_definition(
            family="t",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "nginx", "essential": True}],
        )
        network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
        return ecs.create_service(
            cluster="c", serviceName="s", taskDefinition="t", desiredCount=1, launchType="FARGATE",
            networkConfiguration=network, **settings,
        )["service"]

BUCKET = "arn:aws:s3:::state"
OBJECT = "arn:aws:s3:::state/key"


def policy(*statements):
    return IAMPolicy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def deny(condition):
    return {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [BUCKET, f"{BUCKET}/*"], "Condition": condition}


class BucketPolicyConditions(unittest.TestCase):
    def test_deny_insecure_transport_lets_tls_requests_through(self):
        result = policy(deny({"Bool": {"aws:SecureTransport": "false"}})).is_action_permitted("s3:GetObject", OBJECT)
        self.assertEqual(result, PermissionResult.NEUTRAL)

    def test_deny_outdated_tls_lets_tls13_through(self):
        result = policy(deny({"NumericLessThan": {"s3:TlsVersion": "1.2"}})).is_action_permitted("s3:PutObject", OBJECT)
        self.assertEqual(result, PermissionResult.NEUTRAL)

    def test_matching_conditional_deny_still_denies(self):
        result = policy(deny({"Bool": {"aws:SecureTransport": "true"}})).is_action_permitted("s3:GetObject", OBJECT)
        self.assertEqual(result, PermissionResult.DENIED)

    def test_unconditional_deny_denies(self):
        statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": f"{BUCKET}/*"}
        self.assertEqual(policy(statement).is_action_permitted("s3:GetObject", OBJECT), PermissionResult.DENIED)

    def test_deny_on_other_resource_is_neutral(self):
        statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::other/*"}
        self.assertEqual(policy(statement).is_action_permitted("s3:GetObject", OBJECT), PermissionResult.NEUTRAL)

    def test_missing_key_makes_condition_false_unless_if_exists(self):
        ctx = {}
        self.assertFalse(server.condition_matches({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, ctx))
        self.assertTrue(server.condition_matches({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}, ctx))

    def test_string_like_and_negation(self):
        ctx = {"s3:prefix": ["workspaces/dev/terraform.tfstate"]}
        self.assertTrue(server.condition_matches({"StringLike": {"s3:prefix": "workspaces/dev/*"}}, ctx))
        self.assertFalse(server.condition_matches({"StringNotLike": {"s3:prefix": "workspaces/dev/*"}}, ctx))


class AppAutoscalingTags(MockedAws):
    def register(self, **extra):
        self.ecs_service()
        aas = client("application-autoscaling")
        arn = aas.register_scalable_target(
            ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=1, MaxCapacity=4, **extra,
        )["ScalableTargetARN"]
        return aas, arn

    def test_tags_of_register_are_listed_on_the_target_arn(self):
        aas, arn = self.register(Tags={"Project": "x"})
        target = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]
        self.assertEqual(target["ScalableTargetARN"], arn)
        self.assertEqual(aas.list_tags_for_resource(ResourceARN=arn)["Tags"], {"Project": "x"})

    def test_tag_and_untag_resource(self):
        aas, arn = self.register()
        self.assertEqual(aas.list_tags_for_resource(ResourceARN=arn)["Tags"], {})
        aas.tag_resource(ResourceARN=arn, Tags={"a": "1", "b": "2"})
        aas.untag_resource(ResourceARN=arn, TagKeys=["a"])
        self.assertEqual(aas.list_tags_for_resource(ResourceARN=arn)["Tags"], {"b": "2"})

    def test_unknown_arn_is_resource_not_found(self):
        aas, arn = self.register()
        with self.assertRaises(ClientError) as caught:
            aas.list_tags_for_resource(ResourceARN=arn + "x")
        self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")


class RdsParameterSources(MockedAws):
    def test_user_set_parameters_are_source_user_and_the_filter_applies(self):
        rds = client("rds")
        rds.create_db_parameter_group(DBParameterGroupName="pg", DBParameterGroupFamily="postgres16", Description="d")
        rds.modify_db_parameter_group(
            DBParameterGroupName="pg",
            Parameters=[
                {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"},
                {"ParameterName": "log_min_duration_statement", "ParameterValue": "500", "ApplyMethod": "immediate"},
            ],
        )
        user = rds.describe_db_parameters(DBParameterGroupName="pg", Source="user")["Parameters"]
        self.assertEqual({(p["ParameterName"], p["ParameterValue"], p["Source"]) for p in user},
                         {("rds.force_ssl", "1", "user"), ("log_min_duration_statement", "500", "user")})
        self.assertEqual(rds.describe_db_parameters(DBParameterGroupName="pg", Source="system")["Parameters"], [])
        self.assertEqual(len(rds.describe_db_parameters(DBParameterGroupName="pg")["Parameters"]), 2)


class RdsMonitoringSettings(MockedAws):
    def test_monitoring_and_performance_insights_are_returned_and_modifiable(self):
        rds = client("rds")
        rds.create_db_instance(
            DBInstanceIdentifier="db", DBInstanceClass="db.t4g.micro", Engine="postgres", EngineVersion="16.4",
            MasterUsername="app", ManageMasterUserPassword=True, AllocatedStorage=20,
            MonitoringInterval=60, MonitoringRoleArn="arn:aws:iam::123456789012:role/m",
            EnablePerformanceInsights=True, PerformanceInsightsKMSKeyId="arn:aws:kms:us-east-1:123456789012:key/k",
        )
        db = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
        self.assertEqual(db["MonitoringInterval"], 60)
        self.assertEqual(db["MonitoringRoleArn"], "arn:aws:iam::123456789012:role/m")
        self.assertTrue(db["PerformanceInsightsEnabled"])
        self.assertEqual(db["PerformanceInsightsKMSKeyId"], "arn:aws:kms:us-east-1:123456789012:key/k")
        self.assertEqual(db["PerformanceInsightsRetentionPeriod"], 7)
        rds.modify_db_instance(DBInstanceIdentifier="db", EnablePerformanceInsights=False, ApplyImmediately=True)
        db = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
        self.assertFalse(db["PerformanceInsightsEnabled"])

    def test_defaults_without_monitoring(self):
        rds = client("rds")
        rds.create_db_instance(DBInstanceIdentifier="db", DBInstanceClass="db.t4g.micro", Engine="postgres",
                               MasterUsername="app", MasterUserPassword="password123", AllocatedStorage=20)
        db = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
        self.assertEqual(db["MonitoringInterval"], 0)
        self.assertFalse(db["PerformanceInsightsEnabled"])


class AwsManagedPolicies(MockedAws):
    needs_aws_managed_policies = True

    def test_aws_managed_policy_can_be_attached(self):
        iam = client("iam")
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
        arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
        iam.attach_role_policy(RoleName="r", PolicyArn=arn)
        attached = iam.list_attached_role_policies(RoleName="r")["AttachedPolicies"]
        self.assertEqual([p["PolicyArn"] for p in attached], [arn])


class LaunchTemplateTags(MockedAws):
    def test_template_tags_stay_out_of_the_version_data(self):
        ec2 = client("ec2")
        ec2.create_launch_template(
            LaunchTemplateName="tmpl",
            LaunchTemplateData={
                "ImageId": "ami-12c6146b",
                "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "i", "Value": "1"}]}],
            },
            TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Project", "Value": "x"}]}],
        )
        data = ec2.describe_launch_template_versions(LaunchTemplateName="tmpl")["LaunchTemplateVersions"][0][
            "LaunchTemplateData"
        ]
        self.assertEqual([t["ResourceType"] for t in data["TagSpecifications"]], ["instance"])
        template = ec2.describe_launch_templates(LaunchTemplateNames=["tmpl"])["LaunchTemplates"][0]
        self.assertEqual(template["Tags"], [{"Key": "Project", "Value": "x"}])


class EcsServiceSettings(MockedAws):
    def test_create_service_settings_are_described(self):
        deployment = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                      "maximumPercent": 200, "minimumHealthyPercent": 50}
        self.ecs_service(enableExecuteCommand=True, healthCheckGracePeriodSeconds=60,
                         deploymentConfiguration=deployment, availabilityZoneRebalancing="DISABLED")
        service = client("ecs").describe_services(cluster="c", services=["s"])["services"][0]
        self.assertTrue(service["enableExecuteCommand"])
        self.assertEqual(service["healthCheckGracePeriodSeconds"], 60)
        self.assertEqual(service["deploymentConfiguration"], deployment)
        self.assertEqual(service["availabilityZoneRebalancing"], "DISABLED")

    def test_defaults_and_update(self):
        self.ecs_service()
        ecs = client("ecs")
        service = ecs.describe_services(cluster="c", services=["s"])["services"][0]
        self.assertFalse(service["enableExecuteCommand"])
        self.assertEqual(service["deploymentConfiguration"]["maximumPercent"], 200)
        self.assertEqual(service["deploymentConfiguration"]["minimumHealthyPercent"], 100)
        ecs.update_service(cluster="c", service="s", enableExecuteCommand=True)
        self.assertTrue(ecs.describe_services(cluster="c", services=["s"])["services"][0]["enableExecuteCommand"])


class SecurityGroupRuleDescriptions(MockedAws):
    def test_a_rule_referencing_a_group_keeps_its_description(self):
        ec2 = client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        service = ec2.create_security_group(GroupName="svc", Description="svc", VpcId=vpc)["GroupId"]
        alb = ec2.create_security_group(GroupName="alb", Description="alb", VpcId=vpc)["GroupId"]
        created = ec2.authorize_security_group_ingress(
            GroupId=service,
            IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
                            "UserIdGroupPairs": [{"GroupId": alb, "Description": "from the load balancer"}]}],
        )["SecurityGroupRules"][0]
        described = ec2.describe_security_group_rules(SecurityGroupRuleIds=[created["SecurityGroupRuleId"]])
        self.assertEqual(described["SecurityGroupRules"][0]["Description"], "from the load balancer")


class EcsRunTask(MockedAws):
    def run_task(self, **placement):
        self.ecs_service()
        service = client("ecs").describe_services(cluster="c", services=["s"])["services"][0]
        # As in the stacks' VPCs (moto needs DNS hostnames to name the task's network interface).
        subnet = service["networkConfiguration"]["awsvpcConfiguration"]["subnets"][0]
        vpc = client("ec2").describe_subnets(SubnetIds=[subnet])["Subnets"][0]["VpcId"]
        client("ec2").modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        return client("ecs").run_task(
            cluster="c", taskDefinition="t", networkConfiguration=service["networkConfiguration"], **placement
        )["tasks"]

    def test_task_level_memory_is_enough(self):
        tasks = self.run_task(launchType="FARGATE")
        self.assertEqual(len(tasks), 1)
        self.assertEqual(tasks[0]["launchType"], "FARGATE")

    def test_a_fargate_capacity_provider_strategy_runs_on_fargate(self):
        strategy = [{"capacityProvider": "FARGATE", "weight": 1, "base": 1}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}]
        tasks = self.run_task(capacityProviderStrategy=strategy)
        self.assertEqual(len(tasks), 1)
        self.assertEqual(tasks[0]["launchType"], "FARGATE")


if __name__ == "__main__":
    unittest.main()
