"""Resource ARNs and condition keys for moto's IAM enforcement (fixes 10, 11 and 16 of server.py).

AWS authorizes a request once for each resource the action names (the Service Authorization Reference lists the
resource types per action); moto 5.2 authorizes ECS, ECR, SSM, ELBv2, Application Auto Scaling, CloudWatch Logs,
CloudWatch, Secrets Manager and DynamoDB against resource "*" only. `request_checks(response)` computes what AWS
evaluates for one request: a list of (IAM action, resource ARN, condition context) that must all be allowed,
including the iam:PassRole checks AWS adds when a request hands a role to a service.
"""

import re

# moto's service name -> IAM service prefix. CloudWatch signs its requests as "monitoring", which moto took for the
# IAM prefix; its actions are cloudwatch:*.
IAM_PREFIXES = {
    "ecs": "ecs",
    "ecr": "ecr",
    "ssm": "ssm",
    "elbv2": "elasticloadbalancing",
    "application-autoscaling": "application-autoscaling",
    "logs": "logs",
    "cloudwatch": "cloudwatch",
    "secretsmanager": "secretsmanager",
    "dynamodb": "dynamodb",
}
# Services whose SDK protocol is JSON (AccessDeniedException) rather than query/XML (AccessDenied).
JSON_PROTOCOL_SERVICES = {"ecs", "ecr", "ssm", "application-autoscaling", "logs", "secretsmanager", "dynamodb"}

ECS_TASKS_SERVICE = "ecs-tasks.amazonaws.com"
ECS_SERVICE = "ecs.amazonaws.com"


# ---------------------------------------------------------------------------------------------------------------
# IAM matching semantics


def iam_glob_matches(pattern, value, ignore_case=False):
    """IAM wildcard matching: `*` any run of characters, `?` exactly one; everything else literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def check_element_matches(statement, element, value):
    """Action/NotAction match case-insensitively (as in AWS); Resource/NotResource are case-sensitive."""
    patterns = statement[element]
    patterns = patterns if isinstance(patterns, list) else [patterns]
    ignore_case = element in ("Action", "NotAction")
    return any(iam_glob_matches(p, value, ignore_case) for p in patterns)


# ---------------------------------------------------------------------------------------------------------------
# Helpers shared by the rules


class Request:
    """What a rule needs from moto's response object: parameters, account, region, partition."""

    def __init__(self, response, action=None):
        self.response = response
        self.action = action
        self.account = response.current_account
        self.region = response.region
        self.partition = getattr(response, "partition", "aws")

    def param(self, name, default=None):
        try:
            value = self.response._get_param(name)
        except Exception:  # a malformed body is the handler's to report, not the authorizer's
            value = None
        return default if value is None else value

    def list_param(self, name):
        value = self.param(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def arn(self, service, resource, account=None, region=None):
        region = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region}:{account or self.account}:{resource}"


def _name_of(name_or_arn):
    return name_or_arn.split("/")[-1]


# ---------------------------------------------------------------------------------------------------------------
# ECS


def _ecs_cluster_name(request):
    return _name_of(request.param("cluster") or "default")


def _ecs_cluster_arn(request):
    return request.arn("ecs", f"cluster/{_ecs_cluster_name(request)}")


def _ecs_backend(request):
    from moto.ecs.models import ecs_backends

    return ecs_backends[request.account][request.region]


def _ecs_task_definition_arn(request, value):
    """The ARN of a task definition given as family, family:revision or ARN (the latest ACTIVE for a family)."""
    if not value:
        return None
    if value.startswith("arn:"):
        return value
    try:
        return _ecs_backend(request).describe_task_definition(value).arn
    except Exception:
        return request.arn("ecs", f"task-definition/{value}")


def _ecs_task_arn(request, task):
    return task if task.startswith("arn:") else request.arn("ecs", f"task/{_ecs_cluster_name(request)}/{task}")


def _ecs_service_arn(request, service):
    return request.arn("ecs", f"service/{_ecs_cluster_name(request)}/{_name_of(service)}")


def _ecs_capacity_provider_arns(request):
    return [request.arn("ecs", f"capacity-provider/{item.get('capacityProvider')}")
            for item in request.list_param("capacityProviderStrategy") if item.get("capacityProvider")]


def _ecs_service_context(request):
    context = {"ecs:cluster": _ecs_cluster_arn(request)}
    task_definition = _ecs_task_definition_arn(request, request.param("taskDefinition"))
    if task_definition:
        context["ecs:task-definition"] = task_definition
    if request.param("enableExecuteCommand") is not None:
        context["ecs:enable-execute-command"] = str(bool(request.param("enableExecuteCommand"))).lower()
    providers = _ecs_capacity_provider_arns(request)
    if providers:
        context["ecs:capacity-provider"] = providers
    return context


# Fix 11 turns on the iam:PassRole checks (AWS makes them when a request hands a role to a service).
PASS_ROLE = {"enabled": False}


def _pass_role(role_arn, service):
    return ("iam:PassRole", role_arn, {"iam:PassedToService": service})


def _ecs_service_checks(request, service_name):
    checks = [(None, _ecs_service_arn(request, service_name), _ecs_service_context(request))]
    if request.param("role"):
        checks.append(_pass_role(request.param("role"), ECS_SERVICE))
    for volume in request.list_param("volumeConfigurations"):
        role = (volume.get("managedEBSVolume") or {}).get("roleArn")
        if role:
            checks.append(_pass_role(role, ECS_SERVICE))
    return checks


def _ecs_create_service(request):
    return _ecs_service_checks(request, request.param("serviceName", ""))


def _ecs_update_or_delete_service(request):
    return _ecs_service_checks(request, request.param("service", ""))


def _ecs_describe_services(request):
    context = {"ecs:cluster": _ecs_cluster_arn(request)}
    return [(None, _ecs_service_arn(request, s), context) for s in request.list_param("services")] or [
        (None, "*", context)
    ]


def _ecs_register_task_definition(request):
    checks = [(None, "*", {})]
    for member in ("executionRoleArn", "taskRoleArn"):
        if request.param(member):
            checks.append(_pass_role(request.param(member), ECS_TASKS_SERVICE))
    return checks


def _ecs_run_task(request):
    context = {"ecs:cluster": _ecs_cluster_arn(request)}
    providers = _ecs_capacity_provider_arns(request)
    if providers:
        context["ecs:capacity-provider"] = providers
    if request.param("enableExecuteCommand") is not None:
        context["ecs:enable-execute-command"] = str(bool(request.param("enableExecuteCommand"))).lower()
    task_definition = _ecs_task_definition_arn(request, request.param("taskDefinition")) or "*"
    checks = [(None, task_definition, context)]
    overrides = request.param("overrides") or {}
    for member in ("executionRoleArn", "taskRoleArn"):
        if overrides.get(member):
            checks.append(_pass_role(overrides[member], ECS_TASKS_SERVICE))
    return checks


def _ecs_task_checks(request):
    context = {"ecs:cluster": _ecs_cluster_arn(request)}
    tasks = request.list_param("tasks") or request.list_param("task")
    return [(None, _ecs_task_arn(request, t), context) for t in tasks] or [(None, "*", context)]


def _ecs_list_tasks(request):
    context = {"ecs:cluster": _ecs_cluster_arn(request)}
    instance = request.param("containerInstance")
    if instance:
        arn = instance if instance.startswith("arn:") else request.arn(
            "ecs", f"container-instance/{_ecs_cluster_name(request)}/{instance}")
        context["ecs:container-instance"] = arn
        return [(None, arn, context)]
    return [(None, "*", context)]


def _ecs_execute_command(request):
    task = _ecs_task_arn(request, request.param("task", ""))
    context = {"ecs:cluster": _ecs_cluster_arn(request), "ecs:task": task}
    if request.param("container"):
        context["ecs:container-name"] = request.param("container")
    return [(None, _ecs_cluster_arn(request), context), (None, task, context)]


def _ecs_cluster_scoped_star(request):
    return [(None, "*", {"ecs:cluster": _ecs_cluster_arn(request)})]


def _resource_arn_param(name):
    def rule(request):
        return [(None, arn, {}) for arn in request.list_param(name)] or [(None, "*", {})]

    return rule


# ---------------------------------------------------------------------------------------------------------------
# ECR


def _ecr_repositories(request):
    account = request.param("registryId") or request.account
    names = request.list_param("repositoryNames") or request.list_param("repositoryName")
    return [(None, request.arn("ecr", f"repository/{name}", account=account), {}) for name in names] or [
        (None, "*", {})
    ]


# ---------------------------------------------------------------------------------------------------------------
# SSM


def _ssm_parameter_arn(request, name):
    if name.startswith("arn:"):
        return re.sub(r"(:parameter/[^:]*):.*$", r"\1", name)
    # GetParameter accepts name:version and name:label selectors.
    return request.arn("ssm", f"parameter/{name.split(':')[0].lstrip('/')}")


def _ssm_parameters(request):
    context = {}
    if request.param("Overwrite") is not None:
        context["ssm:Overwrite"] = str(bool(request.param("Overwrite"))).lower()
    if request.param("Recursive") is not None:
        context["ssm:Recursive"] = str(bool(request.param("Recursive"))).lower()
    names = request.list_param("Names") or request.list_param("Name") or request.list_param("Path")
    return [(None, _ssm_parameter_arn(request, n), context) for n in names] or [(None, "*", context)]


# ---------------------------------------------------------------------------------------------------------------
# Application Auto Scaling


def _appautoscaling_target(request):
    from moto.applicationautoscaling.models import applicationautoscaling_backends

    backend = applicationautoscaling_backends[request.account][request.region]
    dimension = request.param("ScalableDimension")
    target = backend.targets.get(dimension, {}).get(request.param("ResourceId"))
    return [(None, target.arn if target is not None else "*", {})]


# ---------------------------------------------------------------------------------------------------------------
# CloudWatch Logs. AWS evaluates the actions on a log group against the group's log-stream form with an empty stream
# name (arn:...:log-group:NAME:log-stream:), which is why a policy needs "log-group:NAME:*" for them; GetLogEvents
# names the stream itself.


def _logs_group_name(identifier):
    match = re.match(r"arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)", identifier or "")
    return match.group(1) if match else identifier


def _logs_stream_arn(request, group, stream=""):
    return request.arn("logs", f"log-group:{_logs_group_name(group)}:log-stream:{stream}")


def _logs_groups(request):
    groups = (request.list_param("logGroupIdentifiers") or request.list_param("logGroupNames")
              or request.list_param("logGroupIdentifier") or request.list_param("logGroupName"))
    return [(None, _logs_stream_arn(request, g), {}) for g in groups] or [(None, "*", {})]


def _logs_get_log_events(request):
    group = request.param("logGroupIdentifier") or request.param("logGroupName") or ""
    return [(None, _logs_stream_arn(request, group, request.param("logStreamName", "")), {})]


# ---------------------------------------------------------------------------------------------------------------
# CloudWatch


def _cloudwatch_alarms(request):
    names = request.list_param("AlarmNames") or request.list_param("AlarmName")
    return [(None, request.arn("cloudwatch", f"alarm:{n}"), {}) for n in names] or [(None, "*", {})]


# ---------------------------------------------------------------------------------------------------------------
# Secrets Manager


def _secret(request):
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id = request.param("SecretId", "")
    secret = secretsmanager_backends[request.account][request.region].secrets.get(secret_id)
    if secret is not None:
        arn = secret.arn
    elif secret_id.startswith("arn:"):
        arn = secret_id
    else:
        arn = request.arn("secretsmanager", f"secret:{secret_id}")
    context = {"secretsmanager:SecretId": arn}
    for member, key in (("VersionId", "secretsmanager:VersionId"), ("VersionStage", "secretsmanager:VersionStage")):
        if request.param(member):
            context[key] = request.param(member)
    return [(None, arn, context)]


# ---------------------------------------------------------------------------------------------------------------
# DynamoDB. Item actions are authorized on the table (`table/NAME`), Query and Scan of an index on the index
# (`table/NAME/index/INDEX`); dynamodb:LeadingKeys holds the partition key values the request names (the item's or
# the key's, each one of a batch, the value a Query's key condition sets), as strings. Transactions have no action of
# their own: each element is authorized as the item action it performs (a ConditionCheck as ConditionCheckItem) with
# dynamodb:EnclosingOperation naming the transaction.


def _dynamodb_table(request, name):
    """(table ARN, moto's table or None) for a TableName (a name or an ARN)."""
    from moto.dynamodb.models import dynamodb_backends

    backend = dynamodb_backends[request.account][request.region]
    table = backend.tables.get(_dynamodb_table_name(name))
    if name.startswith("arn:"):
        return name, table
    return request.arn("dynamodb", f"table/{name}"), table


def _dynamodb_table_name(name_or_arn):
    match = re.match(r"arn:[^:]+:dynamodb:[^:]*:[^:]*:table/([^/]+)", name_or_arn or "")
    return match.group(1) if match else name_or_arn


def _dynamodb_value(attribute_value):
    """An AttributeValue as the string IAM compares ({"S": "x"} -> "x", {"N": "1"} -> "1", B base64)."""
    import base64

    if not isinstance(attribute_value, dict) or len(attribute_value) != 1:
        return None
    [(kind, value)] = attribute_value.items()
    if kind == "B":
        return value if isinstance(value, str) else base64.b64encode(value).decode()
    return value if kind in ("S", "N") else None


def _dynamodb_hash_keys(table, key_or_item):
    """The partition key attribute names of a table; without the table, the attribute of a one-attribute key."""
    if table is not None:
        return list(table.hash_key_names)
    return list(key_or_item) if len(key_or_item or {}) == 1 else []


def _dynamodb_leading_keys(table, keys_or_items):
    values = []
    for key in keys_or_items:
        for name in _dynamodb_hash_keys(table, key or {}):
            value = _dynamodb_value((key or {}).get(name))
            if value is not None and value not in values:
                values.append(value)
    return values


def _dynamodb_context(source, leading_keys=None, enclosing=None):
    context = {}
    if leading_keys:
        context["dynamodb:LeadingKeys"] = leading_keys
    for member in ("ReturnValues", "ReturnConsumedCapacity", "Select"):
        if source.get(member):
            context[f"dynamodb:{member}"] = source[member]
    if enclosing:
        context["dynamodb:EnclosingOperation"] = enclosing
    return context


def _params(request, names):
    """The request parameters of these names that are set, as a dict (the shape of a transaction element)."""
    return {name: request.param(name) for name in names if request.param(name) is not None}


_DYNAMODB_ITEM_MEMBERS = ("TableName", "Key", "Item", "ReturnValues", "ReturnConsumedCapacity", "Select")


def _dynamodb_item_check(request, source, action=None, enclosing=None):
    arn, table = _dynamodb_table(request, source.get("TableName", ""))
    key = source.get("Item") if "Item" in source else source.get("Key")
    leading = _dynamodb_leading_keys(table, [key]) if key else []
    return (action, arn, _dynamodb_context(source, leading, enclosing))


def _dynamodb_item(request):
    return [_dynamodb_item_check(request, _params(request, _DYNAMODB_ITEM_MEMBERS))]


def _dynamodb_key_schema(table, index):
    """The KeySchema of a table, or of one of its indexes; None when unknown."""
    if table is None:
        return None
    if not index:
        return table.schema
    return next((i.schema for i in table.global_indexes + table.indexes if i.name == index), None)


def _dynamodb_query_leading_keys(request, table, index):
    """The partition key value(s) of a Query: from KeyConditionExpression (moto's parser, on the table's or the
    index's key schema) or from the EQ condition on the partition key in the legacy KeyConditions."""
    schema = _dynamodb_key_schema(table, index)
    conditions = request.param("KeyConditions")
    if conditions:
        hash_names = [k["AttributeName"] for k in schema or [] if k["KeyType"] == "HASH"] or list(conditions)
        values = []
        for name in hash_names:
            condition = conditions.get(name) or {}
            if condition.get("ComparisonOperator") == "EQ" and condition.get("AttributeValueList"):
                values.append(_dynamodb_value(condition["AttributeValueList"][0]))
        return [v for v in values if v is not None]
    expression = request.param("KeyConditionExpression")
    if not expression or schema is None:
        return []
    from moto.dynamodb.parsing.key_condition_expression import parse_expression

    try:
        hash_conditions, _, _ = parse_expression(expression, request.param("ExpressionAttributeValues") or {},
                                                 request.param("ExpressionAttributeNames") or {}, schema)
    except Exception:  # an invalid expression is the handler's to report
        return []
    return [v for v in (_dynamodb_value(value) for _, value in hash_conditions) if v is not None]


def _dynamodb_query_or_scan(request):
    arn, table = _dynamodb_table(request, request.param("TableName", ""))
    index = request.param("IndexName")
    if index:
        arn = f"{arn}/index/{index}"
    leading = _dynamodb_query_leading_keys(request, table, index) if request.action == "Query" else []
    source = _params(request, ("ReturnConsumedCapacity", "Select"))
    return [(None, arn, _dynamodb_context(source, leading))]


def _dynamodb_batch_get(request):
    checks = []
    for name, batch in (request.param("RequestItems") or {}).items():
        arn, table = _dynamodb_table(request, name)
        leading = _dynamodb_leading_keys(table, (batch or {}).get("Keys") or [])
        checks.append((None, arn, _dynamodb_context(_params(request, ("ReturnConsumedCapacity",)), leading)))
    return checks


def _dynamodb_batch_write(request):
    checks = []
    for name, writes in (request.param("RequestItems") or {}).items():
        arn, table = _dynamodb_table(request, name)
        keys = [(w.get("PutRequest") or {}).get("Item") or (w.get("DeleteRequest") or {}).get("Key")
                for w in writes or []]
        leading = _dynamodb_leading_keys(table, [k for k in keys if k])
        checks.append((None, arn, _dynamodb_context(_params(request, ("ReturnConsumedCapacity",)), leading)))
    return checks


_DYNAMODB_TRANSACT_ACTIONS = {"Get": "dynamodb:GetItem", "Put": "dynamodb:PutItem", "Update": "dynamodb:UpdateItem",
                              "Delete": "dynamodb:DeleteItem", "ConditionCheck": "dynamodb:ConditionCheckItem"}


def _dynamodb_transact(request):
    enclosing = request.action
    checks = []
    for element in request.list_param("TransactItems"):
        for member, action in _DYNAMODB_TRANSACT_ACTIONS.items():
            if member in (element or {}):
                source = {k: v for k, v in element[member].items() if k in ("TableName", "Key", "Item")}
                if request.param("ReturnConsumedCapacity"):
                    source["ReturnConsumedCapacity"] = request.param("ReturnConsumedCapacity")
                checks.append(_dynamodb_item_check(request, source, action, enclosing))
    return checks


def _dynamodb_table_or_resource(request):
    """Other table actions (DescribeTable, UpdateTable, DescribeTimeToLive, ...) on the table they name;
    tagging actions on their ResourceArn; the rest (ListTables, DescribeLimits) on "*"."""
    if request.param("TableName"):
        return [(None, _dynamodb_table(request, request.param("TableName"))[0], {})]
    if request.param("ResourceArn"):
        return [(None, request.param("ResourceArn"), {})]
    return [(None, "*", {})]


def _star(_request):
    return [(None, "*", {})]


RULES = {
    "ecs": {
        "CreateService": _ecs_create_service,
        "UpdateService": _ecs_update_or_delete_service,
        "DeleteService": _ecs_update_or_delete_service,
        "DescribeServices": _ecs_describe_services,
        "RegisterTaskDefinition": _ecs_register_task_definition,
        "DescribeTaskDefinition": _star,
        "DeregisterTaskDefinition": _star,
        "ListTaskDefinitions": _star,
        "RunTask": _ecs_run_task,
        "StopTask": _ecs_task_checks,
        "DescribeTasks": _ecs_task_checks,
        "ListTasks": _ecs_list_tasks,
        "ExecuteCommand": _ecs_execute_command,
        "TagResource": _resource_arn_param("resourceArn"),
        "UntagResource": _resource_arn_param("resourceArn"),
        "ListTagsForResource": _resource_arn_param("resourceArn"),
        "ListServices": _ecs_cluster_scoped_star,
    },
    "ecr": {
        "GetAuthorizationToken": _star,
        **{action: _ecr_repositories for action in (
            "DescribeImages", "ListImages", "BatchGetImage", "PutImage", "InitiateLayerUpload", "UploadLayerPart",
            "CompleteLayerUpload", "BatchCheckLayerAvailability", "GetDownloadUrlForLayer", "DescribeRepositories",
            "BatchDeleteImage", "DeleteRepository", "GetLifecyclePolicy", "PutLifecyclePolicy", "SetRepositoryPolicy",
            "GetRepositoryPolicy", "PutImageTagMutability")},
    },
    "ssm": {action: _ssm_parameters for action in (
        "GetParameter", "GetParameters", "PutParameter", "GetParameterHistory", "DeleteParameter", "DeleteParameters",
        "LabelParameterVersion", "UnlabelParameterVersion", "GetParametersByPath")},
    "elbv2": {
        "ModifyRule": _resource_arn_param("RuleArn"),
        "ModifyListener": _resource_arn_param("ListenerArn"),
        "AddTags": _resource_arn_param("ResourceArns"),
        "RemoveTags": _resource_arn_param("ResourceArns"),
        "SetRulePriorities": _star,
    },
    "application-autoscaling": {
        "RegisterScalableTarget": _appautoscaling_target,
        "DeregisterScalableTarget": _appautoscaling_target,
    },
    "logs": {
        "GetLogEvents": _logs_get_log_events,
        "FilterLogEvents": _logs_groups,
        "DescribeLogStreams": _logs_groups,
        "StartQuery": _logs_groups,
    },
    "cloudwatch": {
        "SetAlarmState": _cloudwatch_alarms,
        "DescribeAlarms": _cloudwatch_alarms,
        "PutMetricAlarm": _cloudwatch_alarms,
        "DeleteAlarms": _cloudwatch_alarms,
        "GetMetricData": _star,
    },
    "secretsmanager": {action: _secret for action in (
        "GetSecretValue", "PutSecretValue", "DescribeSecret", "RotateSecret", "UpdateSecret", "DeleteSecret",
        "RestoreSecret", "CancelRotateSecret", "ListSecretVersionIds", "UpdateSecretVersionStage",
        "GetResourcePolicy", "PutResourcePolicy", "DeleteResourcePolicy", "TagResource", "UntagResource")},
    "dynamodb": {
        **{action: _dynamodb_item for action in ("GetItem", "PutItem", "UpdateItem", "DeleteItem")},
        "Query": _dynamodb_query_or_scan,
        "Scan": _dynamodb_query_or_scan,
        "BatchGetItem": _dynamodb_batch_get,
        "BatchWriteItem": _dynamodb_batch_write,
        "TransactGetItems": _dynamodb_transact,
        "TransactWriteItems": _dynamodb_transact,
    },
}
# Actions of these services that no rule names: the default rule (for the others, "*").
DEFAULT_RULES = {"dynamodb": _dynamodb_table_or_resource}


def request_checks(response, action):
    """[(IAM action, resource, condition context)] that AWS authorizes for this request; every one must be allowed."""
    prefix = IAM_PREFIXES[response.service_name]
    rule = RULES.get(response.service_name, {}).get(action, DEFAULT_RULES.get(response.service_name, _star))
    request = Request(response, action)
    checks = []
    for iam_action, resource, context in rule(request):
        if iam_action == "iam:PassRole" and not PASS_ROLE["enabled"]:
            continue
        checks.append((iam_action or f"{prefix}:{action}", resource, dict(context)))
    return checks


def global_context(request_region, account, principal_arn):
    return {"aws:RequestedRegion": request_region, "aws:PrincipalAccount": account, "aws:PrincipalArn": principal_arn}

