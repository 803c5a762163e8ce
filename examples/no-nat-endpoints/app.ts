import type { WorkspaceInput } from "../../src/config";

/**
 * No NAT gateway at all: the tasks reach ECR, CloudWatch Logs, SSM, Secrets Manager and KMS through interface VPC
 * endpoints in the app subnets, and S3/DynamoDB through gateway endpoints. Cheaper than NAT per zone once there
 * are several zones, and nothing in the app tier can reach the internet. (EC2 capacity and the maintenance task
 * need the internet, so the loader refuses them with `natGateways: "none"`.)
 */
const app: WorkspaceInput = {
  name: "app",
  accountId: "222222222222",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  network: {
    cidr: "10.41.0.0/16",
    azCount: 3,
    natGateways: "none",
    endpoints: { gateway: true, interface: true },
  },
  dns: { zoneName: "app.example.com" },
  services: [{ name: "web", port: 8080, hosts: ["www.app.example.com"] }],
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
