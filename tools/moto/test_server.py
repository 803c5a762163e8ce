"""Tests of the emulator fixes in server.py (run by `npm run test:emulator`, part of `npm test`)."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))

import server  # noqa: E402
from moto.iam.access_control import IAMPolicy, PermissionResult  # noqa: E402

server.apply_fixes()

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


if __name__ == "__main__":
    unittest.main()
