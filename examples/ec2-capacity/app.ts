import type { WorkspaceInput } from "../../src/config";

/**
 * EC2 container instances next to Fargate: a cluster capacity provider on the ECS-optimized Amazon Linux 2023
 * image (looked up from AWS's public SSM parameter), managed scaling between minSize and maxSize, and one service
 * placed on it with `capacity: "ec2"`. EC2 instances reach the ECS agent endpoints through the NAT gateway.
 */
const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: { cidr: "10.40.0.0/16" },
  dns: { zoneName: "app.example.com" },
  cluster: {
    ec2: { instanceType: "t3.medium", minSize: 1, maxSize: 4, targetCapacityPercent: 80 },
  },
  services: [
    { name: "web", port: 8080, hosts: ["www.app.example.com"], capacity: "ec2" },
    { name: "api", port: 8081, hosts: ["api.app.example.com"] },
  ],
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
