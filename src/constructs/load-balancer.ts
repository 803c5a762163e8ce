import { Construct } from "constructs";
import { abortIncompleteUploadsRule, bucketBaseline, denyInsecureTransport } from "./bucket-baseline";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { logExpiryRule } from "./access-log-bucket";
import { WebAcl } from "./web-acl";

const ACCESS_LOG_PREFIX = "alb";

export interface LoadBalancerProps {
  readonly namePrefix: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Subnets of the public tier. */
  readonly subnetIds: string[];
  /** DNS zone the certificate and host names live in. */
  readonly zoneName: string;
  /** Create the hosted zone (true) or look up an existing one by name (false). */
  readonly createZone: boolean;
  /** Use this certificate instead of requesting a DNS-validated one. @default - a new ACM certificate */
  readonly certificateArn?: string;
  /** Host names to point at the load balancer with alias records. */
  readonly hosts: string[];
  /** TLS security policy of the HTTPS listener. */
  readonly sslPolicy: string;
  /** Seconds an idle connection stays open. */
  readonly idleTimeoutSeconds: number;
  /** Refuse deletion of the load balancer. */
  readonly deletionProtection: boolean;
  /** Days access logs are kept in their bucket. */
  readonly accessLogRetentionDays: number;
  /**
   * A second HTTPS listener that reaches the standby colour of blue/green services, open only to these CIDRs.
   * @default - none
   */
  readonly testListener?: { readonly port: number; readonly allowedCidrs: string[] };
  /**
   * Put an AWS WAF web ACL in front of the load balancer (AWS managed rule groups and a per-IP rate limit).
   * @default - no web ACL
   */
  readonly waf?: { readonly rateLimitPer5Minutes: number };
}

/**
 * An internet-facing application load balancer in the public subnets: its own security group (80 and 443 in; out only
 * to the services it fronts, through SecurityGroupLinks), access logs in an encrypted private bucket, an HTTPS
 * listener with a modern TLS policy and a DNS-validated certificate answering 404 to anything no service claims, an
 * HTTP listener that only redirects to HTTPS, alias records for the host names and, optionally, an AWS WAF web ACL.
 */
export class LoadBalancer extends Construct {
  public readonly loadBalancer: Lb;
  public readonly securityGroup: SecurityGroup;
  public readonly httpsListener: LbListener;
  public readonly httpListener: LbListener;
  /** The blue/green test listener, when configured. */
  public readonly testListener?: LbListener;
  public readonly logBucket: S3Bucket;
  /** The web ACL in front of the load balancer, when configured. */
  public readonly webAcl?: WebAcl;
  public readonly zoneId: string;
  /** Name servers to delegate to, when the zone is created here. */
  public readonly nameServers?: string[];
  public readonly certificateArn: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const name = `${props.namePrefix}-alb`;

    if (props.createZone) {
      const zone = new Route53Zone(this, "Zone", { name: props.zoneName, comment: `Managed by ${props.namePrefix}` });
      // A fixed address, so the first deploy can create the zone alone (`apply -target=aws_route53_zone.dns_zone`)
      // and delegate it before the certificate waits for its validation record.
      zone.overrideLogicalId("dns_zone");
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    } else {
      this.zoneId = new DataAwsRoute53Zone(this, "Zone", { name: props.zoneName, privateZone: false }).zoneId;
    }
    this.certificateArn = props.certificateArn ?? this.requestCertificate(props.zoneName);

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name,
      description: "HTTP and HTTPS from the internet; out only to the services behind it",
      vpcId: props.vpcId,
      tags: { Name: name },
    });
    for (const port of [80, 443]) {
      new VpcSecurityGroupIngressRule(this, `ingress-${port}`, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        description: port === 443 ? "HTTPS from anywhere" : "HTTP from anywhere (redirected to HTTPS)",
      });
    }

    const logPolicy = this.createLogBucket(props);
    this.logBucket = logPolicy.bucket;

    this.loadBalancer = new Lb(this, "Resource", {
      name,
      loadBalancerType: "application",
      internal: false,
      subnets: props.subnetIds,
      securityGroups: [this.securityGroup.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: props.deletionProtection,
      idleTimeout: props.idleTimeoutSeconds,
      accessLogs: { bucket: this.logBucket.bucket, prefix: ACCESS_LOG_PREFIX, enabled: true },
      tags: { Name: name },
      // AWS checks at creation that it may write the access logs.
      dependsOn: [logPolicy.policy],
    });

    if (props.waf) {
      this.webAcl = new WebAcl(this, "WebAcl", {
        name,
        resourceArn: this.loadBalancer.arn,
        rateLimitPer5Minutes: props.waf.rateLimitPer5Minutes,
      });
    }

    this.httpsListener = new LbListener(this, "Https", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: props.sslPolicy,
      certificateArn: this.certificateArn,
      defaultAction: [
        {
          type: "fixed-response",
          fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
        },
      ],
    });
    if (props.testListener) {
      const test = props.testListener;
      this.testListener = new LbListener(this, "Test", {
        loadBalancerArn: this.loadBalancer.arn,
        port: test.port,
        protocol: "HTTPS",
        sslPolicy: props.sslPolicy,
        certificateArn: this.certificateArn,
        defaultAction: [
          {
            type: "fixed-response",
            fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
          },
        ],
      });
      test.allowedCidrs.forEach(
        (cidr, i) =>
          new VpcSecurityGroupIngressRule(this, `ingress-test-${i}`, {
            securityGroupId: this.securityGroup.id,
            ipProtocol: "tcp",
            fromPort: test.port,
            toPort: test.port,
            cidrIpv4: cidr,
            description: `Blue/green test listener from ${cidr}`,
          }),
      );
    }
    this.httpListener = new LbListener(this, "Http", {
      loadBalancerArn: this.loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    });

    for (const host of [...new Set(props.hosts)]) {
      new Route53Record(this, `alias-${host}`, {
        zoneId: this.zoneId,
        name: host,
        type: "A",
        alias: { name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true },
      });
    }
  }

  private requestCertificate(zoneName: string): string {
    const certificate = new AcmCertificate(this, "Certificate", {
      domainName: zoneName,
      subjectAlternativeNames: [`*.${zoneName}`],
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      lifecycle: { createBeforeDestroy: true },
      tags: { Name: zoneName },
    });
    // The apex and the wildcard share one validation record.
    const option = certificate.domainValidationOptions.get(0);
    const record = new Route53Record(this, "CertificateValidation", {
      zoneId: this.zoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    return new AcmCertificateValidation(this, "CertificateValidated", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
      // Fail within the hour when the zone is not delegated, instead of the provider's 75 minutes.
      timeouts: { create: "45m" },
    }).certificateArn;
  }

  private createLogBucket(props: LoadBalancerProps): { bucket: S3Bucket; policy: S3BucketPolicy } {
    const bucketName = `${props.namePrefix}-alb-logs-${props.accountId}`;
    const bucket = new S3Bucket(this, "LogBucket", { bucket: bucketName, tags: { Name: bucketName } });
    // ALB log delivery supports SSE-S3 only, which the baseline is.
    const { versioning, publicAccess } = bucketBaseline(this, bucket.id, {
      versioning: "LogBucketVersioning",
      encryption: "LogBucketEncryption",
      publicAccess: "LogBucketPublicAccess",
      ownership: "LogBucketOwnership",
    });
    new S3BucketLifecycleConfiguration(this, "LogBucketLifecycle", {
      bucket: bucket.id,
      dependsOn: [versioning],
      rule: [logExpiryRule(props.accessLogRetentionDays), abortIncompleteUploadsRule()],
    });
    const elbAccount = new DataAwsElbServiceAccount(this, "ElbAccount");
    const logObjects = `${bucket.arn}/${ACCESS_LOG_PREFIX}/AWSLogs/${props.accountId}/*`;
    const policy = new DataAwsIamPolicyDocument(this, "LogBucketPolicyDocument", {
      statement: [
        {
          sid: "ElbLogDeliveryRegional",
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [logObjects],
          principals: [{ type: "AWS", identifiers: [elbAccount.arn] }],
        },
        {
          sid: "ElbLogDeliveryService",
          effect: "Allow",
          actions: ["s3:PutObject"],
          resources: [logObjects],
          principals: [{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }],
        },
        denyInsecureTransport(bucket.arn),
      ],
    });
    const bucketPolicy = new S3BucketPolicy(this, "LogBucketPolicy", {
      bucket: bucket.id,
      policy: policy.json,
      dependsOn: [publicAccess],
    });
    return { bucket, policy: bucketPolicy };
  }
}
