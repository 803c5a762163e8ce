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
"""

import fnmatch
import sys

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
    return PermissionResult.PERMITTED if self._statement.get("Effect") == "Allow" else PermissionResult.DENIED


def apply_fixes():
    IAMPolicyStatement._check_conditions = _check_conditions
    IAMPolicyStatement.is_action_permitted = _is_action_permitted


if __name__ == "__main__":
    apply_fixes()
    from moto.server import main

    main(sys.argv[1:])
