import type { WorkspaceInput } from "../../src/config";

/**
 * prod, in its own account, runs images from its own repositories; because dev's registry lets prod's account
 * pull, the release pipeline copies the exact digest dev ran into prod's repository (no rebuild) and releases it.
 */
const prod: WorkspaceInput = {
  name: "prod",
  accountId: "333333333333",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  production: true,
  network: { cidr: "10.46.0.0/16", natGateways: "one-per-az" },
  dns: { zoneName: "example.com", createZone: true },
  services: [{ name: "web", port: 8080, hosts: ["www.example.com"], desiredCount: 2, autoscaling: { min: 2, max: 4 } }],
  // Findings of the security controls accepted on purpose (README, "Security controls at synth").
  policy: {
    waivers: [
      {
        control: "ELB.16",
        resource: "aws_lb.*",
        reason: "No WAF in this scenario, to keep it small; environments/prod.ts shows loadBalancer.waf",
      },
    ],
  },
};

export default prod;
