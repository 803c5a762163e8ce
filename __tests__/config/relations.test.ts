// Relations AWS enforces between fields (src/config/workload.ts and the data tables it reads): health check timings,
// rollouts that can start, EC2 capacity that can hold its tasks, engine versions RDS offers, certificates the load
// balancer can use, TLS policies. Each is refused at load with the file, the field and what would be valid.
import {
  ACCEPTED_SSL_POLICIES,
  DEFAULT_SSL_POLICY,
  EC2_INSTANCE_TYPES,
  isGravitonType,
  minorVersionProblem,
  RDS_MINOR_VERSIONS,
  taskCapacityOf,
} from "../../src/config";
import { configIssue, DEV_FILE, issuesOf, validateChanged } from "../../test/fixtures";

const dev = (change: Parameters<typeof validateChanged>[1]) => validateChanged("dev", change);
const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);

describe("health checks", () => {
  test("a load balancer health check interval of 5 seconds, no longer than the 5-second timeout, is refused", () => {
    expect(dev((ws) => (ws.services[0].healthCheck.intervalSeconds = 5))).toThrow(
      devIssue(
        "services[0].healthCheck.intervalSeconds",
        /5 is not longer than the load balancer's 5-second health check timeout, and AWS requires the interval to be; expected 6 to 300$/,
      ),
    );
  });

  test("an interval of 6 seconds is accepted, and an internal service's interval is not checked", () => {
    expect(
      dev((ws) => (ws.services[0].healthCheck.intervalSeconds = 6))().services[0].healthCheck.intervalSeconds,
    ).toBe(6);
    const internal = dev((ws) => {
      ws.services[0].public = false;
      ws.services[0].hosts = [];
      ws.services[0].healthCheck.intervalSeconds = 5;
    });
    expect(internal().services[0].public).toBe(false);
  });

  test("a container health check whose timeout is not below its interval is refused", () => {
    const check = dev(
      (ws) =>
        (ws.services[0].containerHealthCheck = {
          command: ["CMD-SHELL", "wget -q -O- localhost:3000/health"],
          intervalSeconds: 10,
          timeoutSeconds: 10,
        }),
    );
    expect(check).toThrow(
      devIssue(
        "services[0].containerHealthCheck.timeoutSeconds",
        /10 is not shorter than intervalSeconds \(10\): one check would still run when the next is due; expected a timeout below the interval, e\.g\. 5 with 30$/,
      ),
    );
  });

  test("a container health check command without CMD or CMD-SHELL is refused with an example", () => {
    const check = dev((ws) => (ws.services[0].containerHealthCheck = { command: ["curl -f localhost:3000/health"] }));
    expect(check).toThrow(
      devIssue(
        "services[0].containerHealthCheck.command[0]",
        /"curl -f localhost:3000\/health" is not how ECS starts a health check; expected "CMD" \(run the rest directly\) or "CMD-SHELL" \(run it in the shell\), e\.g\. \["CMD-SHELL", "curl -f http:\/\/localhost:3000\/health \|\| exit 1"\]$/,
      ),
    );
  });

  test("a container health check with CMD and the default timings is accepted", () => {
    const ws = dev((ws) => (ws.services[0].containerHealthCheck = { command: ["CMD", "/healthcheck"] }))();
    expect(ws.services[0].containerHealthCheck).toMatchObject({ intervalSeconds: 30, timeoutSeconds: 5 });
  });
});

describe("deployments", () => {
  test("minimumHealthyPercent 100 with maximumPercent 100 is refused: the rollout can never start", () => {
    expect(dev((ws) => (ws.services[0].deployment = { minimumHealthyPercent: 100, maximumPercent: 100 }))).toThrow(
      devIssue(
        "services[0].deployment.maximumPercent",
        /with minimumHealthyPercent 100 and maximumPercent 100, a rollout of 1 task can neither start a new task \(at most 1 may run\) nor stop an old one \(1 must stay\), so it never starts; raise maximumPercent \(e\.g\. 200\) or lower minimumHealthyPercent$/,
      ),
    );
  });

  test("maximumPercent 150 is refused when a single task is possible (floor(1 x 150%) is 1)", () => {
    expect(dev((ws) => (ws.services[0].deployment = { maximumPercent: 150 }))).toThrow(
      devIssue("services[0].deployment.maximumPercent", /.*a rollout of 1 task can neither start a new task/),
    );
  });

  test("maximumPercent 150 is accepted when autoscaling never goes below two tasks", () => {
    const check = dev((ws) => {
      ws.services[1].deployment = { maximumPercent: 150 };
      ws.services[1].autoscaling = { min: 2, max: 3 };
      ws.services[1].desiredCount = 2;
    });
    expect(check().services[1].deployment.maximumPercent).toBe(150);
  });

  test("minimumHealthyPercent 50 with maximumPercent 100 is refused for a single task (ECS rounds the 50% up to 1)", () => {
    expect(dev((ws) => (ws.services[0].deployment = { minimumHealthyPercent: 50, maximumPercent: 100 }))).toThrow(
      devIssue(
        "services[0].deployment.maximumPercent",
        /with minimumHealthyPercent 50 and maximumPercent 100, a rollout of 1 task/,
      ),
    );
  });

  test("maximumPercent 100 is accepted when old tasks may stop first (minimumHealthyPercent 0, or 50 from two tasks)", () => {
    const none = dev((ws) => (ws.services[0].deployment = { minimumHealthyPercent: 0, maximumPercent: 100 }));
    expect(none().services[0].deployment.maximumPercent).toBe(100);
    const half = dev((ws) => {
      ws.services[1].deployment = { minimumHealthyPercent: 50, maximumPercent: 100 };
      ws.services[1].autoscaling = { min: 2, max: 3 };
      ws.services[1].desiredCount = 2;
    });
    expect(half().services[1].deployment.minimumHealthyPercent).toBe(50);
  });
});

describe("EC2 capacity", () => {
  test("minSize above maxSize is refused", () => {
    expect(dev((ws) => (ws.cluster.ec2 = { minSize: 3, maxSize: 2 }))).toThrow(
      devIssue("cluster.ec2.minSize", /3 is above maxSize \(2\); expected minSize <= maxSize$/),
    );
  });

  test("a Graviton type is refused: the cluster boots the x86_64 image", () => {
    expect(dev((ws) => (ws.cluster.ec2 = { instanceType: "t4g.small" }))).toThrow(
      devIssue("cluster.ec2.instanceType", /.*use an x86_64 type such as "t3\.small";/),
    );
    expect(dev((ws) => (ws.cluster.ec2 = { instanceType: "m7g.large" }))).toThrow(
      devIssue(
        "cluster.ec2.instanceType",
        /"m7g\.large" is a Graviton \(arm64\) type, but the container instances boot the x86_64 ECS-optimized Amazon Linux 2023 image, which arm64 instances cannot run; use an x86_64 type such as "m7i\.large"; known types: t3, t3a \(nano, micro, small, medium, large, xlarge, 2xlarge\); m5, .* \(large, xlarge, 2xlarge, 4xlarge\)$/,
      ),
    );
  });

  test.each(["t4g.small", "c6gn.large", "r8g.xlarge", "a1.medium", "x2gd.large", "im4gn.large"])(
    "%s is recognised as Graviton",
    (type) => {
      expect(isGravitonType(type)).toBe(true);
    },
  );

  test.each(["t3.small", "m7i-flex.large", "g4dn.xlarge", "inf2.xlarge"])("%s is not taken for Graviton", (type) => {
    expect(isGravitonType(type)).toBe(false);
  });

  test("an instance type the project does not know is refused with the known ones", () => {
    expect(dev((ws) => (ws.cluster.ec2 = { instanceType: "t3.mega" }))).toThrow(
      devIssue(
        "cluster.ec2.instanceType",
        /"t3\.mega" is not an instance type this project knows the size of; expected one of t3, t3a \(nano, micro, .*\) \(add a row to src\/config\/instance-types\.ts for another\)$/,
      ),
    );
  });

  test("a service whose memory does not fit on one instance is refused, suggesting the size that fits", () => {
    const check = dev((ws) => {
      ws.cluster.ec2 = { instanceType: "t3.small" };
      ws.services[0].capacity = "ec2";
      ws.services[0].cpu = 1024;
      ws.services[0].memory = 2048;
    });
    expect(check).toThrow(
      devIssue(
        "services[0].memory",
        /2048 MiB does not fit on one t3\.small container instance, which offers tasks 1792 MiB \(2048 MiB installed, less what the system and the ECS agent keep\); use a larger cluster\.ec2\.instanceType \(e\.g\. "t3\.medium"\) or a smaller task$/,
      ),
    );
  });

  test("a service whose CPU does not fit on one instance is refused", () => {
    const check = dev((ws) => {
      ws.cluster.ec2 = { instanceType: "c7i.large" };
      ws.services[1].capacity = "ec2";
      ws.services[1].cpu = 4096;
      ws.services[1].memory = 8192;
    });
    const issues = issuesOf(check);
    expect(issues).toContainEqual({
      field: "services[1].cpu",
      message: expect.stringMatching(
        /^4096 CPU units do not fit on one c7i\.large container instance, which has 2048 \(2 vCPUs\); use a larger cluster\.ec2\.instanceType \(e\.g\. "c7i\.2xlarge"\)/,
      ),
    });
    expect(issues.map((i) => i.field)).toContain("services[1].memory");
  });

  test("a Fargate service is not held to the instance size", () => {
    const check = dev((ws) => {
      ws.cluster.ec2 = { instanceType: "t3.micro" };
      ws.services[1].cpu = 1024;
      ws.services[1].memory = 2048;
    });
    expect(check().services[1].capacity).toBe("fargate");
  });

  test("the capacity left for tasks keeps 5% or 256 MiB back, as AWS's m4.large example (8192 MiB -> 7985) suggests", () => {
    expect(taskCapacityOf({ vcpus: 2, memoryMiB: 8192 })).toEqual({ cpuUnits: 2048, memoryMiB: 7782 });
    expect(taskCapacityOf({ vcpus: 2, memoryMiB: 2048 })).toEqual({ cpuUnits: 2048, memoryMiB: 1792 });
    expect(taskCapacityOf(EC2_INSTANCE_TYPES["m5.large"]).memoryMiB).toBeLessThan(7985);
  });
});

describe("database engine versions", () => {
  test("a minor RDS no longer offers for new instances is refused, pointing at the major", () => {
    expect(dev((ws) => (ws.database.engineVersion = "16.4"))).toThrow(
      devIssue(
        "database.engineVersion",
        /"16\.4" is not a postgres 16 minor version RDS offers for new instances; expected "16" \(RDS picks its newest minor\) or one of 16\.9, 16\.10, 16\.11, 16\.12 \(a newer minor is added to src\/config\/engine-versions\.ts\)$/,
      ),
    );
  });

  test("a minor that never existed is refused", () => {
    expect(dev((ws) => (ws.database.engineVersion = "16.99"))).toThrow(
      devIssue("database.engineVersion", /"16\.99" is not a postgres 16 minor version RDS offers/),
    );
  });

  test("a mysql patch version RDS does not offer is refused with the offered ones", () => {
    const check = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "8.0.28";
    });
    expect(check).toThrow(
      devIssue(
        "database.engineVersion",
        /"8\.0\.28" is not a mysql 8\.0 minor version RDS offers for new instances; expected "8\.0" .* 8\.0\.40, 8\.0\.41/,
      ),
    );
  });

  test("offered minors and bare majors are accepted", () => {
    expect(dev((ws) => (ws.database.engineVersion = "17.8"))().database!.family).toBe("postgres17");
    const mysql = dev((ws) => {
      ws.database.engine = "mysql";
      ws.database.engineVersion = "8.4.7";
    });
    expect(mysql().database!.family).toBe("mysql8.4");
  });

  test("the table names a minor for every major the construct supports", () => {
    expect(Object.keys(RDS_MINOR_VERSIONS.postgres)).toEqual(["14", "15", "16", "17"]);
    expect(Object.keys(RDS_MINOR_VERSIONS.mysql)).toEqual(["8.0", "8.4"]);
    expect(minorVersionProblem("postgres", "16", "16")).toBeUndefined();
  });
});

describe("an existing certificate", () => {
  const withCertificate = (arn: string) =>
    dev((ws) => {
      ws.dns.createZone = false;
      ws.dns.certificateArn = arn;
    });

  test("in another region than the load balancer is refused", () => {
    expect(
      withCertificate("arn:aws:acm:eu-west-1:222222222222:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"),
    ).toThrow(
      devIssue(
        "dns.certificateArn",
        /the certificate is in eu-west-1, but the load balancer is in us-east-1 and can only use a certificate of its own region; request or import it in us-east-1/,
      ),
    );
  });

  test("of another account is refused", () => {
    expect(
      withCertificate("arn:aws:acm:us-east-1:999999999999:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"),
    ).toThrow(
      devIssue(
        "dns.certificateArn",
        /the certificate belongs to account 999999999999, not to this workspace's account 222222222222; a load balancer can only use a certificate of its own account/,
      ),
    );
  });

  test("in another partition is refused", () => {
    expect(withCertificate("arn:aws-cn:acm:us-east-1:222222222222:certificate/abc")).toThrow(
      devIssue("dns.certificateArn", /the certificate is in partition "aws-cn"; us-east-1 is in "aws"$/),
    );
  });

  test("in the workspace's account and region is accepted", () => {
    const arn = "arn:aws:acm:us-east-1:222222222222:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";
    expect(withCertificate(arn)().dns!.certificateArn).toBe(arn);
  });
});

describe("loadBalancer.sslPolicy", () => {
  test.each([
    ["ELBSecurityPolicy-2016-08", "TLS 1.0"],
    ["ELBSecurityPolicy-TLS-1-0-2015-04", "TLS 1.0"],
    ["ELBSecurityPolicy-FS-2018-06", "TLS 1.0"],
    ["ELBSecurityPolicy-TLS13-1-0-2021-06", "TLS 1.0"],
    ["ELBSecurityPolicy-TLS-1-1-2017-01", "TLS 1.1"],
    ["ELBSecurityPolicy-FS-1-1-2019-08", "TLS 1.1"],
    ["ELBSecurityPolicy-TLS13-1-1-2021-06", "TLS 1.1"],
  ])("%s, which accepts %s, is refused with the accepted policies", (policy, version) => {
    expect(dev((ws) => (ws.loadBalancer = { sslPolicy: policy }))).toThrow(
      devIssue(
        "loadBalancer.sslPolicy",
        new RegExp(
          `"${policy}" still accepts ${version.replace(".", "\\.")}, which is deprecated and insecure; expected one of ELBSecurityPolicy-TLS13-1-2-2021-06, .*ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, `,
        ),
      ),
    );
  });

  test("a name that is not an ALB policy is refused", () => {
    expect(dev((ws) => (ws.loadBalancer = { sslPolicy: "TLSv1.2_2021" }))).toThrow(
      devIssue(
        "loadBalancer.sslPolicy",
        /"TLSv1\.2_2021" is not a security policy of Application Load Balancers; expected one of /,
      ),
    );
  });

  test.each([
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  ])("%s is accepted", (policy) => {
    expect(dev((ws) => (ws.loadBalancer = { sslPolicy: policy }))().loadBalancer.sslPolicy).toBe(policy);
  });

  test("the default is an accepted TLS 1.2 and 1.3 policy", () => {
    expect(dev(() => {})().loadBalancer.sslPolicy).toBe(DEFAULT_SSL_POLICY);
    expect(ACCEPTED_SSL_POLICIES).toContain(DEFAULT_SSL_POLICY);
    expect(
      ACCEPTED_SSL_POLICIES.filter((p) => /TLS13-1-[01]-|TLS-1-[01]-|2016-08|2015-05|FS-2018|FS-1-1/.test(p)),
    ).toEqual([]);
  });
});
