import type { WorkspaceInput } from "../src/config";

/** Development: cheap defaults (one NAT gateway, two AZs, no interface endpoints). */
const dev: WorkspaceInput = {
  name: "dev",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  tags: {
    CostCenter: "engineering",
  },
  network: {
    cidr: "10.10.0.0/16",
    azCount: 2,
    natGateways: "single",
    flowLogs: { retentionDays: 14 },
    endpoints: { gateway: true, interface: false },
    peerWith: ["prod"],
  },
};

export default dev;
