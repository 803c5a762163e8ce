"""Start moto's server with this project's fixes for gaps in moto 5.x.

Usage: python3 tools/moto/server.py -H 127.0.0.1 -p PORT   (the same arguments as moto_server)

Each fix is a small patch applied before the server starts; tools/moto/test_server.py tests them.

1. Policy conditions (bucket policies). moto 5.2 evaluates only the StringEquals operator and ignores every other
   one as if it matched, and it turns a statement whose condition does not match into an explicit Deny. A bucket
   policy that denies `aws:SecureTransport = false` therefore refuses every request, although AWS only refuses
   plain-HTTP ones. The fix evaluates the common operators (String*, Numeric*, Bool, Arn*, Null, with IfExists and
   ForAllValues/ForAnyValue) against the request context, and gives a statement whose condition does not match
   no effect, as AWS does. The emulator stands in for AWS's TLS endpoints, so the context says the request came
   over TLS 1.3 (`aws:SecureTransport` = true, `s3:TlsVersion` = 1.3) even though the loopback socket is HTTP.

2. Application Auto Scaling tags. moto 5.2 implements neither ListTagsForResource, TagResource nor UntagResource
   for application-autoscaling and drops the Tags of RegisterScalableTarget; it answers HTTP 500, which the AWS
   provider retries for minutes, so `aws_appautoscaling_target` hangs on create and on every refresh. AWS keeps
   tags on the scalable target's ARN (the ScalableTargetARN that DescribeScalableTargets returns) and answers
   ResourceNotFoundException for an unknown ARN. The fix adds the three operations with a tag store per backend
   keyed by that ARN, records the Tags of RegisterScalableTarget and forgets them on DeregisterScalableTarget.

3. RDS DB parameter sources. moto 5.2 stores the parameters of ModifyDBParameterGroup as sent, without a Source,
   and DescribeDBParameters ignores its Source filter. AWS reports a parameter the user set with Source "user" and
   returns only the parameters of the requested Source. The AWS provider keeps only parameters whose Source is
   "user" (or that are in the configuration and have a Source), so every plan showed `aws_db_parameter_group`'s
   parameters as to be added again. The fix marks the parameters set through ModifyDBParameterGroup as Source
   "user" and honours the Source filter of DescribeDBParameters.

4. AWS managed IAM policies. moto 5.2 creates the AWS managed policies (arn:aws:iam::aws:policy/...) only when
   MOTO_IAM_LOAD_MANAGED_POLICIES=true, so AttachRolePolicy of e.g. service-role/AmazonRDSEnhancedMonitoringRole or
   service-role/AmazonEC2ContainerServiceforEC2Role fails with NoSuchEntity. In AWS every account has them. The fix
   turns that setting on unless the environment sets it explicitly (loading them costs about a second, once).

5. EC2 launch template tags. moto 5.2 copies the TagSpecifications of CreateLaunchTemplate (the tags of the
   launch template itself, ResourceType "launch-template") into the LaunchTemplateData of version 1. In AWS they
   tag only the template; the version's data holds just what LaunchTemplateData said. With provider default_tags
   every plan of `aws_launch_template` wanted to remove a `tag_specifications { resource_type = "launch-template" }`
   block. The fix leaves LaunchTemplateData as sent and applies those tags to the template only.

6. ECS service settings. moto 5.2's CreateService drops enableExecuteCommand, healthCheckGracePeriodSeconds,
   deploymentConfiguration (minimum/maximum percent, circuit breaker), availabilityZoneRebalancing,
   capacityProviderStrategy, placementConstraints/placementStrategy and enableECSManagedTags, so DescribeServices
   does not return them (UpdateService already keeps what it is sent). AWS returns them, with defaults (execute
   command off, 200/100 percent, circuit breaker off) when not set. Every plan of `aws_ecs_service` showed
   enable_execute_command, health_check_grace_period_seconds and availability_zone_rebalancing as changed. The fix
   stores these CreateService settings on the service (under the attribute names UpdateService uses).

7. RDS monitoring and Performance Insights. moto 5.2's CreateDBInstance ignores MonitoringInterval,
   MonitoringRoleArn, EnablePerformanceInsights, PerformanceInsightsKMSKeyId and PerformanceInsightsRetentionPeriod,
   and ModifyDBInstance stores EnablePerformanceInsights under a name DescribeDBInstances never returns. AWS returns
   them (PerformanceInsightsEnabled; retention 7 days when enabled without one; MonitoringInterval 0 by default), so
   every plan of `aws_db_instance` wanted to turn enhanced monitoring and Performance Insights on again. The fix
   records them on create and maps EnablePerformanceInsights to PerformanceInsightsEnabled on modify.

8. Security group rule descriptions. moto 5.2 reads a rule's description only from its CIDR range, so a rule that
   references another security group (the load balancer -> service -> database links) loses its description, and
   every plan wants to set it again. The fix reads it from the referenced group pair as well.

9. ECS RunTask for Fargate task definitions. moto 5.2's RunTask answers HTTP 500 when the containers carry no
   memory of their own (Fargate task definitions set memory at task level only) and when the task is placed by a
   capacity provider strategy instead of a launch type (what `npm run task` does with a service's strategy). AWS
   accepts both. The fix falls back to the task-level memory and treats a FARGATE / FARGATE_SPOT strategy as the
   FARGATE launch type.

10. IAM enforcement with resource ARNs. With INITIAL_NO_AUTH_ACTION_COUNT set, moto 5.2 evaluates identity policies,
   but authorizes every ECS, ECR, SSM, Elastic Load Balancing v2, Application Auto Scaling, CloudWatch Logs,
   CloudWatch and Secrets Manager action against resource "*" (only IAM, STS, SQS and S3 supply a resource ARN),
   evaluates CloudWatch actions under the prefix "monitoring" (its signing name) instead of "cloudwatch", ignores
   NotResource, reads `?` and `.` in policy patterns as regular expressions and matches action names
   case-sensitively. AWS authorizes a request once per resource the action names, in the Service Authorization
   Reference's terms, with the condition keys of that action. So a least-privilege policy scoped to one service,
   repository, parameter, rule, log group, secret or alarm ARN was denied everywhere, and a policy could not be
   proven least-privilege locally. The fix computes, per request, the resource ARNs AWS evaluates (in the account
   the credentials select: for sts:AssumeRole credentials, the role's account) and the condition keys
   (ecs:cluster, ecs:task-definition, ecs:capacity-provider, ecs:enable-execute-command, ecs:container-name,
   ecs:task, ecs:container-instance, ssm:Overwrite, ssm:Recursive, secretsmanager:SecretId/VersionId/VersionStage,
   aws:RequestedRegion, aws:PrincipalAccount, aws:PrincipalArn), and refuses the request unless every one is
   allowed and none is explicitly denied. The refusal is AWS's: AccessDeniedException (JSON services) or
   AccessDenied (ELBv2, CloudWatch), "User: <arn> is not authorized to perform: <action> on resource: <arn>
   because no identity-based policy allows the <action> action" (or "with an explicit deny ..."). The ARNs per
   action are listed in tools/moto/authorization.py. Actions without resource-level permissions in the reference
   (e.g. ecs:RegisterTaskDefinition, ecs:DescribeTaskDefinition, ecr:GetAuthorizationToken, the ELBv2 Describe*
   actions, cloudwatch:GetMetricData) and list calls that name no resource keep "*". Log-group actions are
   evaluated on "log-group:<name>:log-stream:" (an empty stream name), which is what AWS reports in its refusals
   and why a policy needs "log-group:<name>:*"; GetLogEvents on "log-group:<name>:log-stream:<stream>".
   Not emulated: aws:ResourceTag/aws:RequestTag conditions, resource-based policies, permission boundaries,
   session policies and SCPs.

11. iam:PassRole. moto 5.2 never checks it. AWS does when a request hands a role to a service:
   RegisterTaskDefinition with executionRoleArn / taskRoleArn and RunTask with role overrides (iam:PassedToService
   = ecs-tasks.amazonaws.com), CreateService/UpdateService with `role` or a managed EBS volume's infrastructure
   role (ecs.amazonaws.com). Without the fix a release role could register a task definition that runs with any
   role of the account. The fix evaluates iam:PassRole on each passed role ARN with that condition context and
   refuses with AccessDeniedException naming the role, as AWS does.

12. ECS deployments. moto 5.2 sets `deployments[0].rolloutState` once, at CreateService (from
   MOTO_ECS_SERVICE_RUNNING, 0 running tasks by default, so IN_PROGRESS for ever); UpdateService with a new task
   definition adds no deployment (forceNewDeployment only renames the one there is), keeps the task definition as
   given (a family instead of an ARN), and nothing ever fails. ListTasks ignores serviceName and, without
   desiredStatus, lists stopped tasks too. AWS starts a PRIMARY deployment (IN_PROGRESS, then COMPLETED, with
   "ECS deployment ecs-svc/... completed.") at CreateService and at every UpdateService with another task
   definition or forceNewDeployment, keeps the previous deployment ACTIVE until the new one completes, then
   reports runningCount == desiredCount and the event "(service X) has reached a steady state." (events newest
   first); a new desiredCount alone changes the counts only. A deployment whose tasks fail to start is FAILED with
   "ECS deployment circuit breaker: tasks failed to start." when the circuit breaker is on (failedTasks at its
   threshold, the stopped tasks and their stoppedReason visible through ListTasks(serviceName, STOPPED) and
   DescribeTasks), and rolled back with `rollback`: a new PRIMARY deployment of the last completed task definition,
   which becomes the service's again. Without the circuit breaker it stays IN_PROGRESS while failed tasks add up.
   With deploymentConfiguration.alarms enabled, an alarm that goes into ALARM (in CloudWatch, same account and
   region) while the deployment is in progress fails it ("ECS deployment detected triggered alarm(s): <name>."),
   rolled back when alarms.rollback is on; an alarm already in ALARM when the deployment starts is ignored, as by
   AWS. Without the fix a release tool polling DescribeServices never saw a deployment finish or fail, and
   Terraform's wait_for_steady_state waited for ever. The fix implements those transitions. Time: a deployment
   is due MOTO_ECS_DEPLOYMENT_SECONDS after it starts (default 2; 0 completes at the next read); the state is
   evaluated lazily whenever DescribeServices, ListServices, UpdateService, ListTasks or DescribeTasks read the
   service (no background threads), with the time stamps of when each step was due. MOTO_ECS_SERVICE_RUNNING, when
   set, still decides the running count reported (a deployment then completes only if it is >= desiredCount).
   ListTasks honours serviceName and lists RUNNING tasks unless desiredStatus says otherwise, as in AWS.

13. ECS deployments that fail on purpose (a test-only facility of this harness; AWS has nothing like it). The
   server answers at /moto-api/ecs/deployment-failures:
     POST {"family": "web", "reason": "..."}            deployments of task definitions of that family fail;
     POST {"imageContains": ":broken", "reason": "..."} deployments of task definitions with a container image
                                                       containing that text fail;
          optional "accountId" and "region" narrow a rule; answers 201 {"added": rule, "failures": [rules]},
          or 400 without exactly one of family/imageContains or without a reason;
     GET                                               answers {"failures": [rules]};
     DELETE                                            clears every rule (so does POST /moto-api/reset).
   A deployment whose task definition matches a rule when it is due fails as in 12, its tasks stopping with that
   reason (e.g. "CannotPullContainerError: ... not found"); a rule declared after a deployment completed does not
   touch it.

14. DescribeTaskDefinition by family. moto 5.2 returns the highest revision of a family even when it is INACTIVE
   (deregistered). AWS returns the latest ACTIVE revision (ClientException when there is none); a revision asked
   for as family:revision is returned whatever its status. A release tool that deregistered a bad revision read
   it back as current. The fix resolves a bare family to its latest ACTIVE revision (CreateService, UpdateService
   and RunTask given a family use the same resolution).

15. S3 signatures over keys and queries with `:` or `/`. With IAM enforcement on, moto 5.2 checks an S3 request's
   SigV4 signature over the URL werkzeug rebuilt for it, in which the query's %3A and %2F (and the %3A, %40, %2B and
   other reserved characters of a key) are decoded; the SDKs signed the encoded form, so the signatures differ and
   moto answers SignatureDoesNotMatch (403). AWS computes the canonical request over the URI-encoded path and query,
   which is what the client signed. Terraform's S3 backend lists `ListObjectsV2 prefix=env:/` (the default workspace
   key prefix) at every `terraform init`, so every init against an S3 backend failed once enforcement was on ("Failed
   to get existing workspaces: ... SignatureDoesNotMatch"), as did any request on an object key containing `:`. The
   fix checks the signature over the path as received (werkzeug's RAW_URI) and the query, each path segment, query
   name and value percent-encoded in SigV4's canonical form (only A-Z a-z 0-9 - _ . ~ left as they are), which is
   what botocore and the Go SDK sign; a wrong secret is still refused. Terraform ignores an AccessDenied on that
   listing when the prefix is the default one, as on AWS, so a state role limited to its own `s3:prefix` can run init
   (moto supplies no s3:prefix, so such a ListBucket statement never matches).

16. DynamoDB with resource ARNs and dynamodb:LeadingKeys. moto 5.2 authorizes every DynamoDB action against
   resource "*" and with no DynamoDB condition key. AWS authorizes the item actions (GetItem, PutItem, UpdateItem,
   DeleteItem), DescribeTable and the other table actions on `arn:aws:dynamodb:R:A:table/NAME`, Query and Scan on
   the table or on `table/NAME/index/INDEX` when they read an index, BatchGetItem and BatchWriteItem once per
   table they name, and the elements of TransactGetItems/TransactWriteItems as the item action each performs (a
   ConditionCheck as dynamodb:ConditionCheckItem, with dynamodb:EnclosingOperation); the condition key
   dynamodb:LeadingKeys holds the partition key values the request names. So a policy scoped to the lock table
   of Terraform's S3 backend (`dynamodb_table`) was denied everywhere, and a state role confined with
   `ForAllValues:StringEquals dynamodb:LeadingKeys` to its own LockID values (`<bucket>/<key>` and
   `<bucket>/<key>-md5`) could not be shown to lock its state and be refused another's. The fix adds DynamoDB to
   fix 10's rules (tools/moto/authorization.py): those ARNs, dynamodb:LeadingKeys from the Key or Item (the
   table's partition key, read from moto's table; the single attribute of a key when the table is unknown), from
   each key or item of a batch or transaction, and from a Query's KeyConditionExpression (parsed by moto, on the
   table's or index's key schema) or KeyConditions; dynamodb:ReturnValues, ReturnConsumedCapacity and Select when
   the request sets them. Actions that name no table (ListTables) keep "*". The refusal is AWS's
   AccessDeniedException (HTTP 400). Not emulated: dynamodb:Attributes.

17. STS AssumeRoleWithWebIdentity under IAM enforcement. AWS takes AssumeRoleWithWebIdentity (and
   AssumeRoleWithSAML) unsigned, the token being the credential; it refuses with AccessDenied "Not authorized to
   perform sts:AssumeRoleWithWebIdentity" (HTTP 403) unless the role exists and its trust policy allows the action
   to a federated principal, and it returns credentials of the role, in the role's account, subject to the role's
   policies, with AssumedRoleId "<role id>:<session name>". moto 5.2 already returns credentials in the role's
   account that carry the role's identity policies, but with enforcement on it tries to authenticate the unsigned
   request and answers HTTP 500 (no Authorization header), so a test could not take CI's OIDC credentials once
   enforcement was on; it also accepts a role that does not exist (the credentials are then refused everything)
   and reports a made-up AssumedRoleId. The fix lets the two unsigned operations through, refuses a role that
   does not exist or whose trust policy allows sts:AssumeRoleWithWebIdentity to no Federated principal, and
   reports the role's id. Any token is still accepted: there is no issuer to verify it against locally, so the
   trust policy's conditions on the token's claims (aud, sub) are not evaluated, the OIDC provider need not exist,
   and the answer carries no SubjectFromWebIdentityToken, Audience or Provider. Session policies are not applied.
18. Step Functions that run, started by EventBridge. moto 5.2 answers HTTP 500 to ValidateStateMachineDefinition,
   which the AWS provider calls when it plans an `aws_sfn_state_machine`, so the plan failed ("Plugin did not
   respond"), and to ListStateMachineVersions, which it calls after every create and read (it retried for
   minutes). Its state machines do not run unless its ASL interpreter is switched on; that interpreter sends the
   aws-sdk service integrations (`arn:aws:states:::aws-sdk:ecs:updateService`, ...) to port 5000 with credentials
   of the default account, not to this server in the state machine's own account; and EventBridge rules deliver
   only to logs, SQS and event buses, never to a state machine target. AWS validates the definition, runs the
   execution, makes each service call as the state machine's role in its account, and starts an execution with the
   event as its input when a rule with a state machine target matches. The fix answers
   ValidateStateMachineDefinition (OK for a JSON object with StartAt and States, FAIL with a diagnostic otherwise),
   lists a state machine's published versions (none unless published), switches the interpreter on, sends its aws-sdk calls to this server (MOTO_PORT, set from -p) with credentials
   of the execution's role (sts:AssumeRole of the role the execution runs as), and makes PutEvents start an
   execution of every state machine target of a matching rule, with the event (as EventBridge formats it) as the
   input. Not emulated: input transformers, dead-letter queues and retries of the delivery, and the target's
   RoleArn (the delivery is not authorized against it).

19. RDS default certificate authority. moto 5.2 gives a DB instance created without CACertificateIdentifier the
   certificate authority "rds-ca-default", a name AWS never used for it; AWS gives new instances rds-ca-rsa2048-g1
   (its default since 2024). The AWS provider does not send ca_cert_identifier with CreateDBInstance: it compares
   the created instance's authority with the configured one and, when they differ, calls ModifyDBInstance and
   waits for the instance a second time (80 s here, as long as the first). A database configured with AWS's default
   therefore took two waits on the emulator against one on AWS. The fix gives new instances AWS's default.
"""

import fnmatch
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # the helper modules beside this file

from moto.core.exceptions import _RESTError as RESTError  # the XML error of the query protocol
from moto.iam.access_control import IAMPolicyStatement, PermissionResult

# What AWS would see for a request made through the SDKs over HTTPS.
EMULATED_REQUEST_CONTEXT = {"aws:securetransport": ["true"], "s3:tlsversion": ["1.3"]}


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _compare(operator, actual, expected):
    """One actual value against one expected value for a base operator (no prefixes or IfExists)."""
    try:
        if operator in ("StringEquals", "ArnEquals"):
            return actual == expected
        if operator == "StringEqualsIgnoreCase":
            return actual.lower() == expected.lower()
        if operator in ("StringLike", "ArnLike"):
            return fnmatch.fnmatchcase(actual, expected)
        if operator == "Bool":
            return actual.lower() == str(expected).lower()
        if operator.startswith("Numeric"):
            a, e = float(actual), float(expected)
            return {
                "NumericEquals": a == e,
                "NumericLessThan": a < e,
                "NumericLessThanEquals": a <= e,
                "NumericGreaterThan": a > e,
                "NumericGreaterThanEquals": a >= e,
            }[operator]
    except (KeyError, ValueError):
        return False
    return False


def condition_matches(conditions, context):
    """True when every operator/key pair of an IAM Condition block matches the request context."""
    for raw_operator, pairs in conditions.items():
        for key, expected in pairs.items():
            expected_values = [str(v) for v in _as_list(expected)]
            actual_values = context.get(key.lower())
            operator = raw_operator
            if operator == "Null":
                if (actual_values is None) != (expected_values[0].lower() == "true"):
                    return False
                continue
            if_exists = operator.endswith("IfExists")
            operator = operator[: -len("IfExists")] if if_exists else operator
            quantifier = None
            if ":" in operator:
                quantifier, operator = operator.split(":", 1)
            negated = operator.startswith(("StringNot", "ArnNot")) or operator == "NumericNotEquals"
            base = operator.replace("Not", "", 1) if negated else operator
            if actual_values is None:
                if if_exists or quantifier == "ForAllValues":
                    continue
                return False

            def one(actual):
                hit = any(_compare(base, actual, e) for e in expected_values)
                return not hit if negated else hit

            if quantifier == "ForAllValues":
                ok = all(one(a) for a in actual_values)
            else:
                ok = any(one(a) for a in actual_values)
            if not ok:
                return False
    return True


def _check_conditions(self, incoming_condition_values):
    conditions = self._statement.get("Condition")
    if not conditions:
        return True
    context = dict(EMULATED_REQUEST_CONTEXT)
    for key, value in (incoming_condition_values or {}).items():
        context[key.lower()] = [str(v) for v in _as_list(value)]
    return condition_matches(conditions, context)


def _is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
    if "NotAction" in self._statement:
        concerned = not self._check_element_matches("NotAction", action)
    else:
        concerned = self._check_element_matches("Action", action)
    if not concerned or self.is_unknown_principal(self._statement.get("Principal")):
        return PermissionResult.NEUTRAL
    if principal and not self._check_principal(principal):
        return PermissionResult.NEUTRAL
    if not self._check_conditions(incoming_condition_values):
        return PermissionResult.NEUTRAL  # the statement does not apply to this request
    if self._statement.get("Resource") and not self._check_element_matches("Resource", resource):
        return PermissionResult.NEUTRAL
    if "NotResource" in self._statement and self._check_element_matches("NotResource", resource):
        return PermissionResult.NEUTRAL  # 10. moto ignores NotResource
    return PermissionResult.PERMITTED if self._statement.get("Effect") == "Allow" else PermissionResult.DENIED


# ---------------------------------------------------------------------------------------------------------------
# 2. Application Auto Scaling tags


def _appautoscaling_tags(backend):
    """The tag store of an application-autoscaling backend: {target ARN: {key: value}}."""
    if not hasattr(backend, "fix_target_tags"):
        backend.fix_target_tags = {}
    return backend.fix_target_tags


def _appautoscaling_target_arns(backend):
    return {t.arn for targets in backend.targets.values() for t in targets.values()}


def _appautoscaling_known_arn(backend, arn):
    from moto.applicationautoscaling.exceptions import AWSValidationException
    from moto.core.exceptions import JsonRESTError

    if not arn:
        raise AWSValidationException("ResourceARN must be provided")
    if arn not in _appautoscaling_target_arns(backend):
        raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for resource ARN {arn}")
    return arn


def _appautoscaling_list_tags_for_resource(self):
    backend = self.applicationautoscaling_backend
    arn = _appautoscaling_known_arn(backend, self._get_param("ResourceARN"))
    return json.dumps({"Tags": dict(_appautoscaling_tags(backend).get(arn, {}))})


def _appautoscaling_tag_resource(self):
    backend = self.applicationautoscaling_backend
    arn = _appautoscaling_known_arn(backend, self._get_param("ResourceARN"))
    _appautoscaling_tags(backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
    return json.dumps({})


def _appautoscaling_untag_resource(self):
    backend = self.applicationautoscaling_backend
    arn = _appautoscaling_known_arn(backend, self._get_param("ResourceARN"))
    tags = _appautoscaling_tags(backend).get(arn, {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


def _fix_appautoscaling_tags():
    from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    register = ApplicationAutoScalingResponse.register_scalable_target
    deregister = ApplicationAutoscalingBackend.deregister_scalable_target

    def register_scalable_target(self):
        body = register(self)
        tags = self._get_param("Tags")
        if tags:
            arn = json.loads(body)["ScalableTargetARN"]
            _appautoscaling_tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(tags)
        return body

    def deregister_scalable_target(self, namespace, r_id, dimension):
        target = self.targets.get(dimension, {}).get(r_id)
        deregister(self, namespace, r_id, dimension)
        if target is not None:
            _appautoscaling_tags(self).pop(target.arn, None)

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target
    ApplicationAutoScalingResponse.list_tags_for_resource = _appautoscaling_list_tags_for_resource
    ApplicationAutoScalingResponse.tag_resource = _appautoscaling_tag_resource
    ApplicationAutoScalingResponse.untag_resource = _appautoscaling_untag_resource
    ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target


# ---------------------------------------------------------------------------------------------------------------
# 3. RDS DB parameter sources


def _fix_rds_parameter_sources():
    from moto.core.responses import ActionResult
    from moto.rds.exceptions import DBParameterGroupNotFoundError
    from moto.rds.models import DBParameterGroup
    from moto.rds.responses import RDSResponse

    update = DBParameterGroup.update_parameters

    def update_parameters(self, new_parameters):
        update(self, [{**p, "Source": p.get("Source") or "user"} for p in new_parameters])

    def describe_db_parameters(self):
        name = self.params.get("DBParameterGroupName")
        source = self.params.get("Source")
        groups = self.backend.describe_db_parameter_groups({"db_parameter_group_name": name})
        if not groups:
            raise DBParameterGroupNotFoundError(name)
        parameters = [p for p in groups[0].parameters.values() if not source or p.get("Source") == source]
        return ActionResult({"Parameters": parameters})

    DBParameterGroup.update_parameters = update_parameters
    RDSResponse.describe_db_parameters = describe_db_parameters


# ---------------------------------------------------------------------------------------------------------------
# 5. EC2 launch template tags


def _fix_launch_template_tags():
    from moto.core.responses import ActionResult
    from moto.ec2.responses.launch_templates import LaunchTemplates
    from moto.ec2.utils import parse_user_data

    def create_launch_template(self):
        name = self._get_param("LaunchTemplateName")
        version_description = self._get_param("VersionDescription")
        tag_spec = self._parse_tag_specification()
        data = self._get_param("LaunchTemplateData", {})
        data["UserData"] = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
        self.error_on_dryrun()
        template = self.ec2_backend.create_launch_template(name, version_description, data, tag_spec)
        version = template.default_version()
        return ActionResult(
            {
                "LaunchTemplate": {
                    "CreateTime": version.create_time,
                    "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
                    "DefaultVersionNumber": template.default_version_number,
                    "LatestVersionNumber": version.number,
                    "LaunchTemplateId": template.id,
                    "LaunchTemplateName": template.name,
                    "Tags": template.tags,
                }
            }
        )

    LaunchTemplates.create_launch_template = create_launch_template


# ---------------------------------------------------------------------------------------------------------------
# 6. ECS service settings

# CreateService request member -> attribute of moto's Service (the name UpdateService stores it under), and the
# value AWS reports when the request leaves it out (None: not reported).
ECS_SERVICE_SETTINGS = {
    "enableExecuteCommand": ("enable_execute_command", False),
    "enableECSManagedTags": ("enable_ecs_managed_tags", False),
    "healthCheckGracePeriodSeconds": ("health_check_grace_period_seconds", None),
    "deploymentConfiguration": ("deployment_configuration", None),
    "availabilityZoneRebalancing": ("availability_zone_rebalancing", None),
    "capacityProviderStrategy": ("capacity_provider_strategy", None),
    "placementConstraints": ("placement_constraints", None),
    "placementStrategy": ("placement_strategy", None),
}
ECS_DEFAULT_DEPLOYMENT_CONFIGURATION = {
    "deploymentCircuitBreaker": {"enable": False, "rollback": False},
    "maximumPercent": 200,
    "minimumHealthyPercent": 100,
}


def _fix_ecs_service_settings():
    import copy

    from moto.ecs.responses import EC2ContainerServiceResponse

    create = EC2ContainerServiceResponse.create_service

    def create_service(self):
        result = create(self)
        service = result.result["service"]
        for member, (attribute, default) in ECS_SERVICE_SETTINGS.items():
            value = self._get_param(member)
            if value is None and member == "deploymentConfiguration" and service.scheduling_strategy == "REPLICA":
                value = copy.deepcopy(ECS_DEFAULT_DEPLOYMENT_CONFIGURATION)
            if value is None:
                value = default
            if value is not None:
                setattr(service, attribute, value)
        return result

    EC2ContainerServiceResponse.create_service = create_service


# ---------------------------------------------------------------------------------------------------------------
# 7. RDS monitoring and Performance Insights


def _fix_rds_monitoring_settings():
    from moto.rds.models import DBInstance

    init = DBInstance.__init__
    update = DBInstance.update

    def __init__(self, backend, *args, **kwargs):
        init(self, backend, *args, **kwargs)
        enabled = bool(kwargs.get("enable_performance_insights"))
        self.monitoring_interval = kwargs.get("monitoring_interval") or 0
        self.monitoring_role_arn = kwargs.get("monitoring_role_arn")
        self.performance_insights_enabled = enabled
        self.performance_insights_kms_key_id = kwargs.get("performance_insights_kms_key_id") if enabled else None
        retention = kwargs.get("performance_insights_retention_period")
        self.performance_insights_retention_period = (retention or 7) if enabled else None

    def update_instance(self, *args, **kwargs):
        enable = kwargs.pop("enable_performance_insights", None)
        update(self, *args, **kwargs)
        if enable is not None:
            self.performance_insights_enabled = bool(enable)
            if enable and not getattr(self, "performance_insights_retention_period", None):
                self.performance_insights_retention_period = 7

    DBInstance.__init__ = __init__
    DBInstance.update = update_instance


def _fix_security_group_rule_descriptions():
    from moto.ec2.models.security_groups import SecurityGroupRule

    SecurityGroupRule.description = property(
        lambda self: self.ip_range.get("Description") or (self.source_group or {}).get("Description")
    )


FARGATE_CAPACITY_PROVIDERS = {"FARGATE", "FARGATE_SPOT"}


def _fix_ecs_run_task():
    import copy

    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    original_requirements = EC2ContainerServiceBackend._calculate_task_resource_requirements

    def requirements(task_definition):
        view = copy.copy(task_definition)
        view.container_definitions = [
            d if any(k in d for k in ("memory", "Memory", "memoryReservation", "MemoryReservation")) else dict(d, memory=0)
            for d in task_definition.container_definitions
        ]
        result = original_requirements(view)
        if not result["MEMORY"] and task_definition.memory:
            result["MEMORY"] = int(task_definition.memory)
        return result

    EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(requirements)

    original_run_task = EC2ContainerServiceResponse.run_task

    def run_task(self):
        strategy = self._get_param("capacityProviderStrategy") or []
        providers = {item.get("capacityProvider") for item in strategy}
        if not self._get_param("launchType") and providers and providers <= FARGATE_CAPACITY_PROVIDERS:
            original_get_param = self._get_param

            def get_param(name, *args, **kwargs):
                return "FARGATE" if name == "launchType" else original_get_param(name, *args, **kwargs)

            self._get_param = get_param
            try:
                return original_run_task(self)
            finally:
                del self._get_param
        return original_run_task(self)

    EC2ContainerServiceResponse.run_task = run_task


# ---------------------------------------------------------------------------------------------------------------
# 10. IAM enforcement with resource ARNs; 11. iam:PassRole (the ARNs per action are in authorization.py)


class QueryAccessDenied(RESTError):
    """AWS's AccessDenied (HTTP 403) in the XML of the query protocol."""

    code = 403

    def __init__(self, message):
        super().__init__("AccessDenied", message)


def _access_denied_message(principal, action, resource, explicit):
    why = ("with an explicit deny in an identity-based policy" if explicit
           else f"because no identity-based policy allows the {action} action")
    return f"User: {principal} is not authorized to perform: {action} on resource: {resource} {why}"


def _fix_iam_resources():
    import functools

    from werkzeug.exceptions import HTTPException

    import authorization
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import JsonRESTError, ServiceException
    from moto.core.responses import ActionResult
    from moto.iam.access_control import IAMPolicy, IAMRequest

    class SerializedRefusal(HTTPException):
        code = 403

    class CloudWatchAccessDenied(ServiceException):
        """Defined outside moto's packages, so moto serializes it with the model of the service called."""

        code = "AccessDenied"

    def refusal(response, message):
        service = response.service_name
        if service in authorization.JSON_PROTOCOL_SERVICES:
            return JsonRESTError("AccessDeniedException", message)
        if service == "cloudwatch":  # the SDKs speak CBOR/JSON/query to it: let moto's serializer answer
            status, headers, body = response.serialized(ActionResult(CloudWatchAccessDenied(message)))
            response.response_headers.update({k: v for k, v in headers.items() if k != "status"})
            return SerializedRefusal(description=body)
        return QueryAccessDenied(message)

    class ResourceIAMRequest(IAMRequest):
        def __init__(self, response, **kwargs):
            self._response = response
            super().__init__(**kwargs)
            self._operation = self._action.split(":", 1)[1]
            self._action = f"{authorization.IAM_PREFIXES[response.service_name]}:{self._operation}"

        def _principal_arn(self):
            role = getattr(self._access_key, "_owner_role_name", None)
            if role:
                return f"arn:{self._access_key.partition}:iam::{self.account_id}:role/{role}"
            return self._access_key.arn

        def check_action_permitted(self, resource):
            policies = [IAMPolicy(p) for p in self._access_key.collect_policies()]
            base = authorization.global_context(self._region, self.account_id, self._principal_arn())
            for action, arn, context in authorization.request_checks(self._response, self._operation):
                results = [p.is_action_permitted(action, arn, incoming_condition_values={**base, **context})
                           for p in policies]
                explicit = PermissionResult.DENIED in results
                if explicit or PermissionResult.PERMITTED not in results:
                    message = _access_denied_message(self._access_key.arn, action, arn, explicit)
                    raise refusal(self._response, message)

    original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action

    def authenticate_and_authorize_normal_action(self, resource="*"):
        if getattr(self, "service_name", None) not in authorization.IAM_PREFIXES:
            return original(self, resource)
        return self._authenticate_and_authorize_action(functools.partial(ResourceIAMRequest, self), resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authenticate_and_authorize_normal_action
    IAMPolicyStatement._check_element_matches = lambda self, element, value: authorization.check_element_matches(
        self._statement, element, value
    )


def _fix_iam_pass_role():
    import authorization

    authorization.PASS_ROLE["enabled"] = True


# ---------------------------------------------------------------------------------------------------------------
# 12. ECS deployments that move through their states (the model is in ecs_deployments.py)


def _fix_ecs_deployments():
    import ecs_deployments as rollout
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    backend_class = EC2ContainerServiceBackend
    create_service = backend_class.create_service
    update_service = backend_class.update_service
    describe_services = backend_class.describe_services
    list_services = backend_class.list_services
    list_tasks = backend_class.list_tasks
    describe_tasks = backend_class.describe_tasks

    def advance_cluster(backend, cluster_str):
        name = backend._get_cluster(cluster_str).name if cluster_str else None
        for service in list(backend.services.values()):
            if name is None or service.cluster_name == name:
                rollout.advance(service, backend)

    def create(self, *args, **kwargs):
        service = create_service(self, *args, **kwargs)
        rollout.adopt_created_service(service, self)
        return service

    def update(self, properties):
        cluster_str = properties.get("cluster", "default")
        service = self._get_service(cluster_str, properties.get("service", "").split("/")[-1])
        rollout.advance(service, self)
        task_definition_str = properties.pop("task_definition", None)
        force = properties.pop("force_new_deployment", False)
        task_definition = self.describe_task_definition(task_definition_str).arn if task_definition_str else None
        desired = properties.get("desired_count")
        update_service(self, properties)
        if desired is not None:
            rollout.update_desired_count(service, self, desired)
        if rollout.state_of(service) is None:
            if task_definition:
                service.task_definition = task_definition
            return service
        primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
        current = primary["taskDefinition"] if primary else service.task_definition
        if force or (task_definition and task_definition != current):
            rollout.start_deployment(service, self, task_definition or current, rollout.clock())
        return service

    def describe(self, cluster_str, service_names_or_arns):
        services, failures = describe_services(self, cluster_str, service_names_or_arns)
        for service in services:
            rollout.advance(service, self)
        return services, failures

    def list_cluster_services(self, cluster_str, *args, **kwargs):
        advance_cluster(self, cluster_str)
        return list_services(self, cluster_str, *args, **kwargs)

    def tasks(self, cluster_str=None, container_instance=None, family=None, started_by=None, service_name=None,
              desiredStatus=None):
        advance_cluster(self, cluster_str)
        found = list_tasks(self, cluster_str, container_instance, family, started_by, None, desiredStatus or "RUNNING")
        if service_name:
            found = [t for t in found if t.group == f"service:{service_name.split('/')[-1]}"]
        return found

    def describe_cluster_tasks(self, cluster_str, task_ids):
        advance_cluster(self, cluster_str)
        return describe_tasks(self, cluster_str, task_ids)

    create_response = EC2ContainerServiceResponse.create_service  # with fix 6's settings

    def create_and_note_alarms(self):
        result = create_response(self)
        rollout.note_alarms_at_start(result.result["service"], self.ecs_backend)
        return result

    backend_class.create_service = create
    EC2ContainerServiceResponse.create_service = create_and_note_alarms
    backend_class.update_service = update
    backend_class.describe_services = describe
    backend_class.list_services = list_cluster_services
    backend_class.list_tasks = tasks
    backend_class.describe_tasks = describe_cluster_tasks
    rollout.record_alarm_state_changes()


# ---------------------------------------------------------------------------------------------------------------
# 13. Deployments that fail on purpose: the control endpoint


ECS_DEPLOYMENT_FAILURES_PATH = "/moto-api/ecs/deployment-failures"


def _fix_ecs_deployment_failures_endpoint():
    import ecs_deployments as rollout
    from moto.moto_api._internal import urls
    from moto.moto_api._internal.models import MotoAPIBackend

    urls.url_paths["{0}" + ECS_DEPLOYMENT_FAILURES_PATH] = rollout.control_endpoint
    reset = MotoAPIBackend.reset

    def reset_with_failure_rules(self):
        rollout.clear_failure_rules()
        reset(self)

    MotoAPIBackend.reset = reset_with_failure_rules


# ---------------------------------------------------------------------------------------------------------------
# 14. DescribeTaskDefinition by family


def _fix_ecs_task_definition_by_family():
    from moto.ecs.exceptions import TaskDefinitionNotFoundException
    from moto.ecs.models import EC2ContainerServiceBackend

    describe = EC2ContainerServiceBackend.describe_task_definition

    def describe_task_definition(self, task_definition_str):
        name = task_definition_str.split("/")[-1]
        if ":" in name:
            return describe(self, task_definition_str)
        revisions = self.task_definitions.get(name, {})
        active = [revision for revision, definition in revisions.items() if definition.status == "ACTIVE"]
        if not active:
            raise TaskDefinitionNotFoundException()
        return revisions[max(active)]

    EC2ContainerServiceBackend.describe_task_definition = describe_task_definition


# ---------------------------------------------------------------------------------------------------------------
# 15. S3 signatures over the request as it was signed


def canonical_s3_uri(raw_path, query):
    """The path and query of an S3 request in SigV4's canonical encoding: each path segment and each query name and
    value percent-encoded once, with only A-Z a-z 0-9 - _ . ~ left as they are (an encoded `/` inside a segment stays
    encoded). Idempotent, so a request sent already in that form (as the SDKs send it) keeps the form it was signed
    in, and one whose server-side URL lost the encoding of `:` or `/` gets it back."""
    from urllib.parse import quote, unquote

    path = "/".join(quote(unquote(segment), safe="~") for segment in raw_path.split("/"))
    pairs = []
    for pair in query.split("&") if query else []:
        name, _, value = pair.partition("=")
        pairs.append(f"{quote(unquote(name), safe='~')}={quote(unquote(value), safe='~')}")
    return path + ("?" + "&".join(pairs) if pairs else "")


def _fix_s3_signature_encoding():
    from urllib.parse import urlparse

    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.access_control import S3IAMRequest

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
        if iam_request_cls is not S3IAMRequest:
            return original(self, iam_request_cls, resource)
        # moto's raw_path is the path as received (werkzeug's RAW_URI); its uri's query is werkzeug's IRI of the
        # query, decoded except for %25 & = + #, which re-encodes to what the client sent.
        path = canonical_s3_uri(getattr(self, "raw_path", None) or urlparse(self.uri).path, urlparse(self.uri).query)

        def signed_request(**kwargs):
            return S3IAMRequest(**{**kwargs, "path": path})

        return original(self, signed_request, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize_action


# ---------------------------------------------------------------------------------------------------------------
# 17. STS AssumeRoleWithWebIdentity under IAM enforcement

# Operations AWS takes unsigned: the token or assertion in the request is the credential.
STS_UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}
WEB_IDENTITY_REFUSAL = "Not authorized to perform sts:AssumeRoleWithWebIdentity"


def web_identity_role(role_arn):
    """The IAM role that AssumeRoleWithWebIdentity may assume, or None: the role must exist in the account its ARN
    names, and its trust policy must allow sts:AssumeRoleWithWebIdentity to a Federated principal (the conditions on
    the token's claims are not evaluated: the token is not verified)."""
    import authorization
    from moto.iam.models import iam_backends

    match = re.match(r"arn:([^:]+):iam::(\d{12}):role/", role_arn or "")
    if not match:
        return None
    backend = iam_backends[match.group(2)][match.group(1)]
    role = next((r for r in backend.get_roles() if r.arn == role_arn), None)
    if role is None:
        return None
    document = role.assume_role_policy_document
    document = json.loads(document) if isinstance(document, str) else document
    for statement in _as_list(document.get("Statement", [])):
        principal = statement.get("Principal")
        if (statement.get("Effect") == "Allow" and isinstance(principal, dict) and "Federated" in principal
                and "Action" in statement
                and authorization.check_element_matches(statement, "Action", "sts:AssumeRoleWithWebIdentity")):
            return role
    return None


def _fix_sts_web_identity():
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.sts.responses import TokenResponse

    authorize = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    assume = TokenResponse.assume_role_with_web_identity

    def authenticate_and_authorize_normal_action(self, resource="*"):
        enforcing = ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
        if enforcing and getattr(self, "service_name", None) == "sts" and self._get_action() in STS_UNSIGNED_ACTIONS:
            return
        return authorize(self, resource)

    def assume_role_with_web_identity(self):
        if web_identity_role(self._get_param("RoleArn")) is None:
            raise QueryAccessDenied(WEB_IDENTITY_REFUSAL)
        result = assume(self)
        result.result["AssumedRoleUser"]["AssumedRoleId"] = result.result["Credentials"].user_id
        return result

    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authenticate_and_authorize_normal_action
    TokenResponse.assume_role_with_web_identity = assume_role_with_web_identity


# 18. Step Functions that run, started by EventBridge


def validate_definition(definition):
    """ValidateStateMachineDefinition's answer for a definition string: (result, diagnostics)."""
    try:
        parsed = json.loads(definition or "")
    except ValueError as err:
        return "FAIL", [{"severity": "ERROR", "code": "INVALID_JSON_DESCRIPTION", "message": str(err)}]
    if not isinstance(parsed, dict) or "StartAt" not in parsed or not isinstance(parsed.get("States"), dict):
        message = "A state machine definition needs StartAt and a States object"
        return "FAIL", [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": message}]
    return "OK", []


def sdk_parameters(shape, value):
    """Step Functions' PascalCase parameters (Cluster, ForceNewDeployment) as the API names them (cluster, ...)."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        names = {name.lower(): name for name in shape.members}
        named = {names.get(key.lower(), key): item for key, item in value.items()}
        return {key: sdk_parameters(shape.members.get(key), item) for key, item in named.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [sdk_parameters(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: sdk_parameters(shape.value, item) for key, item in value.items()}
    return value


def _fix_stepfunctions_execution():
    import threading
    import uuid

    import boto3
    from moto.core.config import default_user_config
    from moto.events.models import Rule
    from moto.stepfunctions import responses as sfn_responses
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk as aws_sdk,
    )
    from moto.utilities.arns import parse_arn

    default_user_config["stepfunctions"]["execute_state_machine"] = True

    def validate_state_machine_definition(self):
        result, diagnostics = validate_definition(self._get_param("definition"))
        return json.dumps({"result": result, "diagnostics": diagnostics, "truncated": False})

    sfn_responses.StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition

    def list_state_machine_versions(self):
        machine = self.stepfunction_backend.describe_state_machine(self._get_param("stateMachineArn"))
        versions = sorted(getattr(machine, "versions", {}).values(), key=lambda v: v.creation_date, reverse=True)
        listed = [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in versions]
        return json.dumps({"stateMachineVersions": listed}, default=str)

    sfn_responses.StepFunctionResponse.list_state_machine_versions = list_state_machine_versions

    current = threading.local()
    original_client_for = aws_sdk.boto_client_for

    def client_for(region, service, state_credentials=None):
        role_arn = getattr(current, "role_arn", None)
        if not role_arn:
            return original_client_for(region=region, service=service, state_credentials=state_credentials)
        endpoint = f"http://127.0.0.1:{os.environ.get('MOTO_PORT') or '5000'}"
        sts = boto3.client(
            "sts", region_name=region, endpoint_url=endpoint, aws_access_key_id="ak", aws_secret_access_key="sk"
        )
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="states")["Credentials"]
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    aws_sdk.boto_client_for = client_for
    eval_service_task = aws_sdk.StateTaskServiceAwsSdk._eval_service_task

    def _eval_service_task(self, env, resource_runtime_part, normalised_parameters, state_credentials):
        execution = env.states.context_object.context_object_data.get("Execution", {})
        current.role_arn = execution.get("RoleArn")
        service, action = self._get_boto_service_name(), self._get_boto_service_action()
        model = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x").meta
        operation = model.service_model.operation_model(model.method_to_api_mapping[action])
        parameters = sdk_parameters(operation.input_shape, normalised_parameters)
        try:
            eval_service_task(self, env, resource_runtime_part, parameters, state_credentials)
        finally:
            current.role_arn = None
        # The SDK's answer holds datetimes; an execution's output is JSON (AWS writes timestamps as text).
        if env.stack:
            env.stack[-1] = json.loads(json.dumps(env.stack[-1], default=lambda o: o.isoformat()))

    aws_sdk.StateTaskServiceAwsSdk._eval_service_task = _eval_service_task

    send_to_targets = Rule.send_to_targets

    def is_state_machine(target):
        arn = parse_arn(target["Arn"])
        return arn.service == "states" and arn.resource_type == "stateMachine"

    def send_to_targets_and_state_machines(self, original_event, transform_input=True):
        # moto refuses a target type it does not know: hand it the other targets only.
        targets = self.targets
        self.targets = [t for t in targets if not is_state_machine(t)]
        try:
            send_to_targets(self, original_event, transform_input)
        finally:
            self.targets = targets
        if not self.event_pattern.matches_event(original_event):
            return
        for target in filter(is_state_machine, targets):
            arn = parse_arn(target["Arn"])
            backend = sfn_responses.get_backend(arn.account, arn.region)
            name = f"{self.name}-{original_event.get('id') or uuid.uuid4()}"[:80]
            backend.start_execution(target["Arn"], name, json.dumps(original_event, default=str))

    Rule.send_to_targets = send_to_targets_and_state_machines


# ---------------------------------------------------------------------------------------------------------------
# 19. RDS default certificate authority

AWS_DEFAULT_RDS_CA = "rds-ca-rsa2048-g1"


def _fix_rds_default_certificate_authority():
    from moto.rds.models import DBInstance

    init = DBInstance.__init__

    def __init__(self, backend, *args, **kwargs):
        if not kwargs.get("ca_certificate_identifier"):
            kwargs["ca_certificate_identifier"] = AWS_DEFAULT_RDS_CA
        init(self, backend, *args, **kwargs)

    DBInstance.__init__ = __init__


def apply_fixes():
    IAMPolicyStatement._check_conditions = _check_conditions
    IAMPolicyStatement.is_action_permitted = _is_action_permitted
    _fix_appautoscaling_tags()
    _fix_rds_parameter_sources()
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # 4. AWS managed IAM policies
    _fix_launch_template_tags()
    _fix_ecs_service_settings()
    _fix_rds_monitoring_settings()
    _fix_security_group_rule_descriptions()
    _fix_ecs_run_task()
    _fix_iam_resources()
    _fix_iam_pass_role()
    _fix_ecs_deployments()
    _fix_ecs_deployment_failures_endpoint()
    _fix_ecs_task_definition_by_family()
    _fix_s3_signature_encoding()
    _fix_sts_web_identity()
    _fix_stepfunctions_execution()
    _fix_rds_default_certificate_authority()


if __name__ == "__main__":
    # The Step Functions interpreter (fix 18) calls back into this server: tell it the port it listens on.
    for flag in ("-p", "--port"):
        if flag in sys.argv[1:-1]:
            os.environ["MOTO_PORT"] = sys.argv[sys.argv.index(flag) + 1]
    apply_fixes()
    from moto.server import main

    main(sys.argv[1:])
