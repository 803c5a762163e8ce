import type { WorkspaceInput } from "../../src/config";

/**
 * A hosted zone and certificate that already exist (managed by another team or account): the zone is looked up
 * by name, no certificate is requested, and the HTTPS listener uses the given ACM certificate. Host names may then
 * be deeper than one level below the zone, as long as the certificate covers them.
 */
const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.44.0.0/16" },
  dns: {
    zoneName: "example.com",
    createZone: false,
    certificateArn: "arn:aws:acm:us-east-1:222222222222:certificate/0f0e0d0c-0b0a-0908-0706-050403020100",
  },
  services: [{ name: "web", port: 8080, hosts: ["shop.eu.example.com"] }],
  // Findings of the security controls accepted on purpose (README, "Security controls at synth").
  policy: {
    waivers: [
      {
        control: "ELB.6",
        resource: "aws_lb.*",
        reason: "A non-production load balancer, destroyed and rebuilt freely",
      },
      {
        control: "ELB.16",
        resource: "aws_lb.*",
        reason: "No WAF in this scenario, to keep it small; environments/prod.ts shows loadBalancer.waf",
      },
    ],
  },
};

export default app;
