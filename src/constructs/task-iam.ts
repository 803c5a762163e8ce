import { Construct } from "constructs";
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/** Trust policy for roles ECS tasks assume, limited to tasks of one account (confused-deputy guard). */
export function ecsTasksTrustPolicy(scope: Construct, id: string, accountId: string): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        effect: "Allow",
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [accountId] }],
      },
    ],
  }).json;
}

/**
 * What a task role needs for ECS Exec sessions: the SSM message channels, the session key, and writing the session
 * log to the cluster's exec log group (and nothing else).
 */
export function execSessionStatements(kmsKeyArn: string, execLogGroupArn: string): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: "ExecSessionChannel",
      effect: "Allow",
      actions: [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
      ],
      resources: ["*"],
    },
    { sid: "ExecSessionKey", effect: "Allow", actions: ["kms:Decrypt"], resources: [kmsKeyArn] },
    { sid: "ExecSessionLogsDescribe", effect: "Allow", actions: ["logs:DescribeLogGroups"], resources: ["*"] },
    {
      sid: "ExecSessionLogsWrite",
      effect: "Allow",
      actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      resources: [`${execLogGroupArn}:*`],
    },
  ];
}
