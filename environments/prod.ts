import type { WorkspaceInput } from "../src/config";

/** Production: what costs money is switched on here (three AZs, a NAT gateway per AZ, interface endpoints). */
const prod: WorkspaceInput = {
  name: "prod",
  accountId: "333333333333",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  tags: {
    CostCenter: "engineering",
  },
  network: {
    cidr: "10.20.0.0/16",
    azCount: 3,
    natGateways: "one-per-az",
    flowLogs: { retentionDays: 365 },
    endpoints: { gateway: true, interface: true },
    peerWith: ["dev"],
  },
};

export default prod;
