// One account per workspace, none in the master account, unless a file says why (validateWorkspaceSet).
import { ConfigError, validateWorkspaceSet } from "../../src/config";
import { configIssue, DEV_FILE, PROD_FILE, projectConfig, validateChanged, workspaceSet } from "../../test/fixtures";

const devIssue = (field: string, message: RegExp) => configIssue(DEV_FILE, field, message);
const prodIssue = (field: string, message: RegExp) => configIssue(PROD_FILE, field, message);
const WAIVER = "a disposable copy of prod for the load test, removed after the release";

describe("validateWorkspaceSet refuses", () => {
  test("two workspaces in one account, naming the other workspace and its file", () => {
    const set = workspaceSet((dev, prod) => (prod.accountId = dev.accountId));
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      devIssue(
        "accountId",
        /"222222222222" is also the account of workspace "prod" \(environments\/prod\.ts\); workspaces that share an account share its IAM, quotas and mistakes; give the workspace an account of its own, or set sharedAccountWaiver to the reason it shares one$/,
      ),
    );
  });

  test("both files of a shared account, in one error", () => {
    const set = workspaceSet((dev, prod) => (prod.accountId = dev.accountId));
    let error: unknown;
    try {
      validateWorkspaceSet(set, projectConfig());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).errors.map((e) => e.file)).toEqual([DEV_FILE, PROD_FILE]);
    expect((error as ConfigError).message).toMatch(prodIssue("accountId", /.*also the account of workspace "dev"/));
  });

  test("a workspace in the master account", () => {
    const set = workspaceSet((dev) => (dev.accountId = "111111111111"));
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      devIssue(
        "accountId",
        /"111111111111" is the master account \(masterAccountId in environments\/bootstrap\.ts\), which holds every workspace's Terraform state; give the workspace an account of its own/,
      ),
    );
  });

  test("a shared account waived on one side only: the other file still has to say why", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      dev.sharedAccountWaiver = WAIVER;
    });
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      prodIssue("accountId", /.*also the account of workspace "dev"/),
    );
    expect(() => validateWorkspaceSet(set, projectConfig())).not.toThrow(/environments\/dev\.ts is not a valid/);
  });

  test("two workspaces of one account with the same name prefix, even with waivers", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      dev.sharedAccountWaiver = WAIVER;
      prod.sharedAccountWaiver = WAIVER;
      dev.namePrefix = "acme-shared";
      prod.namePrefix = "acme-shared";
    });
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      devIssue(
        "namePrefix",
        /"acme-shared" is also the name prefix of workspace "prod" \(environments\/prod\.ts\) in the same account, so their roles, log groups and other names would collide; give each its own namePrefix$/,
      ),
    );
  });

  test("a task policy that reaches into another workspace's account", () => {
    const set = workspaceSet(
      (dev) =>
        (dev.services[1].taskPolicy = [
          {
            actions: ["s3:GetObject"],
            resources: ["arn:aws:s3:::uploads/*", "arn:aws:sqs:us-east-1:333333333333:jobs"],
          },
        ]),
    );
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      devIssue(
        "services[1].taskPolicy[0].resources[1]",
        /"arn:aws:sqs:us-east-1:333333333333:jobs" is in account 333333333333, workspace "prod"'s \(environments\/prod\.ts\); a workspace's tasks must not reach another workspace's account; name a resource of account 222222222222$/,
      ),
    );
  });

  test("a task policy that reaches into the master account", () => {
    const set = workspaceSet(
      (dev) =>
        (dev.services[1].taskPolicy = [
          {
            actions: ["dynamodb:GetItem"],
            resources: ["arn:aws:dynamodb:us-east-1:111111111111:table/acme-tfstate-lock"],
          },
        ]),
    );
    expect(() => validateWorkspaceSet(set, projectConfig())).toThrow(
      devIssue(
        "services[1].taskPolicy[0].resources[0]",
        /.*is in account 111111111111, the master account's, which holds the Terraform state/,
      ),
    );
  });
});

describe("validateWorkspaceSet accepts", () => {
  test("the real dev and prod, each in its own account", () => {
    expect(() => validateWorkspaceSet(workspaceSet(), projectConfig())).not.toThrow();
  });

  test("a shared account when both files give the reason", () => {
    const set = workspaceSet((dev, prod) => {
      prod.accountId = dev.accountId;
      dev.sharedAccountWaiver = WAIVER;
      prod.sharedAccountWaiver = WAIVER;
    });
    expect(() => validateWorkspaceSet(set, projectConfig())).not.toThrow();
  });

  test("the master account with a reason", () => {
    const set = workspaceSet((dev) => {
      dev.accountId = "111111111111";
      dev.sharedAccountWaiver = "a single sandbox account for the whole evaluation";
    });
    expect(() => validateWorkspaceSet(set, projectConfig())).not.toThrow();
  });

  test("resources of third-party accounts and of its own account", () => {
    const set = workspaceSet(
      (dev) =>
        (dev.services[1].taskPolicy = [
          {
            actions: ["sqs:SendMessage"],
            resources: ["arn:aws:sqs:us-east-1:222222222222:jobs", "arn:aws:sqs:us-east-1:999999999999:partner-inbox"],
          },
        ]),
    );
    expect(() => validateWorkspaceSet(set, projectConfig())).not.toThrow();
  });
});

test("a waiver shorter than 20 characters is refused", () => {
  expect(validateChanged("dev", (ws) => (ws.sharedAccountWaiver = "load test"))).toThrow(
    devIssue("sharedAccountWaiver", /give a reason of at least 20 characters$/),
  );
});
