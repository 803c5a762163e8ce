import { allowHttpsOut, SecurityGroupLink } from "../../src/constructs/security-group-link";
import { resourcesOf, synthConstruct } from "../../test/stacks";

const FROM = "sg-0aaaaaaaaaaaaaaa1";
const TO = "sg-0bbbbbbbbbbbbbbb2";

describe("SecurityGroupLink", () => {
  const { parsed } = synthConstruct(
    (scope) =>
      new SecurityGroupLink(scope, "Link", {
        fromSecurityGroupId: FROM,
        toSecurityGroupId: TO,
        port: 5432,
        description: "api to the database",
      }),
  );

  test("lets the calling group open TCP connections to the called group on the port, and nowhere else", () => {
    expect(resourcesOf(parsed, "aws_vpc_security_group_egress_rule")).toEqual([
      {
        security_group_id: FROM,
        referenced_security_group_id: TO,
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "api to the database",
      },
    ]);
  });

  test("lets the called group accept them from the calling group only", () => {
    expect(resourcesOf(parsed, "aws_vpc_security_group_ingress_rule")).toEqual([
      {
        security_group_id: TO,
        referenced_security_group_id: FROM,
        ip_protocol: "tcp",
        from_port: 5432,
        to_port: 5432,
        description: "api to the database",
      },
    ]);
  });
});

describe("allowHttpsOut", () => {
  test("lets a group open HTTPS connections anywhere, and only HTTPS", () => {
    const { parsed } = synthConstruct((scope) => allowHttpsOut(scope, "HttpsOut", FROM, "AWS APIs"));
    expect(resourcesOf(parsed, "aws_vpc_security_group_egress_rule")).toEqual([
      {
        security_group_id: FROM,
        ip_protocol: "tcp",
        from_port: 443,
        to_port: 443,
        cidr_ipv4: "0.0.0.0/0",
        description: "AWS APIs",
      },
    ]);
  });
});
