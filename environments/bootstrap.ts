import type { ProjectInput } from "../src/config";

/**
 * Project-wide settings and the Terraform state bootstrap (the "master" account).
 * Every field is documented in src/config/schema.ts.
 */
const bootstrap: ProjectInput = {
  project: "acme",
  masterAccountId: "111111111111",
  region: "us-east-1",
  deployRoleName: "terraform-deploy",
  // Switch to "s3" after the first apply, then run the state migration described in the README.
  backend: "local",
  stateBucket: {
    noncurrentVersionExpirationDays: 90,
  },
  tags: {
    Owner: "platform",
  },
};

export default bootstrap;
