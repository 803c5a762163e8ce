"""ECS service deployments that move through their states, and can fail on purpose (fixes 12 and 13 of server.py).

A deployment is IN_PROGRESS for MOTO_ECS_DEPLOYMENT_SECONDS after it starts, then COMPLETED, or it fails: its tasks
fail to start when a failure rule (set through POST /moto-api/ecs/deployment-failures) matches its task definition,
or one of the service's deployment alarms goes into ALARM. The state is evaluated lazily, whenever a call reads
the service (DescribeServices, ListServices, UpdateService, ListTasks, DescribeTasks): no background threads.
"""

import datetime
import json
import math
import os
import random
import time
import uuid

DEFAULT_DEPLOYMENT_SECONDS = 2.0
MAX_EVENTS = 100
MAX_STOPPED_TASKS_PER_ATTEMPT = 10
CIRCUIT_BREAKER_REASON = "ECS deployment circuit breaker: tasks failed to start."

# Failure rules declared through the control endpoint: {"family" | "imageContains", "reason", "accountId"?, "region"?}
FAILURE_RULES = []


def clock():
    """Seconds since the epoch; the tests replace it to move time forward."""
    return time.time()


def deployment_seconds():
    try:
        return max(float(os.environ.get("MOTO_ECS_DEPLOYMENT_SECONDS", DEFAULT_DEPLOYMENT_SECONDS)), 0.0)
    except ValueError:
        return DEFAULT_DEPLOYMENT_SECONDS


def fixed_running_count():
    """moto's MOTO_ECS_SERVICE_RUNNING: when set, the running count every service reports."""
    value = os.environ.get("MOTO_ECS_SERVICE_RUNNING")
    if value is None:
        return None
    try:
        return max(int(value), 0)
    except ValueError:
        return 0


def _at(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------------------------
# Failure rules


class FailureRuleError(ValueError):
    pass


def add_failure_rule(rule):
    family, image = rule.get("family"), rule.get("imageContains")
    if bool(family) == bool(image):
        raise FailureRuleError("give exactly one of family or imageContains")
    if not rule.get("reason"):
        raise FailureRuleError("give the reason the tasks stop with, e.g. CannotPullContainerError: ...")
    kept = {k: rule[k] for k in ("family", "imageContains", "reason", "accountId", "region") if rule.get(k)}
    FAILURE_RULES.append(kept)
    return kept


def clear_failure_rules():
    FAILURE_RULES.clear()


def failure_reason(task_definition, account, region):
    for rule in FAILURE_RULES:
        if rule.get("accountId", account) != account or rule.get("region", region) != region:
            continue
        if rule.get("family") == task_definition.family:
            return rule["reason"]
        images = [c.get("image") or "" for c in task_definition.container_definitions]
        if rule.get("imageContains") and any(rule["imageContains"] in image for image in images):
            return rule["reason"]
    return None


def control_endpoint(request, full_url, headers):
    """/moto-api/ecs/deployment-failures: POST adds a rule, GET lists them, DELETE clears them."""
    method = request.method
    if method == "POST":
        if hasattr(request, "get_data"):  # the server's werkzeug request: the raw body, whatever its content type
            raw = request.get_data(parse_form_data=False) or b"{}"
        else:
            raw = getattr(request, "body", None) or b"{}"
        try:
            added = add_failure_rule(json.loads(raw))
        except (ValueError, AttributeError) as error:
            return 400, {"Content-Type": "application/json"}, json.dumps({"message": str(error)})
        return 201, {"Content-Type": "application/json"}, json.dumps({"added": added, "failures": FAILURE_RULES})
    if method == "DELETE":
        clear_failure_rules()
    return 200, {"Content-Type": "application/json"}, json.dumps({"failures": FAILURE_RULES})


# ---------------------------------------------------------------------------------------------------------------
# Deployments


def state_of(service):
    """The bookkeeping of a service's deployments (None for services moto does not deploy, e.g. CODE_DEPLOY)."""
    return getattr(service, "fix_rollout", None)


def _event(service, message, seconds):
    service.events.insert(0, {"id": str(uuid.uuid4()), "createdAt": _at(seconds), "message": message})
    del service.events[MAX_EVENTS:]


def _alarms_in_alarm(service, backend):
    """{name: when it went into ALARM} for the service's deployment alarms that are in ALARM now."""
    alarms = (getattr(service, "deployment_configuration", None) or {}).get("alarms") or {}
    if not alarms.get("enable"):
        return {}
    from moto.cloudwatch.models import cloudwatch_backends

    known = cloudwatch_backends[backend.account_id][backend.region_name].alarms
    return {name: getattr(known[name], "fix_changed_at", float("-inf")) for name in alarms.get("alarmNames", [])
            if name in known and known[name].state_value == "ALARM"}


def record_alarm_state_changes():
    """Notes when each CloudWatch alarm changes state, on this module's clock (moto keeps wall-clock time only)."""
    from moto.cloudwatch.models import Alarm

    update_state = Alarm.update_state

    def update_state_and_note_when(self, reason, reason_data, state_value):
        changed = state_value != self.state_value
        update_state(self, reason, reason_data, state_value)
        if changed:
            self.fix_changed_at = clock()

    Alarm.update_state = update_state_and_note_when


def _set_counts(service, backend):
    """Service counts from its deployments (MOTO_ECS_SERVICE_RUNNING still decides the running count if set)."""
    fixed = fixed_running_count()
    running = fixed if fixed is not None else sum(d["runningCount"] for d in service.deployments)
    pending = sum(d["pendingCount"] for d in service.deployments)
    cluster = backend.clusters.get(service.cluster_name)
    if cluster is not None:
        backend.update_cluster_resources(cluster, running - service.running_count, task_state="RUNNING")
        backend.update_cluster_resources(cluster, pending - service.pending_count, task_state="PENDING")
    service.running_count, service.pending_count = running, pending


def _start(service, backend, deployment, task_definition_arn, seconds, rollback=False):
    fixed = fixed_running_count()
    running = fixed if fixed is not None else 0
    deployment.update({
        "status": "PRIMARY",
        "taskDefinition": task_definition_arn,
        "desiredCount": service.desired_count,
        "runningCount": running,
        "pendingCount": max(service.desired_count - running, 0),
        "failedTasks": 0,
        "createdAt": _at(seconds),
        "updatedAt": _at(seconds),
        "rolloutState": "IN_PROGRESS",
        "rolloutStateReason": f"ECS deployment {deployment['id']} in progress.",
    })
    state_of(service)["deployments"][deployment["id"]] = {
        "started": seconds,
        "rollback": rollback,
        "attempts": 0,
        # AWS ignores the deployment alarms that are already in ALARM when a deployment starts.
        "alarms_at_start": set(_alarms_in_alarm(service, backend)),
    }


def _new_deployment_id():
    return f"ecs-svc/{random.randint(10**18, 10**19 - 1)}"


def start_deployment(service, backend, task_definition_arn, seconds, rollback=False):
    for deployment in service.deployments:
        if deployment["status"] == "PRIMARY":
            deployment["status"] = "ACTIVE"
            deployment["updatedAt"] = _at(seconds)
            if deployment["rolloutState"] == "IN_PROGRESS":
                deployment["pendingCount"] = 0
    template = dict(service.deployments[0]) if service.deployments else {}
    deployment = {**template, "id": _new_deployment_id()}
    _start(service, backend, deployment, task_definition_arn, seconds, rollback)
    service.deployments.insert(0, deployment)
    service.task_definition = task_definition_arn
    _set_counts(service, backend)
    return deployment


def adopt_created_service(service, backend):
    """CreateService: moto's single deployment becomes an IN_PROGRESS PRIMARY deployment that starts now."""
    if service.deployment_controller.get("type", "ECS") != "ECS" or not service.deployments:
        return
    service.fix_rollout = {"deployments": {}, "last_completed": None}
    deployment = service.deployments[0]
    deployment["id"] = _new_deployment_id()
    _start(service, backend, deployment, service.task_definition, clock())
    _set_counts(service, backend)


def note_alarms_at_start(service, backend):
    """CreateService stores deploymentConfiguration after moto created the service: look at its alarms again."""
    state = state_of(service)
    if state is not None and service.deployments:
        info = state["deployments"][service.deployments[0]["id"]]
        info["alarms_at_start"] = set(_alarms_in_alarm(service, backend))


def _complete(service, backend, deployment, seconds):
    fixed = fixed_running_count()
    deployment.update({
        "rolloutState": "COMPLETED",
        "rolloutStateReason": f"ECS deployment {deployment['id']} completed.",
        "runningCount": fixed if fixed is not None else deployment["desiredCount"],
        "pendingCount": 0,
        "updatedAt": _at(seconds),
    })
    service.deployments[:] = [deployment]
    state_of(service)["last_completed"] = deployment["taskDefinition"]
    name = service.name
    _event(service, f"(service {name}) (deployment {deployment['id']}) deployment completed.", seconds)
    _event(service, f"(service {name}) has reached a steady state.", seconds)
    _set_counts(service, backend)


_FAILED_TASK_CLASS = []


def _failed_task_class():
    """A task of a deployment that stopped before it ran, as ECS reports it through ListTasks and DescribeTasks."""
    if _FAILED_TASK_CLASS:
        return _FAILED_TASK_CLASS[0]
    from moto.ecs.models import Container, Task
    from moto.moto_api._internal.managed_state_model import ManagedState

    class FailedServiceTask(Task):
        __module__ = "moto.ecs.models"  # moto files its models by package name

        def __init__(self, backend, service, task_definition, deployment_id, reason, seconds):
            ManagedState.__init__(self, model_name="ecs::task", transitions=[("STOPPED", "STOPPED")])
            self.id = uuid.uuid4().hex
            self.cluster_name, self.cluster_arn = service.cluster_name, service.cluster_arn
            self.container_instance_arn = None
            self.desired_status = "STOPPED"
            self.task_definition_arn = task_definition.arn
            self.overrides = {}
            container = Container(task_definition)
            container.last_status = "STOPPED"
            container.reason = reason
            self.containers = [container]
            self.started_by = deployment_id
            self.tags = []
            self.launch_type = service.launch_type
            self.platform_version = service.platform_version
            self.stopped_reason = reason
            self.stop_code = "TaskFailedToStart"
            self.resource_requirements = None
            self.region_name = service.region_name
            self._account_id = backend.account_id
            self._backend = backend
            self.attachments = []
            self.group = f"service:{service.name}"
            self.created_at = self.stopping_at = self.stopped_at = _at(seconds)
            self.cpu, self.memory = task_definition.cpu, task_definition.memory

    _FAILED_TASK_CLASS.append(FailedServiceTask)
    return FailedServiceTask


def _record_failed_tasks(service, backend, deployment, reason, count, seconds):
    task_definition = backend.describe_task_definition(deployment["taskDefinition"])
    task_class = _failed_task_class()
    started = []
    for _ in range(min(count, MAX_STOPPED_TASKS_PER_ATTEMPT)):
        task = task_class(backend, service, task_definition, deployment["id"], reason, seconds)
        backend.tasks.setdefault(service.cluster_name, {})[task.task_arn] = task
        started.append(task.id)
    deployment["failedTasks"] += count
    deployment["updatedAt"] = _at(seconds)
    tasks = " ".join(f"(task {task_id})" for task_id in started)
    _event(service, f"(service {service.name}) has started {len(started)} tasks: {tasks}.", seconds)


def _fail(service, backend, deployment, reason, event, rollback, seconds):
    deployment.update({"rolloutState": "FAILED", "rolloutStateReason": reason, "pendingCount": 0,
                       "runningCount": 0, "updatedAt": _at(seconds)})
    _event(service, f"(service {service.name}) (deployment {deployment['id']}) deployment failed: {event}", seconds)
    state = state_of(service)
    previous = state["last_completed"]
    if rollback and previous and not state["deployments"][deployment["id"]]["rollback"]:
        restored = start_deployment(service, backend, previous, seconds, rollback=True)
        _event(service, f"(service {service.name}) (deployment {restored['id']}) rolling back to {previous}.", seconds)
    _set_counts(service, backend)


def circuit_breaker_threshold(desired_count):
    """AWS: half the desired count, at least 3 and at most 200 failed tasks."""
    return min(max(math.ceil(desired_count * 0.5), 3), 200)


def advance(service, backend):
    """Moves the service's PRIMARY deployment on to where it is now (completed, failed, rolled back)."""
    state = state_of(service)
    if state is None or service.status != "ACTIVE":
        return
    now = clock()
    period = deployment_seconds()
    for _ in range(8):  # a failure, its rollback and the rollback's completion at most, per call
        primary = next((d for d in service.deployments if d["status"] == "PRIMARY"), None)
        if primary is None or primary["rolloutState"] != "IN_PROGRESS":
            return
        info = state["deployments"][primary["id"]]
        due = info["started"] + period
        configuration = getattr(service, "deployment_configuration", None) or {}
        # An alarm that went into ALARM while the deployment was in progress fails it (later ones find it completed).
        triggered = {name: at for name, at in _alarms_in_alarm(service, backend).items()
                     if name not in info["alarms_at_start"] and at <= due}
        if triggered:
            names = ", ".join(sorted(triggered))
            rollback = bool((configuration.get("alarms") or {}).get("rollback"))
            _fail(service, backend, primary, f"ECS deployment detected triggered alarm(s): {names}.",
                  f"alarm detected: {names}.", rollback, max(min(triggered.values()), info["started"]))
            continue
        if now < due:
            return
        fixed = fixed_running_count()
        if fixed is not None and fixed < primary["desiredCount"]:
            return  # moto's fixed running count never reaches the desired count
        try:
            task_definition = backend.describe_task_definition(primary["taskDefinition"])
        except Exception:  # deleted since: no rule can match it
            task_definition = None
        reason = task_definition and failure_reason(task_definition, backend.account_id, backend.region_name)
        if reason is None:
            _complete(service, backend, primary, due)
            return
        breaker = configuration.get("deploymentCircuitBreaker") or {}
        if breaker.get("enable"):
            threshold = circuit_breaker_threshold(primary["desiredCount"])
            _record_failed_tasks(service, backend, primary, reason, threshold, due)
            _fail(service, backend, primary, CIRCUIT_BREAKER_REASON, "tasks failed to start.",
                  bool(breaker.get("rollback")), due)
            continue
        # Without the circuit breaker ECS keeps launching tasks that fail, and the deployment stays IN_PROGRESS.
        attempts = int((now - info["started"]) // period) if period else info["attempts"] + 1
        for attempt in range(info["attempts"], min(attempts, info["attempts"] + 5)):
            _record_failed_tasks(service, backend, primary, reason, max(primary["desiredCount"], 1),
                                 info["started"] + (attempt + 1) * period)
        info["attempts"] = max(attempts, info["attempts"])
        return


def update_desired_count(service, backend, desired):
    """UpdateService with a new desiredCount: the counts change, no new deployment."""
    fixed = fixed_running_count()
    for deployment in service.deployments:
        if deployment["status"] != "PRIMARY":
            continue
        deployment["desiredCount"] = desired
        if deployment["rolloutState"] == "COMPLETED":
            deployment["runningCount"] = fixed if fixed is not None else desired
            deployment["pendingCount"] = 0
        elif deployment["rolloutState"] == "IN_PROGRESS":
            deployment["pendingCount"] = max(desired - deployment["runningCount"], 0)
    _set_counts(service, backend)
