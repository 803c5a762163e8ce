"""Tests of the emulator fixes in server.py (run by `npm run test:emulator`, part of `npm test`)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

sys.path.insert(0, os.path.dirname(__file__))

import authorization  # noqa: E402
import ecs_deployments  # noqa: E402
import server  # noqa: E402
from moto.iam.access_control import IAMPolicy, PermissionResult  # noqa: E402

server.apply_fixes()

import boto3  # noqa: E402
from botocore import UNSIGNED  # noqa: E402
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


class RdsDefaultCertificateAuthority(MockedAws):
    def test_a_new_instance_gets_aws_default_authority(self):
        rds = client("rds")
        created = rds.create_db_instance(DBInstanceIdentifier="db", DBInstanceClass="db.t4g.micro",
                                         Engine="postgres", MasterUsername="app", MasterUserPassword="password123",
                                         AllocatedStorage=20)["DBInstance"]
        self.assertEqual(created["CACertificateIdentifier"], "rds-ca-rsa2048-g1")
        db = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
        self.assertEqual(db["CACertificateIdentifier"], "rds-ca-rsa2048-g1")

    def test_an_authority_asked_for_is_kept(self):
        rds = client("rds")
        rds.create_db_instance(DBInstanceIdentifier="db", DBInstanceClass="db.t4g.micro", Engine="postgres",
                               MasterUsername="app", MasterUserPassword="password123", AllocatedStorage=20,
                               CACertificateIdentifier="rds-ca-ecc384-g1")
        db = rds.describe_db_instances(DBInstanceIdentifier="db")["DBInstances"][0]
        self.assertEqual(db["CACertificateIdentifier"], "rds-ca-ecc384-g1")


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


class EcsDeployments(MockedAws):
    """Fix 12: deployments in progress, completed, failed and rolled back, on a clock the test moves."""

    def setUp(self):
        super().setUp()
        self.now = 1_800_000_000.0
        for patcher in (mock.patch.object(ecs_deployments, "clock", lambda: self.now),
                        mock.patch.dict(os.environ, {"MOTO_ECS_DEPLOYMENT_SECONDS": "2"})):
            patcher.start()
            self.addCleanup(patcher.stop)
        self.addCleanup(ecs_deployments.clear_failure_rules)
        self.ecs = client("ecs")

    def later(self, seconds=2):
        self.now += seconds

    def service(self):
        return self.ecs.describe_services(cluster="c", services=["s"])["services"][0]

    def deployed(self, **settings):
        """Service s on t:1, its first deployment completed."""
        self.ecs_service(**settings)
        self.later()
        self.assertEqual(self.service()["deployments"][0]["rolloutState"], "COMPLETED")

    def register(self, image):
        return self.ecs.register_task_definition(
            family="t", networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256", memory="512",
            containerDefinitions=[{"name": "app", "image": image, "essential": True}],
        )["taskDefinition"]["taskDefinitionArn"]

    def stopped_tasks(self):
        arns = self.ecs.list_tasks(cluster="c", serviceName="s", desiredStatus="STOPPED")["taskArns"]
        return self.ecs.describe_tasks(cluster="c", tasks=arns)["tasks"] if arns else []

    def test_create_service_is_in_progress_then_completed(self):
        created = self.ecs_service()
        [deployment] = created["deployments"]
        self.assertRegex(deployment["id"], r"^ecs-svc/\d+$")
        self.assertEqual((deployment["status"], deployment["rolloutState"]), ("PRIMARY", "IN_PROGRESS"))
        self.assertEqual((deployment["runningCount"], deployment["pendingCount"], deployment["failedTasks"]), (0, 1, 0))
        self.assertEqual(deployment["taskDefinition"], created["taskDefinition"])
        self.later(1)
        self.assertEqual(self.service()["deployments"][0]["rolloutState"], "IN_PROGRESS")
        self.later(1)
        service = self.service()
        [deployment] = service["deployments"]
        self.assertEqual(deployment["rolloutState"], "COMPLETED")
        self.assertEqual(deployment["rolloutStateReason"], f"ECS deployment {deployment['id']} completed.")
        self.assertEqual((deployment["runningCount"], deployment["pendingCount"]), (1, 0))
        self.assertEqual((service["runningCount"], service["pendingCount"], service["desiredCount"]), (1, 0, 1))
        self.assertEqual(service["events"][0]["message"], "(service s) has reached a steady state.")
        self.assertGreaterEqual(deployment["updatedAt"], deployment["createdAt"])

    def test_new_task_definition_adds_a_primary_deployment_and_the_old_one_stays_active_until_it_completes(self):
        self.deployed()
        first = self.service()["deployments"][0]
        second = self.register("nginx:2")
        updated = self.ecs.update_service(cluster="c", service="s", taskDefinition="t:2")["service"]
        self.assertEqual(updated["taskDefinition"], second)
        new, old = updated["deployments"]
        self.assertEqual((new["status"], new["rolloutState"], new["taskDefinition"]), ("PRIMARY", "IN_PROGRESS", second))
        self.assertEqual((old["id"], old["status"], old["runningCount"]), (first["id"], "ACTIVE", 1))
        self.assertEqual(self.service()["runningCount"], 1)
        self.later()
        service = self.service()
        [deployment] = service["deployments"]
        self.assertEqual((deployment["id"], deployment["rolloutState"]), (new["id"], "COMPLETED"))
        self.assertEqual(service["runningCount"], service["desiredCount"])
        messages = [e["message"] for e in service["events"]]
        self.assertEqual(messages[0], "(service s) has reached a steady state.")
        self.assertEqual(messages.count("(service s) has reached a steady state."), 2)

    def test_force_new_deployment_with_the_same_task_definition(self):
        self.deployed()
        before = self.service()["deployments"][0]
        updated = self.ecs.update_service(cluster="c", service="s", forceNewDeployment=True)["service"]
        self.assertEqual(len(updated["deployments"]), 2)
        self.assertNotEqual(updated["deployments"][0]["id"], before["id"])
        self.assertEqual(updated["deployments"][0]["taskDefinition"], before["taskDefinition"])

    def test_a_new_desired_count_only_changes_the_counts(self):
        self.deployed()
        before = self.service()["deployments"][0]
        updated = self.ecs.update_service(cluster="c", service="s", desiredCount=3)["service"]
        [deployment] = updated["deployments"]
        self.assertEqual((deployment["id"], deployment["desiredCount"], deployment["runningCount"]), (before["id"], 3, 3))
        self.assertEqual((updated["desiredCount"], updated["runningCount"]), (3, 3))

    def test_failing_image_with_circuit_breaker_and_rollback(self):
        breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True},
                   "maximumPercent": 200, "minimumHealthyPercent": 100}
        self.deployed(deploymentConfiguration=breaker)
        first = self.service()["taskDefinition"]
        reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s): nginx:broken: not found"
        ecs_deployments.add_failure_rule({"imageContains": ":broken", "reason": reason})
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("nginx:broken"))
        self.later()
        service = self.service()
        rollback, failed = service["deployments"][:2]
        self.assertEqual((failed["status"], failed["rolloutState"]), ("ACTIVE", "FAILED"))
        self.assertEqual(failed["rolloutStateReason"], "ECS deployment circuit breaker: tasks failed to start.")
        self.assertEqual(failed["failedTasks"], 3)
        self.assertEqual((rollback["status"], rollback["rolloutState"], rollback["taskDefinition"]),
                         ("PRIMARY", "IN_PROGRESS", first))
        self.assertEqual(service["taskDefinition"], first)
        messages = [e["message"] for e in service["events"]]
        self.assertIn(f"(service s) (deployment {failed['id']}) deployment failed: tasks failed to start.", messages)
        stopped = self.stopped_tasks()
        self.assertEqual(len(stopped), 3)
        self.assertEqual({t["stoppedReason"] for t in stopped}, {reason})
        self.assertEqual({t["lastStatus"] for t in stopped}, {"STOPPED"})
        self.assertEqual(self.ecs.list_tasks(cluster="c", serviceName="s")["taskArns"], [])  # none RUNNING
        self.later()
        service = self.service()
        [deployment] = service["deployments"]
        self.assertEqual((deployment["rolloutState"], deployment["taskDefinition"]), ("COMPLETED", first))
        self.assertEqual(service["taskDefinition"], first)
        self.assertEqual(service["runningCount"], 1)

    def test_failing_family_with_circuit_breaker_without_rollback_stays_failed(self):
        breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": False},
                   "maximumPercent": 200, "minimumHealthyPercent": 100}
        self.deployed(deploymentConfiguration=breaker)
        ecs_deployments.add_failure_rule({"family": "t", "reason": "Essential container in task exited"})
        second = self.register("nginx:2")
        self.ecs.update_service(cluster="c", service="s", taskDefinition=second)
        self.later(10)
        service = self.service()
        failed, old = service["deployments"]
        self.assertEqual((failed["status"], failed["rolloutState"], failed["taskDefinition"]),
                         ("PRIMARY", "FAILED", second))
        self.assertEqual((old["status"], old["runningCount"]), ("ACTIVE", 1))
        self.assertEqual(service["taskDefinition"], second)
        self.assertEqual(service["runningCount"], 1)
        self.assertGreater(failed["failedTasks"], 0)

    def test_failing_deployment_without_circuit_breaker_stays_in_progress(self):
        self.deployed()
        ecs_deployments.add_failure_rule({"imageContains": "broken", "reason": "CannotPullContainerError: not found"})
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("nginx:broken"))
        self.later(5)
        deployment = self.service()["deployments"][0]
        self.assertEqual(deployment["rolloutState"], "IN_PROGRESS")
        self.assertEqual(deployment["failedTasks"], 2)  # one task per 2 s attempt
        self.assertEqual(len(self.stopped_tasks()), 2)

    def alarmed_service(self, rollback):
        cloudwatch = client("cloudwatch")
        cloudwatch.put_metric_alarm(AlarmName="5xx", MetricName="m", Namespace="n", Statistic="Sum", Period=60,
                                    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        configuration = {"deploymentCircuitBreaker": {"enable": False, "rollback": False},
                         "maximumPercent": 200, "minimumHealthyPercent": 100,
                         "alarms": {"alarmNames": ["5xx"], "enable": True, "rollback": rollback}}
        self.deployed(deploymentConfiguration=configuration)
        return cloudwatch

    def test_alarms_round_trip(self):
        cloudwatch = self.alarmed_service(rollback=True)
        self.assertEqual(self.service()["deploymentConfiguration"]["alarms"],
                         {"alarmNames": ["5xx"], "enable": True, "rollback": True})
        self.assertEqual(cloudwatch.describe_alarms()["MetricAlarms"][0]["StateValue"], "OK")

    def test_an_alarm_during_the_deployment_fails_it_and_rolls_back(self):
        cloudwatch = self.alarmed_service(rollback=True)
        first = self.service()["taskDefinition"]
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("nginx:2"))
        self.later(1)
        cloudwatch.set_alarm_state(AlarmName="5xx", StateValue="ALARM", StateReason="errors")
        rollback, failed = self.service()["deployments"][:2]
        self.assertEqual(failed["rolloutState"], "FAILED")
        self.assertEqual(failed["rolloutStateReason"], "ECS deployment detected triggered alarm(s): 5xx.")
        self.assertEqual((rollback["status"], rollback["taskDefinition"]), ("PRIMARY", first))
        self.later()
        service = self.service()
        self.assertEqual([d["rolloutState"] for d in service["deployments"]], ["COMPLETED"])
        self.assertEqual(service["taskDefinition"], first)

    def test_an_alarm_without_rollback_leaves_the_deployment_failed(self):
        cloudwatch = self.alarmed_service(rollback=False)
        second = self.register("nginx:2")
        self.ecs.update_service(cluster="c", service="s", taskDefinition=second)
        cloudwatch.set_alarm_state(AlarmName="5xx", StateValue="ALARM", StateReason="errors")
        self.later()
        service = self.service()
        self.assertEqual([(d["status"], d["rolloutState"]) for d in service["deployments"]],
                         [("PRIMARY", "FAILED"), ("ACTIVE", "COMPLETED")])
        self.assertEqual(service["taskDefinition"], second)

    def test_an_alarm_already_in_alarm_when_the_deployment_starts_is_ignored(self):
        cloudwatch = self.alarmed_service(rollback=True)
        cloudwatch.set_alarm_state(AlarmName="5xx", StateValue="ALARM", StateReason="errors")
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("nginx:2"))
        self.later()
        self.assertEqual([d["rolloutState"] for d in self.service()["deployments"]], ["COMPLETED"])

    def test_an_alarm_in_alarm_when_the_service_is_created_is_ignored(self):
        cloudwatch = client("cloudwatch")
        cloudwatch.put_metric_alarm(AlarmName="5xx", MetricName="m", Namespace="n", Statistic="Sum", Period=60,
                                    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        cloudwatch.set_alarm_state(AlarmName="5xx", StateValue="ALARM", StateReason="errors")
        self.deployed(deploymentConfiguration={"alarms": {"alarmNames": ["5xx"], "enable": True, "rollback": True}})

    def test_an_alarm_after_the_deployment_completed_changes_nothing(self):
        cloudwatch = self.alarmed_service(rollback=True)
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("nginx:2"))
        self.later(3)
        cloudwatch.set_alarm_state(AlarmName="5xx", StateValue="ALARM", StateReason="errors")
        self.assertEqual([d["rolloutState"] for d in self.service()["deployments"]], ["COMPLETED"])

    def test_moto_ecs_service_running_still_sets_the_running_count(self):
        with mock.patch.dict(os.environ, {"MOTO_ECS_SERVICE_RUNNING": "2"}):
            self.ecs_service()
            self.assertEqual(self.service()["runningCount"], 2)
            self.later()
            service = self.service()
        self.assertEqual(service["runningCount"], 2)
        self.assertEqual(service["deployments"][0]["rolloutState"], "COMPLETED")


class EcsTaskDefinitionByFamily(MockedAws):
    def test_family_means_the_latest_active_revision(self):
        ecs = client("ecs")
        for image in ("nginx:1", "nginx:2"):
            ecs.register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": image, "memory": 64}])
        ecs.deregister_task_definition(taskDefinition="t:2")
        self.assertEqual(ecs.describe_task_definition(taskDefinition="t")["taskDefinition"]["revision"], 1)
        inactive = ecs.describe_task_definition(taskDefinition="t:2")["taskDefinition"]
        self.assertEqual((inactive["revision"], inactive["status"]), (2, "INACTIVE"))
        ecs.deregister_task_definition(taskDefinition="t:1")
        with self.assertRaises(ClientError):
            ecs.describe_task_definition(taskDefinition="t")


# ---------------------------------------------------------------------------------------------------------------
# A real server process, for what needs moto's HTTP layer (IAM enforcement with real credentials).


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """tools/moto/server.py on a free loopback port; stop() ends it by its pid."""

    def __init__(self, **env):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        server_env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "false", **env}
        for key in [k for k in server_env if k.startswith("AWS_ENDPOINT_URL")]:
            del server_env[key]
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(os.path.dirname(__file__), "server.py"), "-H", "127.0.0.1", "-p", str(self.port)],
            env=server_env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the moto server did not start")
                time.sleep(0.1)

    def post(self, path, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.endpoint}{path}", data=data, method="POST",
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()

    def client(self, service, credentials=None, account=None):
        keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        if credentials:
            keys = {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
                    "aws_session_token": credentials["SessionToken"]}
        made = boto3.client(service, region_name=REGION, endpoint_url=self.endpoint, **keys)
        if account:  # moto's own header: set-up calls made straight into another account
            made.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.add_header(
                "x-moto-account-id", account))
        return made

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


ACCOUNT = "123456789012"
ARN = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:{{}}"
TRUST_ANYONE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
TASK_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def allow(actions, resources, condition=None, effect="Allow"):
    statement = {"Effect": effect, "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


# The least-privilege policy of a release role: one service, one repository, one parameter path, one listener rule,
# one log group, one secret, one alarm, and the two roles of that service.
RELEASE_POLICY = [
    allow(["ecs:UpdateService", "ecs:DescribeServices"], ARN.format("ecs", "service/c/a")),
    allow("ecs:RegisterTaskDefinition", "*"),
    allow("iam:PassRole", [f"arn:aws:iam::{ACCOUNT}:role/a-task", f"arn:aws:iam::{ACCOUNT}:role/a-execution"],
          {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}),
    allow(["ecr:DescribeImages", "ecr:BatchGetImage"], ARN.format("ecr", "repository/web")),
    allow(["ssm:GetParameter", "ssm:PutParameter"], ARN.format("ssm", "parameter/a/*")),
    allow("elasticloadbalancing:ModifyRule", ARN.format("elasticloadbalancing", "listener-rule/app/lb/*")),
    allow("elasticloadbalancing:DescribeRules", "*"),
    allow("logs:FilterLogEvents", ARN.format("logs", "log-group:/ecs/a:*")),
    allow("secretsmanager:GetSecretValue", ARN.format("secretsmanager", "secret:a/db-*")),
    allow("cloudwatch:SetAlarmState", ARN.format("cloudwatch", "alarm:a-*")),
    allow("ecs:*", ARN.format("ecs", "service/c/denied")),
    allow("ecs:UpdateService", ARN.format("ecs", "service/c/denied"), effect="Deny"),
]


class IamResourceEnforcement(unittest.TestCase):
    """Fixes 10 and 11, through a server started with INITIAL_NO_AUTH_ACTION_COUNT and sts:AssumeRole credentials."""

    @classmethod
    def setUpClass(cls):
        # Everything before /moto-api/reset-auth is set-up, made without enforcement (as the first n requests are).
        cls.server = MotoServer(INITIAL_NO_AUTH_ACTION_COUNT="100000")
        try:
            cls.set_up_resources()
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    @classmethod
    def set_up_resources(cls):
        server = cls.server
        iam = server.client("iam")
        for role in ("a-task", "a-execution", "other"):
            iam.create_role(RoleName=role, AssumeRolePolicyDocument=TASK_TRUST)
        role = iam.create_role(RoleName="release", AssumeRolePolicyDocument=TRUST_ANYONE)["Role"]["Arn"]
        document = {"Version": "2012-10-17", "Statement": RELEASE_POLICY[:-2]}
        iam.put_role_policy(RoleName="release", PolicyName="release", PolicyDocument=json.dumps(document))
        # A second policy: an explicit Deny wins over an Allow of the same service.
        extra = {"Version": "2012-10-17", "Statement": RELEASE_POLICY[-2:]}
        arn = iam.create_policy(PolicyName="extra", PolicyDocument=json.dumps(extra))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="release", PolicyArn=arn)

        ecs = server.client("ecs")
        ecs.create_cluster(clusterName="c")
        ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}])
        for name in ("a", "b", "denied"):
            ecs.create_service(cluster="c", serviceName=name, taskDefinition="t", desiredCount=1)
        ecr = server.client("ecr")
        for name in ("web", "api"):
            ecr.create_repository(repositoryName=name)
        ssm = server.client("ssm")
        for name in ("/a/image-tag", "/b/image-tag"):
            ssm.put_parameter(Name=name, Value="1", Type="String")
        logs = server.client("logs")
        for name in ("/ecs/a", "/ecs/b"):
            logs.create_log_group(logGroupName=name)
        secrets = server.client("secretsmanager")
        for name in ("a/db", "b/db"):
            secrets.create_secret(Name=name, SecretString="s")
        cloudwatch = server.client("cloudwatch")
        for name in ("a-5xx", "b-5xx"):
            cloudwatch.put_metric_alarm(AlarmName=name, MetricName="m", Namespace="n", Statistic="Sum", Period=60,
                                        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        cls.rules = cls.set_up_listener_rules()
        credentials = server.client("sts").assume_role(RoleArn=role, RoleSessionName="release")["Credentials"]
        server.post("/moto-api/reset-auth", b"0", "text/plain")
        cls.credentials = credentials

    @classmethod
    def set_up_listener_rules(cls):
        ec2 = cls.server.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"{REGION}{z}")["Subnet"]["SubnetId"]
                   for i, z in ((1, "a"), (2, "b"))]
        elb = cls.server.client("elbv2")
        lb = elb.create_load_balancer(Name="lb", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        group = elb.create_target_group(Name="tg", Protocol="HTTP", Port=80, VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"]
        forward = [{"Type": "forward", "TargetGroupArn": group}]
        listener = elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=forward)
        listener_arn = listener["Listeners"][0]["ListenerArn"]
        rules = []
        for priority, host in ((1, "a.example.com"), (2, "b.example.com")):
            rule = elb.create_rule(ListenerArn=listener_arn, Priority=priority, Actions=forward,
                                   Conditions=[{"Field": "host-header", "Values": [host]}])
            rules.append(rule["Rules"][0]["RuleArn"])
        # A second load balancer, outside the policy's listener-rule/app/lb/* pattern.
        other = elb.create_load_balancer(Name="other", Subnets=subnets)["LoadBalancers"][0]["LoadBalancerArn"]
        other_listener = elb.create_listener(LoadBalancerArn=other, Protocol="HTTP", Port=80, DefaultActions=forward)
        rule = elb.create_rule(ListenerArn=other_listener["Listeners"][0]["ListenerArn"], Priority=1, Actions=forward,
                               Conditions=[{"Field": "host-header", "Values": ["c.example.com"]}])
        rules.append(rule["Rules"][0]["RuleArn"])
        return rules

    def client(self, service):
        return self.server.client(service, self.credentials)

    def assertDenied(self, call, resource, code="AccessDeniedException"):
        with self.assertRaises(ClientError) as caught:
            call()
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], code)
        self.assertIn(f"on resource: {resource}", error["Message"])
        return error["Message"]

    def test_update_service_on_the_one_allowed_service_only(self):
        ecs = self.client("ecs")
        updated = ecs.update_service(cluster="c", service="a", desiredCount=2)["service"]
        self.assertEqual(updated["desiredCount"], 2)
        self.assertDenied(lambda: ecs.update_service(cluster="c", service="b", desiredCount=2),
                          ARN.format("ecs", "service/c/b"))
        # The cluster given by ARN names the same service resource.
        ecs.update_service(cluster=ARN.format("ecs", "cluster/c"), service="a", desiredCount=1)

    def test_explicit_deny_wins_over_an_allow(self):
        message = self.assertDenied(lambda: self.client("ecs").update_service(cluster="c", service="denied", desiredCount=2),
                                    ARN.format("ecs", "service/c/denied"))
        self.assertIn("explicit deny", message)

    def test_ecr_repository(self):
        ecr = self.client("ecr")
        self.assertEqual(ecr.describe_images(repositoryName="web")["imageDetails"], [])
        self.assertDenied(lambda: ecr.describe_images(repositoryName="api"), ARN.format("ecr", "repository/api"))

    def test_ssm_parameter(self):
        ssm = self.client("ssm")
        self.assertEqual(ssm.get_parameter(Name="/a/image-tag")["Parameter"]["Value"], "1")
        ssm.put_parameter(Name="/a/image-tag", Value="2", Type="String", Overwrite=True)
        self.assertDenied(lambda: ssm.get_parameter(Name="/b/image-tag"), ARN.format("ssm", "parameter/b/image-tag"))

    def test_listener_rule(self):
        elb = self.client("elbv2")
        condition = [{"Field": "host-header", "Values": ["a2.example.com"]}]
        elb.modify_rule(RuleArn=self.rules[0], Conditions=condition)
        self.assertDenied(lambda: elb.modify_rule(RuleArn=self.rules[2], Conditions=condition), self.rules[2],
                          code="AccessDenied")

    def test_log_group(self):
        logs = self.client("logs")
        self.assertEqual(logs.filter_log_events(logGroupName="/ecs/a")["events"], [])
        self.assertDenied(lambda: logs.filter_log_events(logGroupName="/ecs/b"),
                          ARN.format("logs", "log-group:/ecs/b:log-stream:"))

    def test_secret(self):
        secrets = self.client("secretsmanager")
        self.assertEqual(secrets.get_secret_value(SecretId="a/db")["SecretString"], "s")
        message = self.assertDenied(lambda: secrets.get_secret_value(SecretId="b/db"), ARN.format("secretsmanager", "secret:b/db-"))
        self.assertIn("secretsmanager:GetSecretValue", message)

    def test_alarm_under_the_cloudwatch_prefix(self):
        cloudwatch = self.client("cloudwatch")
        cloudwatch.set_alarm_state(AlarmName="a-5xx", StateValue="OK", StateReason="test")
        self.assertDenied(lambda: cloudwatch.set_alarm_state(AlarmName="b-5xx", StateValue="OK", StateReason="test"),
                          ARN.format("cloudwatch", "alarm:b-5xx"), code="AccessDenied")

    def test_pass_role_for_the_service_roles_only(self):
        ecs = self.client("ecs")
        role = f"arn:aws:iam::{ACCOUNT}:role/{{}}"
        definition = {"family": "a", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 64}]}
        ecs.register_task_definition(**definition, taskRoleArn=role.format("a-task"),
                                     executionRoleArn=role.format("a-execution"))
        message = self.assertDenied(
            lambda: ecs.register_task_definition(**definition, taskRoleArn=role.format("other"),
                                                 executionRoleArn=role.format("a-execution")),
            role.format("other"))
        self.assertIn("iam:PassRole", message)

    def test_scoped_policy_is_denied_when_evaluated_against_star(self):
        # What moto 5.2 evaluated: the same policy against resource "*" (and ecs:cluster unknown) denies.
        scoped = policy(RELEASE_POLICY[0])
        self.assertEqual(scoped.is_action_permitted("ecs:UpdateService", "*"), PermissionResult.NEUTRAL)
        self.assertEqual(scoped.is_action_permitted("ecs:UpdateService", ARN.format("ecs", "service/c/a")),
                         PermissionResult.PERMITTED)


class FakeRequest:
    """The part of a moto response object the authorizer reads."""

    def __init__(self, service_name, params):
        self.service_name, self.current_account, self.region, self.partition = service_name, ACCOUNT, REGION, "aws"
        self.params = params

    def _get_param(self, name):
        return self.params.get(name)


class IamResourceArns(MockedAws):
    """Fix 10: the resources and condition keys AWS evaluates, per action (authorization.request_checks)."""

    def checks(self, service_name, action, **params):
        return authorization.request_checks(FakeRequest(service_name, params), action)

    def resources(self, service_name, action, **params):
        return [resource for _, resource, _ in self.checks(service_name, action, **params)]

    def test_ecs(self):
        client("ecs").register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": "x", "memory": 8}])
        cluster = ARN.format("ecs", "cluster/c")
        self.assertEqual(self.checks("ecs", "DescribeServices", cluster=cluster, services=["a", ARN.format("ecs", "service/c/b")]),
                         [("ecs:DescribeServices", ARN.format("ecs", "service/c/a"), {"ecs:cluster": cluster}),
                          ("ecs:DescribeServices", ARN.format("ecs", "service/c/b"), {"ecs:cluster": cluster})])
        self.assertEqual(self.resources("ecs", "DeleteService", service="a"), [ARN.format("ecs", "service/default/a")])
        [(_, resource, context)] = self.checks("ecs", "CreateService", cluster="c", serviceName="a", taskDefinition="t",
                                               enableExecuteCommand=True)
        self.assertEqual(resource, ARN.format("ecs", "service/c/a"))
        self.assertEqual(context, {"ecs:cluster": cluster, "ecs:task-definition": ARN.format("ecs", "task-definition/t:1"),
                                   "ecs:enable-execute-command": "true"})
        for action in ("RegisterTaskDefinition", "DescribeTaskDefinition", "DeregisterTaskDefinition", "ListTaskDefinitions"):
            self.assertEqual(self.resources("ecs", action, taskDefinition="t:1"), ["*"])
        self.assertEqual(self.checks("ecs", "RunTask", cluster="c", taskDefinition="t"),
                         [("ecs:RunTask", ARN.format("ecs", "task-definition/t:1"), {"ecs:cluster": cluster})])
        task = ARN.format("ecs", "task/c/0123")
        self.assertEqual(self.resources("ecs", "StopTask", cluster="c", task="0123"), [task])
        self.assertEqual(self.resources("ecs", "DescribeTasks", cluster="c", tasks=[task]), [task])
        self.assertEqual(self.checks("ecs", "ListTasks", cluster="c"), [("ecs:ListTasks", "*", {"ecs:cluster": cluster})])
        self.assertEqual(self.resources("ecs", "ListTasks", cluster="c", containerInstance="i-1"),
                         [ARN.format("ecs", "container-instance/c/i-1")])
        self.assertEqual(self.checks("ecs", "ListServices", cluster="c"), [("ecs:ListServices", "*", {"ecs:cluster": cluster})])
        context = {"ecs:cluster": cluster, "ecs:task": task, "ecs:container-name": "app"}
        self.assertEqual(self.checks("ecs", "ExecuteCommand", cluster="c", task="0123", container="app"),
                         [("ecs:ExecuteCommand", cluster, context), ("ecs:ExecuteCommand", task, context)])
        self.assertEqual(self.resources("ecs", "TagResource", resourceArn=task), [task])
        self.assertEqual(self.resources("ecs", "ListTagsForResource", resourceArn=task), [task])

    def test_pass_role(self):
        role = f"arn:aws:iam::{ACCOUNT}:role/r"
        checks = self.checks("ecs", "RunTask", cluster="c", taskDefinition="t:1",
                             overrides={"taskRoleArn": role, "executionRoleArn": role + "2"})
        self.assertEqual(checks[1:], [("iam:PassRole", role + "2", {"iam:PassedToService": "ecs-tasks.amazonaws.com"}),
                                      ("iam:PassRole", role, {"iam:PassedToService": "ecs-tasks.amazonaws.com"})])
        checks = self.checks("ecs", "UpdateService", service="a", role=role)
        self.assertEqual(checks[1:], [("iam:PassRole", role, {"iam:PassedToService": "ecs.amazonaws.com"})])

    def test_ecr(self):
        self.assertEqual(self.resources("ecr", "GetAuthorizationToken"), ["*"])
        for action in ("DescribeImages", "ListImages", "BatchGetImage", "PutImage", "InitiateLayerUpload", "UploadLayerPart",
                       "CompleteLayerUpload", "BatchCheckLayerAvailability", "GetDownloadUrlForLayer"):
            self.assertEqual(self.resources("ecr", action, repositoryName="web"), [ARN.format("ecr", "repository/web")])
        self.assertEqual(self.resources("ecr", "DescribeRepositories", repositoryNames=["web"], registryId="111111111111"),
                         [f"arn:aws:ecr:{REGION}:111111111111:repository/web"])

    def test_ssm(self):
        parameter = ARN.format("ssm", "parameter/app/dev/tag")
        self.assertEqual(self.resources("ssm", "GetParameter", Name="/app/dev/tag:3"), [parameter])
        self.assertEqual(self.resources("ssm", "GetParameter", Name=parameter + ":label"), [parameter])
        self.assertEqual(self.resources("ssm", "GetParameters", Names=["/app/dev/tag", "plain"]),
                         [parameter, ARN.format("ssm", "parameter/plain")])
        self.assertEqual(self.checks("ssm", "PutParameter", Name="/app/dev/tag", Overwrite=True),
                         [("ssm:PutParameter", parameter, {"ssm:Overwrite": "true"})])
        self.assertEqual(self.resources("ssm", "GetParametersByPath", Path="/app/dev"), [ARN.format("ssm", "parameter/app/dev")])
        for action in ("GetParameterHistory", "DeleteParameter", "LabelParameterVersion"):
            self.assertEqual(self.resources("ssm", action, Name="/app/dev/tag"), [parameter])

    def test_elbv2_autoscaling_logs_cloudwatch(self):
        rule = ARN.format("elasticloadbalancing", "listener-rule/app/lb/1/2/3")
        self.assertEqual(self.resources("elbv2", "ModifyRule", RuleArn=rule), [rule])
        self.assertEqual(self.resources("elbv2", "AddTags", ResourceArns=[rule]), [rule])
        self.assertEqual(self.resources("elbv2", "DescribeRules", ListenerArn=rule), ["*"])
        self.assertEqual(self.checks("elbv2", "ModifyListener", ListenerArn=rule)[0][0], "elasticloadbalancing:ModifyListener")
        self.ecs_service()
        target = client("application-autoscaling").register_scalable_target(
            ServiceNamespace="ecs", ResourceId="service/c/s", ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=1, MaxCapacity=2)["ScalableTargetARN"]
        for action in ("RegisterScalableTarget", "DeregisterScalableTarget"):
            self.assertEqual(self.resources("application-autoscaling", action, ServiceNamespace="ecs", ResourceId="service/c/s",
                                            ScalableDimension="ecs:service:DesiredCount"), [target])
        self.assertEqual(self.resources("application-autoscaling", "RegisterScalableTarget", ServiceNamespace="ecs",
                                        ResourceId="service/c/new", ScalableDimension="ecs:service:DesiredCount"), ["*"])
        self.assertEqual(self.resources("application-autoscaling", "DescribeScalableTargets"), ["*"])
        group = ARN.format("logs", "log-group:/ecs/web:log-stream:")
        self.assertEqual(self.resources("logs", "GetLogEvents", logGroupName="/ecs/web", logStreamName="app/1"), [group + "app/1"])
        self.assertEqual(self.resources("logs", "FilterLogEvents", logGroupName="/ecs/web"), [group])
        self.assertEqual(self.resources("logs", "DescribeLogStreams", logGroupIdentifier=ARN.format("logs", "log-group:/ecs/web:*")),
                         [group])
        self.assertEqual(self.resources("logs", "StartQuery", logGroupNames=["/ecs/web"]), [group])
        self.assertEqual(self.checks("cloudwatch", "SetAlarmState", AlarmName="a"),
                         [("cloudwatch:SetAlarmState", ARN.format("cloudwatch", "alarm:a"), {})])
        self.assertEqual(self.resources("cloudwatch", "DescribeAlarms", AlarmNames=["a"]), [ARN.format("cloudwatch", "alarm:a")])
        self.assertEqual(self.resources("cloudwatch", "DescribeAlarms"), ["*"])
        self.assertEqual(self.resources("cloudwatch", "GetMetricData"), ["*"])

    def test_secrets_manager_by_name_or_arn(self):
        arn = client("secretsmanager").create_secret(Name="app/db", SecretString="s")["ARN"]
        for action in ("GetSecretValue", "PutSecretValue", "DescribeSecret", "RotateSecret"):
            for secret_id in ("app/db", arn):
                self.assertEqual(self.checks("secretsmanager", action, SecretId=secret_id),
                                 [(f"secretsmanager:{action}", arn, {"secretsmanager:SecretId": arn})])

    def test_dynamodb_tables_indexes_and_leading_keys(self):
        client("dynamodb").create_table(
            TableName="locks", BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"},
                                  {"AttributeName": "owner", "AttributeType": "S"},
                                  {"AttributeName": "at", "AttributeType": "N"}],
            GlobalSecondaryIndexes=[{"IndexName": "by-owner", "Projection": {"ProjectionType": "ALL"},
                                     "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"},
                                                   {"AttributeName": "at", "KeyType": "RANGE"}]}])
        table = ARN.format("dynamodb", "table/locks")
        lock = {"LockID": {"S": "state/dev.tfstate"}}
        for action in ("GetItem", "DeleteItem", "UpdateItem"):
            self.assertEqual(self.checks("dynamodb", action, TableName="locks", Key=lock),
                             [(f"dynamodb:{action}", table, {"dynamodb:LeadingKeys": ["state/dev.tfstate"]})])
        self.assertEqual(self.checks("dynamodb", "PutItem", TableName=table, ReturnValues="ALL_OLD",
                                     Item={"LockID": {"S": "state/dev.tfstate-md5"}, "Digest": {"S": "0a"}}),
                         [("dynamodb:PutItem", table, {"dynamodb:LeadingKeys": ["state/dev.tfstate-md5"],
                                                       "dynamodb:ReturnValues": "ALL_OLD"})])
        self.assertEqual(self.checks("dynamodb", "DescribeTable", TableName="locks"), [("dynamodb:DescribeTable", table, {})])
        self.assertEqual(self.checks("dynamodb", "Query", TableName="locks", KeyConditionExpression="#k = :v",
                                     ExpressionAttributeNames={"#k": "LockID"}, ExpressionAttributeValues={":v": {"S": "a"}}),
                         [("dynamodb:Query", table, {"dynamodb:LeadingKeys": ["a"]})])
        self.assertEqual(self.checks("dynamodb", "Query", TableName="locks", IndexName="by-owner", Select="COUNT",
                                     KeyConditionExpression="owner = :o AND at > :t",
                                     ExpressionAttributeValues={":o": {"S": "ci"}, ":t": {"N": "5"}}),
                         [("dynamodb:Query", table + "/index/by-owner", {"dynamodb:LeadingKeys": ["ci"],
                                                                         "dynamodb:Select": "COUNT"})])
        self.assertEqual(self.checks("dynamodb", "Query", TableName="locks",
                                     KeyConditions={"LockID": {"AttributeValueList": [{"S": "b"}], "ComparisonOperator": "EQ"}}),
                         [("dynamodb:Query", table, {"dynamodb:LeadingKeys": ["b"]})])
        self.assertEqual(self.checks("dynamodb", "Scan", TableName="locks", IndexName="by-owner"),
                         [("dynamodb:Scan", table + "/index/by-owner", {})])
        other = ARN.format("dynamodb", "table/other")
        self.assertEqual(self.checks("dynamodb", "BatchGetItem", RequestItems={
            "locks": {"Keys": [lock, {"LockID": {"S": "x"}}]}, "other": {"Keys": [{"id": {"N": "7"}}]}}),
            [("dynamodb:BatchGetItem", table, {"dynamodb:LeadingKeys": ["state/dev.tfstate", "x"]}),
             ("dynamodb:BatchGetItem", other, {"dynamodb:LeadingKeys": ["7"]})])
        self.assertEqual(self.checks("dynamodb", "BatchWriteItem", RequestItems={"locks": [
            {"PutRequest": {"Item": {"LockID": {"S": "p"}, "Info": {"S": "i"}}}}, {"DeleteRequest": {"Key": lock}}]}),
            [("dynamodb:BatchWriteItem", table, {"dynamodb:LeadingKeys": ["p", "state/dev.tfstate"]})])
        enclosing = {"dynamodb:EnclosingOperation": "TransactWriteItems"}
        self.assertEqual(self.checks("dynamodb", "TransactWriteItems", TransactItems=[
            {"ConditionCheck": {"TableName": "locks", "Key": lock, "ConditionExpression": "attribute_exists(LockID)"}},
            {"Put": {"TableName": "other", "Item": {"id": {"S": "q"}}}}]),
            [("dynamodb:ConditionCheckItem", table, {"dynamodb:LeadingKeys": ["state/dev.tfstate"], **enclosing}),
             ("dynamodb:PutItem", other, {"dynamodb:LeadingKeys": ["q"], **enclosing})])
        self.assertEqual(self.resources("dynamodb", "ListTables"), ["*"])
        self.assertEqual(self.resources("dynamodb", "ListTagsOfResource", ResourceArn=table), [table])

    def test_iam_wildcards(self):
        self.assertTrue(authorization.iam_glob_matches("arn:aws:ecs:*:*:service/c/?", "arn:aws:ecs:r:1:service/c/a"))
        self.assertFalse(authorization.iam_glob_matches("arn:aws:ecs:*:*:service/c/?", "arn:aws:ecs:r:1:service/c/ab"))
        self.assertFalse(authorization.iam_glob_matches("service/c.a", "service/cxa"))
        self.assertTrue(authorization.check_element_matches({"Action": "ECS:updateservice"}, "Action", "ecs:UpdateService"))
        self.assertFalse(authorization.check_element_matches({"Resource": "Service/c/a"}, "Resource", "service/c/a"))
        statement = {"Effect": "Allow", "Action": "ecs:*", "NotResource": ARN.format("ecs", "service/c/prod")}
        self.assertEqual(policy(statement).is_action_permitted("ecs:UpdateService", ARN.format("ecs", "service/c/prod")),
                         PermissionResult.NEUTRAL)
        self.assertEqual(policy(statement).is_action_permitted("ecs:UpdateService", ARN.format("ecs", "service/c/dev")),
                         PermissionResult.PERMITTED)


class IamResourceEnforcementInAnotherAccount(unittest.TestCase):
    """Assumed-role credentials select the role's account (not the access key id), and ARNs carry that account."""

    def test_resources_of_the_assumed_roles_account(self):
        other = "210987654321"
        server = MotoServer(INITIAL_NO_AUTH_ACTION_COUNT="100000")
        self.addCleanup(server.stop)
        iam = server.client("iam", account=other)
        trust = TRUST_ANYONE.replace(ACCOUNT, other)
        role = iam.create_role(RoleName="release", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        document = {"Version": "2012-10-17", "Statement": [
            allow("ecs:UpdateService", f"arn:aws:ecs:{REGION}:{other}:service/c/a")]}
        iam.put_role_policy(RoleName="release", PolicyName="release", PolicyDocument=json.dumps(document))
        ecs = server.client("ecs", account=other)
        ecs.create_cluster(clusterName="c")
        ecs.register_task_definition(family="t", containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}])
        ecs.create_service(cluster="c", serviceName="a", taskDefinition="t", desiredCount=1)
        credentials = server.client("sts").assume_role(RoleArn=role, RoleSessionName="release")["Credentials"]
        server.post("/moto-api/reset-auth", b"0", "text/plain")
        updated = server.client("ecs", credentials).update_service(cluster="c", service="a", desiredCount=3)["service"]
        self.assertEqual(updated["serviceArn"], f"arn:aws:ecs:{REGION}:{other}:service/c/a")


class EcsDeploymentFailuresEndpoint(unittest.TestCase):
    """Fix 13 through the server: the control endpoint, and a failing deployment seen over HTTP."""

    def setUp(self):
        self.server = MotoServer(MOTO_ECS_DEPLOYMENT_SECONDS="0.5")
        self.addCleanup(self.server.stop)
        self.ecs = self.server.client("ecs")

    def failures(self, method="GET"):
        request = urllib.request.Request(f"{self.server.endpoint}{server.ECS_DEPLOYMENT_FAILURES_PATH}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["failures"]

    def wait_for(self, predicate, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            service = self.ecs.describe_services(cluster="c", services=["s"])["services"][0]
            if predicate(service):
                return service
            if time.monotonic() > deadline:
                self.fail(f"the service did not get there: {service['deployments']}")
            time.sleep(0.1)

    def register(self, image):
        return self.ecs.register_task_definition(
            family="web", containerDefinitions=[{"name": "app", "image": image, "memory": 64}]
        )["taskDefinition"]["taskDefinitionArn"]

    def test_declare_list_and_clear_failures(self):
        reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s): web:broken: not found"
        added = json.loads(self.server.post(server.ECS_DEPLOYMENT_FAILURES_PATH, {"imageContains": ":broken", "reason": reason}))
        self.assertEqual(added["added"], {"imageContains": ":broken", "reason": reason})
        self.assertEqual(self.failures(), [{"imageContains": ":broken", "reason": reason}])
        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.server.post(server.ECS_DEPLOYMENT_FAILURES_PATH, {"reason": "no family nor image"})
        self.assertEqual(caught.exception.code, 400)

        self.ecs.create_cluster(clusterName="c")
        good = self.register("web:1")
        breaker = {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}
        self.ecs.create_service(cluster="c", serviceName="s", taskDefinition=good, desiredCount=2,
                                deploymentConfiguration=breaker)
        self.wait_for(lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED")
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("web:broken"))
        service = self.wait_for(lambda s: len(s["deployments"]) == 1 and s["taskDefinition"] == good
                                and s["deployments"][0]["rolloutState"] == "COMPLETED")
        self.assertEqual(service["runningCount"], 2)
        self.assertTrue(any("deployment failed: tasks failed to start." in e["message"] for e in service["events"]))
        stopped = self.ecs.list_tasks(cluster="c", serviceName="s", desiredStatus="STOPPED")["taskArns"]
        tasks = self.ecs.describe_tasks(cluster="c", tasks=stopped)["tasks"]
        self.assertEqual(len(tasks), 3)
        self.assertEqual({t["stoppedReason"] for t in tasks}, {reason})

        self.assertEqual(self.failures("DELETE"), [])
        self.ecs.update_service(cluster="c", service="s", taskDefinition=self.register("web:broken"))
        self.wait_for(lambda s: s["deployments"][0]["rolloutState"] == "COMPLETED" and s["taskDefinition"] != good)


# ---------------------------------------------------------------------------------------------------------------
# Fixes 15-17 through a server with enforcement on.


def role_credentials(server, role_name, statements):
    """Creates a role with these policy statements and returns sts:AssumeRole credentials for it."""
    iam = server.client("iam")
    arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=TRUST_ANYONE)["Role"]["Arn"]
    document = {"Version": "2012-10-17", "Statement": statements}
    iam.put_role_policy(RoleName=role_name, PolicyName=role_name, PolicyDocument=json.dumps(document))
    return server.client("sts").assume_role(RoleArn=arn, RoleSessionName=role_name)["Credentials"]


class S3CanonicalUri(unittest.TestCase):
    """Fix 15: the path and query moto checks the signature over."""

    def test_decoded_characters_are_encoded_again(self):
        self.assertEqual(server.canonical_s3_uri("/state/env:/dev/terraform.tfstate", "list-type=2&prefix=env:/"),
                         "/state/env%3A/dev/terraform.tfstate?list-type=2&prefix=env%3A%2F")
        self.assertEqual(server.canonical_s3_uri("/state", "prefix=a b!'()*,;$@&x=%26%3D%2B%23"),
                         "/state?prefix=a%20b%21%27%28%29%2A%2C%3B%24%40&x=%26%3D%2B%23")

    def test_the_encoding_the_sdks_send_is_kept(self):
        for path, query, expected in (
                ("/state/env%3A/dev/a%2Fb%25", "prefix=env%3A%2F", "/state/env%3A/dev/a%2Fb%25?prefix=env%3A%2F"),
                ("/state/%C3%A9t%C3%A9~_-.", "delimiter=%2F&prefix=%C3%A9", "/state/%C3%A9t%C3%A9~_-.?delimiter=%2F&prefix=%C3%A9"),
                ("/state/k", "tagging", "/state/k?tagging="),
                ("/", "", "/")):
            self.assertEqual(server.canonical_s3_uri(path, query), expected)


class S3SignaturesUnderEnforcement(unittest.TestCase):
    """Fix 15: S3 requests with `:` and `/` in their query or key, signed by boto3, with enforcement on."""

    KEY = "env:/dev/terraform.tfstate"

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer(INITIAL_NO_AUTH_ACTION_COUNT="100000")
        try:
            s3 = cls.server.client("s3")
            for bucket in ("state", "other"):
                s3.create_bucket(Bucket=bucket)
                s3.put_object(Bucket=bucket, Key=cls.KEY, Body=b"{}")
            cls.credentials = role_credentials(cls.server, "state", [
                allow("s3:*", ["arn:aws:s3:::state", "arn:aws:s3:::state/*"])])
            cls.server.post("/moto-api/reset-auth", b"0", "text/plain")
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def s3(self, credentials=None):
        return self.server.client("s3", credentials or self.credentials)

    def test_list_with_a_prefix_holding_a_colon_and_a_slash(self):
        # What Terraform's S3 backend asks at every init: the workspaces under the default prefix "env:".
        listed = self.s3().list_objects_v2(Bucket="state", Prefix="env:/", MaxKeys=1000)
        self.assertEqual([o["Key"] for o in listed["Contents"]], [self.KEY])
        versions = self.s3().list_object_versions(Bucket="state", Prefix="env:/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in versions["CommonPrefixes"]], ["env:/dev/"])

    def test_objects_whose_key_holds_a_colon(self):
        s3 = self.s3()
        s3.put_object(Bucket="state", Key="env:/prod/terraform.tfstate", Body=b"{}")
        self.assertEqual(s3.get_object(Bucket="state", Key="env:/prod/terraform.tfstate")["Body"].read(), b"{}")
        s3.put_object_tagging(Bucket="state", Key=self.KEY, Tagging={"TagSet": [{"Key": "a:b", "Value": "c/d"}]})
        self.assertEqual(s3.get_object_tagging(Bucket="state", Key=self.KEY)["TagSet"], [{"Key": "a:b", "Value": "c/d"}])
        s3.delete_object(Bucket="state", Key="env:/prod/terraform.tfstate")
        odd = "env:/dev/a+b=c@d!$&'()*,;.json"
        s3.put_object(Bucket="state", Key=odd, Body=b"1")
        self.assertEqual(s3.head_object(Bucket="state", Key=odd)["ContentLength"], 1)
        s3.delete_object(Bucket="state", Key=odd)

    def test_other_reserved_characters_in_the_query(self):
        listed = self.s3().list_objects_v2(Bucket="state", Prefix="a b+c&d=e#f%g'()!*,;$@~")
        self.assertEqual(listed["KeyCount"], 0)

    def test_the_signature_and_the_policy_are_still_checked(self):
        forged = dict(self.credentials, SecretAccessKey="x" + self.credentials["SecretAccessKey"][1:])
        with self.assertRaises(ClientError) as caught:
            self.s3(forged).list_objects_v2(Bucket="state", Prefix="env:/")
        self.assertEqual(caught.exception.response["Error"]["Code"], "SignatureDoesNotMatch")
        with self.assertRaises(ClientError) as caught:
            self.s3().list_objects_v2(Bucket="other", Prefix="env:/")
        self.assertEqual(caught.exception.response["Error"]["Code"], "AccessDenied")


STATE_BUCKET = "state"
STATE_KEY = "workspaces/dev/terraform.tfstate"
TERRAFORM_STATE_KEY = "workspaces/dev/app.tfstate"
# An S3 backend as the stacks declare it (useStateBackend in src/stacks/shared.ts), for a loopback endpoint.
TERRAFORM_S3_BACKEND = """
terraform {{
  backend "s3" {{
    bucket                      = "{bucket}"
    key                         = "{key}"
    region                      = "{region}"
    encrypt                     = true
    dynamodb_table              = "locks"
    use_lockfile                = true
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
  }}
}}

output "x" {{
  value = "1"
}}
"""


def state_role_statements(bucket, key, read_only=False):
    """The project's state role policy (src/constructs/state-access-role.ts): one state object, its lockfile, and
    its own LockID values in the lock table; read only, the state object and its digest."""
    bucket_arn, state = f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/{key}"
    lock_keys = {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [f"{bucket}/{key}", f"{bucket}/{key}-md5"]}}
    list_own_prefix = allow("s3:ListBucket", bucket_arn, {"StringLike": {"s3:prefix": [key, f"{key}*"]}})
    if read_only:
        return [list_own_prefix, allow("s3:GetObject", state),
                allow(["dynamodb:DescribeTable", "dynamodb:GetItem"], ARN.format("dynamodb", "table/locks"), lock_keys)]
    return [
        list_own_prefix,
        allow(["s3:GetObject", "s3:PutObject"], [state, f"{state}.tflock"]),
        allow("s3:DeleteObject", f"{state}.tflock"),
        allow(["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
              ARN.format("dynamodb", "table/locks"), lock_keys),
    ]


class StateRoleUnderEnforcement(unittest.TestCase):
    """Fix 16 (and 15): the Terraform state lock, taken by the project's state role, with enforcement on."""

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer(INITIAL_NO_AUTH_ACTION_COUNT="100000")
        try:
            cls.server.client("s3").create_bucket(Bucket=STATE_BUCKET)
            dynamodb = cls.server.client("dynamodb")
            for name in ("locks", "other"):
                dynamodb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                      KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
                                      AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}])
            # The role may also use a second state, which the Terraform test has to itself.
            statements = [*state_role_statements(STATE_BUCKET, STATE_KEY),
                          *state_role_statements(STATE_BUCKET, TERRAFORM_STATE_KEY),
                          allow(["dynamodb:PutItem", "dynamodb:BatchWriteItem"], ARN.format("dynamodb", "table/other"))]
            cls.credentials = role_credentials(cls.server, "state-dev", statements)
            cls.plan_credentials = role_credentials(
                cls.server, "state-dev-plan", state_role_statements(STATE_BUCKET, TERRAFORM_STATE_KEY, read_only=True))
            cls.server.post("/moto-api/reset-auth", b"0", "text/plain")
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.dynamodb = self.server.client("dynamodb", self.credentials)

    def assertDenied(self, call, action):
        with self.assertRaises(ClientError) as caught:
            call()
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "AccessDeniedException")
        self.assertEqual(error["Message"], (
            "User: arn:aws:sts::123456789012:assumed-role/state-dev/state-dev is not authorized to perform: "
            f"dynamodb:{action} on resource: {ARN.format('dynamodb', 'table/locks')} because no identity-based "
            f"policy allows the dynamodb:{action} action"))

    def test_lock_and_digest_of_its_own_state(self):
        lock_id = f"{STATE_BUCKET}/{STATE_KEY}"
        self.assertEqual(self.dynamodb.describe_table(TableName="locks")["Table"]["TableName"], "locks")
        # As the S3 backend does: take the lock, read it back, write the state's digest, release the lock.
        self.dynamodb.put_item(TableName="locks", Item={"LockID": {"S": lock_id}, "Info": {"S": "{}"}},
                               ConditionExpression="attribute_not_exists(LockID)")
        self.assertEqual(self.dynamodb.get_item(TableName="locks", Key={"LockID": {"S": lock_id}}, ConsistentRead=True)
                         ["Item"]["Info"], {"S": "{}"})
        self.dynamodb.put_item(TableName="locks", Item={"LockID": {"S": lock_id + "-md5"}, "Digest": {"S": "0a"}})
        self.assertIn("Item", self.dynamodb.get_item(TableName="locks", Key={"LockID": {"S": lock_id + "-md5"}}))
        self.dynamodb.delete_item(TableName="locks", Key={"LockID": {"S": lock_id}})

    def test_the_lock_of_another_state_is_refused(self):
        other = {"LockID": {"S": f"{STATE_BUCKET}/workspaces/prod/terraform.tfstate"}}
        self.assertDenied(lambda: self.dynamodb.put_item(TableName="locks", Item=other), "PutItem")
        self.assertDenied(lambda: self.dynamodb.get_item(TableName="locks", Key=other), "GetItem")
        self.assertDenied(lambda: self.dynamodb.delete_item(TableName="locks", Key=other), "DeleteItem")

    def test_actions_and_tables_outside_the_grant_are_refused(self):
        self.assertDenied(lambda: self.dynamodb.scan(TableName="locks"), "Scan")
        own = {"LockID": {"S": f"{STATE_BUCKET}/{STATE_KEY}"}}
        self.assertDenied(lambda: self.dynamodb.update_item(TableName="locks", Key=own), "UpdateItem")
        self.dynamodb.put_item(TableName="other", Item={"LockID": {"S": "anything"}})
        # A batch is refused unless every table it names is allowed.
        writes = {"other": [{"PutRequest": {"Item": {"LockID": {"S": "a"}}}}],
                  "locks": [{"PutRequest": {"Item": own}}]}
        self.assertDenied(lambda: self.dynamodb.batch_write_item(RequestItems=writes), "BatchWriteItem")

    def terraform(self, directory, credentials, *arguments):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
        env.update(AWS_ENDPOINT_URL=self.server.endpoint, AWS_REGION=REGION, CHECKPOINT_DISABLE="1",
                   AWS_ACCESS_KEY_ID=credentials["AccessKeyId"], AWS_SECRET_ACCESS_KEY=credentials["SecretAccessKey"],
                   AWS_SESSION_TOKEN=credentials["SessionToken"])
        return subprocess.run(["terraform", *arguments, "-input=false", "-no-color"], cwd=directory, env=env,
                              capture_output=True, text=True, timeout=120)

    @unittest.skipUnless(shutil.which("terraform"), "terraform is not installed")
    def test_terraform_with_the_s3_backend_as_the_state_role_and_its_read_only_plan_role(self):
        key = TERRAFORM_STATE_KEY
        with tempfile.TemporaryDirectory() as directory:
            with open(os.path.join(directory, "main.tf"), "w") as config:
                config.write(TERRAFORM_S3_BACKEND.format(bucket=STATE_BUCKET, key=key, region=REGION))
            for arguments in (["init"], ["apply", "-auto-approve"]):
                run = self.terraform(directory, self.credentials, *arguments)
                self.assertEqual(run.returncode, 0, f"terraform {arguments[0]}: {run.stdout}{run.stderr}")
            digest = self.dynamodb.get_item(TableName="locks", Key={"LockID": {"S": f"{STATE_BUCKET}/{key}-md5"}})
            self.assertIn("Digest", digest["Item"])
            lock = self.dynamodb.get_item(TableName="locks", Key={"LockID": {"S": f"{STATE_BUCKET}/{key}"}})
            self.assertNotIn("Item", lock)  # released
            state = self.server.client("s3", self.credentials).get_object(Bucket=STATE_BUCKET, Key=key)["Body"].read()
            self.assertEqual(json.loads(state)["outputs"]["x"]["value"], "1")
            # The read-only plan role reads the state and its digest without a lock, and cannot take one.
            run = self.terraform(directory, self.plan_credentials, "plan", "-lock=false")
            self.assertEqual(run.returncode, 0, f"terraform plan -lock=false: {run.stdout}{run.stderr}")
            self.assertIn("No changes.", run.stdout)
            run = self.terraform(directory, self.plan_credentials, "plan")
            self.assertNotEqual(run.returncode, 0)
            self.assertIn("Error acquiring the state lock", run.stderr)

WEB_IDENTITY_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
    "Principal": {"Federated": "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"},
    "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                  "StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/app:environment:dev"}}}]})


class WebIdentityCredentials(unittest.TestCase):
    """Fix 17: CI's OIDC credentials (sts:AssumeRoleWithWebIdentity, unsigned) with enforcement on."""

    ACCOUNT = "210987654321"

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer(INITIAL_NO_AUTH_ACTION_COUNT="100000")
        try:
            iam = cls.server.client("iam", account=cls.ACCOUNT)
            parameter = f"arn:aws:ssm:{REGION}:{cls.ACCOUNT}:parameter/app/dev/image-tag"
            cls.role = iam.create_role(RoleName="ci", AssumeRolePolicyDocument=WEB_IDENTITY_TRUST)["Role"]
            iam.put_role_policy(RoleName="ci", PolicyName="ci", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [allow("ssm:GetParameter", parameter)]}))
            iam.create_role(RoleName="not-federated", AssumeRolePolicyDocument=TRUST_ANYONE)
            ssm = cls.server.client("ssm", account=cls.ACCOUNT)
            for name in ("/app/dev/image-tag", "/app/prod/image-tag"):
                ssm.put_parameter(Name=name, Value="1", Type="String")
            cls.server.post("/moto-api/reset-auth", b"0", "text/plain")
        except BaseException:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def assume(self, role_arn):
        # As in CI: no credentials, so the SDK sends the call unsigned (the token is the credential).
        sts = boto3.client("sts", region_name=REGION, endpoint_url=self.server.endpoint,
                           config=Config(signature_version=UNSIGNED))
        return sts.assume_role_with_web_identity(RoleArn=role_arn, RoleSessionName="github-actions",
                                                 WebIdentityToken="any.token.at-all")

    def test_credentials_of_the_roles_account_with_its_policies(self):
        response = self.assume(self.role["Arn"])
        arn = f"arn:aws:sts::{self.ACCOUNT}:assumed-role/ci/github-actions"
        self.assertEqual(response["AssumedRoleUser"], {"Arn": arn, "AssumedRoleId": f"{self.role['RoleId']}:github-actions"})
        credentials = response["Credentials"]
        identity = self.server.client("sts", credentials).get_caller_identity()
        self.assertEqual((identity["Account"], identity["Arn"]), (self.ACCOUNT, arn))
        ssm = self.server.client("ssm", credentials)
        self.assertEqual(ssm.get_parameter(Name="/app/dev/image-tag")["Parameter"]["Value"], "1")
        with self.assertRaises(ClientError) as caught:
            ssm.get_parameter(Name="/app/prod/image-tag")
        error = caught.exception.response["Error"]
        self.assertEqual(error["Code"], "AccessDeniedException")
        self.assertIn(f"{arn} is not authorized to perform: ssm:GetParameter on resource: "
                      f"arn:aws:ssm:{REGION}:{self.ACCOUNT}:parameter/app/prod/image-tag", error["Message"])

    def test_a_role_that_does_not_exist_or_trusts_no_web_identity_is_refused(self):
        for name in ("missing", "not-federated"):
            with self.assertRaises(ClientError) as caught:
                self.assume(f"arn:aws:iam::{self.ACCOUNT}:role/{name}")
            self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
            self.assertEqual(caught.exception.response["Error"], {
                "Type": "Sender", "Code": "AccessDenied", "Message": "Not authorized to perform sts:AssumeRoleWithWebIdentity"})


if __name__ == "__main__":
    unittest.main()


class StepFunctionsStartedByEventBridge(unittest.TestCase):
    """Fix 18: definitions validated, state machines run their aws-sdk tasks in their own account, rules start them."""

    ACCOUNT = "222222222222"

    @classmethod
    def setUpClass(cls):
        cls.server = MotoServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def client(self, service):
        return self.server.client(service, account=self.ACCOUNT)

    def test_validates_definitions(self):
        sfn = self.client("stepfunctions")
        ok = sfn.validate_state_machine_definition(definition=json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
        self.assertEqual(ok["result"], "OK")
        bad = sfn.validate_state_machine_definition(definition="{not json")
        self.assertEqual(bad["result"], "FAIL")
        self.assertEqual(bad["diagnostics"][0]["severity"], "ERROR")

    def test_a_matching_event_runs_the_state_machine_which_restarts_the_service_in_its_account(self):
        iam, ecs, sfn, events = (self.client(s) for s in ("iam", "ecs", "stepfunctions", "events"))
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        role = iam.create_role(RoleName="restart", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        cluster = ecs.create_cluster(clusterName="c")["cluster"]["clusterArn"]
        ecs.register_task_definition(family="t", containerDefinitions=[{"name": "a", "image": "x", "memory": 128}])
        service = ecs.create_service(cluster="c", serviceName="s", taskDefinition="t", desiredCount=1)["service"]
        before = {d["id"] for d in service["deployments"]}
        task = {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ecs:updateService", "End": True,
                "Parameters": {"Cluster": cluster, "Service": service["serviceArn"], "ForceNewDeployment": True}}
        definition = {"StartAt": "Restart", "States": {"Restart": {"Type": "Parallel", "End": True, "Branches": [
            {"StartAt": "s", "States": {"s": task}}]}}}
        machine = sfn.create_state_machine(name="m", definition=json.dumps(definition), roleArn=role)["stateMachineArn"]
        pattern = {"source": ["aws.secretsmanager"], "detail": {"eventName": ["RotationSucceeded"],
                                                               "additionalEventData": {"SecretId": ["arn:secret"]}}}
        events.put_rule(Name="rotated", EventPattern=json.dumps(pattern))
        events.put_targets(Rule="rotated", Targets=[{"Id": "restart", "Arn": machine, "RoleArn": role}])

        def put(secret):
            detail = {"eventName": "RotationSucceeded", "additionalEventData": {"SecretId": secret}}
            events.put_events(Entries=[{"Source": "aws.secretsmanager", "DetailType": "AWS Service Event via CloudTrail",
                                        "Detail": json.dumps(detail)}])

        put("arn:another-secret")
        put("arn:secret")
        deadline = time.monotonic() + 20
        while True:
            executions = sfn.list_executions(stateMachineArn=machine)["executions"]
            if executions and executions[0]["status"] != "RUNNING" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual([e["status"] for e in executions], ["SUCCEEDED"])
        started = json.loads(sfn.describe_execution(executionArn=executions[0]["executionArn"])["input"])
        self.assertEqual(started["detail"]["additionalEventData"]["SecretId"], "arn:secret")
        after = ecs.describe_services(cluster="c", services=["s"])["services"][0]["deployments"]
        self.assertEqual(len({d["id"] for d in after} - before), 1)

    def test_lists_the_versions_of_a_state_machine(self):
        iam, sfn = self.client("iam"), self.client("stepfunctions")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
        role = iam.create_role(RoleName="versions", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
        plain = sfn.create_state_machine(name="plain", definition=definition, roleArn=role)["stateMachineArn"]
        self.assertEqual(sfn.list_state_machine_versions(stateMachineArn=plain)["stateMachineVersions"], [])
        published = sfn.create_state_machine(name="published", definition=definition, roleArn=role, publish=True)
        versions = sfn.list_state_machine_versions(stateMachineArn=published["stateMachineArn"])["stateMachineVersions"]
        self.assertEqual([v["stateMachineVersionArn"] for v in versions], [f"{published['stateMachineArn']}:1"])
