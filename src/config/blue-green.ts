import { mustParseCidr } from "../lib/cidr";
import { MAX_TARGET_GROUP_NAME } from "../aws-limits";
import { blueGreenTargetGroupName } from "../naming";
import type { ConfigIssue } from "./load";
import type { WorkspaceSettings } from "./schema";

/** Ports the load balancer already listens on. */
const PRODUCTION_PORTS = [80, 443];

/** Checks of blue-green services and the test listener that span fields. */
export function checkBlueGreen(ws: WorkspaceSettings, namePrefix: string, issues: ConfigIssue[]): void {
  const test = ws.loadBalancer.testListener;
  const blueGreen = ws.services
    .map((svc, i) => ({ svc, i }))
    .filter(({ svc }) => svc.deployment.strategy === "blue-green");
  if (test) {
    if (PRODUCTION_PORTS.includes(test.port)) {
      issues.push({
        field: "loadBalancer.testListener.port",
        message: `${test.port} is a production listener's port; the test listener needs its own, e.g. 8443`,
      });
    }
    test.allowedCidrs.forEach((cidr, i) => {
      const parsed = (() => {
        try {
          return mustParseCidr(cidr);
        } catch {
          return undefined;
        }
      })();
      if (parsed && parsed.prefix === 0) {
        issues.push({
          field: `loadBalancer.testListener.allowedCidrs[${i}]`,
          message: `${cidr} opens the test listener to the whole internet; list the networks that validate releases (CI runners, a VPN)`,
        });
      }
    });
    if (test.allowedCidrs.length > 10) {
      issues.push({
        field: "loadBalancer.testListener.allowedCidrs",
        message: "at most 10 CIDRs (one network ACL rule each)",
      });
    }
  }
  for (const { svc, i } of blueGreen) {
    const at = (field: string) => `services[${i}].${field}`;
    if (!svc.public) {
      issues.push({
        field: at("deployment.strategy"),
        message: `"blue-green" shifts load balancer traffic, and ${svc.name} has none (public: false); use "rolling"`,
      });
    }
    if (!test) {
      issues.push({
        field: at("deployment.strategy"),
        message: `"blue-green" checks the new version through the test listener; add loadBalancer.testListener with allowedCidrs`,
      });
    }
    for (const slot of ["blue", "green"] as const) {
      const name = blueGreenTargetGroupName(namePrefix, svc.name, slot, svc.port);
      if (name.length > MAX_TARGET_GROUP_NAME) {
        issues.push({
          field: at("name"),
          message: `"${name}" (the ${slot} target group) is longer than the ${MAX_TARGET_GROUP_NAME} characters AWS allows; shorten the service name or namePrefix`,
        });
      }
    }
    const steps = svc.deployment.blueGreen?.trafficSteps ?? [];
    steps.forEach((step, j) => {
      if (j > 0 && step.percent <= steps[j - 1].percent) {
        issues.push({
          field: at(`deployment.blueGreen.trafficSteps[${j}].percent`),
          message: `${step.percent} is not above the previous step's ${steps[j - 1].percent}; steps must increase`,
        });
      }
    });
    if (steps.length > 0 && steps[steps.length - 1].percent !== 100) {
      issues.push({
        field: at(`deployment.blueGreen.trafficSteps[${steps.length - 1}].percent`),
        message: `the last step is ${steps[steps.length - 1].percent}; traffic steps must end at 100`,
      });
    }
    const path = svc.deployment.blueGreen?.validation.http?.path;
    if (path !== undefined && !path.startsWith("/")) {
      issues.push({ field: at("deployment.blueGreen.validation.http.path"), message: `"${path}" must start with "/"` });
    }
  }
  ws.services.forEach((svc, i) => {
    if (svc.deployment.strategy !== "blue-green" && svc.deployment.blueGreen) {
      issues.push({
        field: `services[${i}].deployment.blueGreen`,
        message: `only blue-green services take blueGreen settings; set deployment.strategy to "blue-green" or remove them`,
      });
    }
  });
}
