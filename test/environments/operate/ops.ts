import type { WorkspaceInput } from "../../../src/config";

/**
 * A small workspace for the operate end-to-end test: one public service, ECS Exec, the maintenance task, an alarm
 * subscription and operators (the account itself, so the test's admin can assume the operator role). No database,
 * so the emulator deploys it fast.
 */
const ops: WorkspaceInput = {
  name: "ops",
  accountId: "777777777777",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.60.0.0/16", flowLogs: { enabled: false } },
  dns: { zoneName: "ops.acme.example.com", createZone: true },
  cluster: { execEnabled: true, maintenanceTask: { enabled: true, idleMinutes: 30 } },
  services: [{ name: "web", port: 3000, hosts: ["web.ops.acme.example.com"], priority: 10 }],
  notifications: { emails: ["oncall@example.com"] },
  operators: ["arn:aws:iam::777777777777:root"],
  // A short-lived test workspace: the findings its small shape leaves are accepted here, each with its reason.
  policy: {
    waivers: [
      { control: "EC2.6", resource: "aws_vpc.*", reason: "No flow logs in a test workspace that lives for one run" },
      { control: "ELB.6", resource: "aws_lb.*", reason: "The test destroys its load balancer with the emulator" },
      { control: "ELB.16", resource: "aws_lb.*", reason: "No WAF: the test workspace serves no real traffic" },
    ],
  },
};

export default ops;
