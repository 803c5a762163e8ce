import { validateWorkspaceSet } from "../../src/config";
import {
  configIssue,
  DEV_FILE,
  devInput,
  PROD_FILE,
  prodInput,
  validateChanged,
  workspaceConfig,
} from "../../test/fixtures";

describe("ci", () => {
  test("the repository must be owner/name", () => {
    expect(validateChanged("dev", (ws) => (ws.ci.repository = "https://github.com/acme/platform"))).toThrow(
      configIssue(
        DEV_FILE,
        "ci.repository",
        /"https:\/\/github.com\/acme\/platform" is not a GitHub repository; expected "owner\/name"/,
      ),
    );
    expect(validateChanged("dev", (ws) => (ws.ci.applicationRepositories = ["acme"]))).toThrow(
      configIssue(DEV_FILE, "ci.applicationRepositories[0]", /"acme" is not a GitHub repository/),
    );
  });

  test.each(["refs/heads/*", "refs/tags/**", "*", "main", "refs/pull/1/merge"])(
    "the ref pattern %s is refused (matches everything, or is not a branch or tag)",
    (ref) => {
      expect(validateChanged("dev", (ws) => (ws.ci.release.refs = [ref]))).toThrow(
        configIssue(
          DEV_FILE,
          "ci.release.refs[0]",
          /".*" is not a usable ref pattern; expected "refs\/heads\/<branch>"/,
        ),
      );
    },
  );

  test("a production workspace releases only from a protected environment, never from a ref", () => {
    expect(validateChanged("prod", (ws) => (ws.ci.release.refs = ["refs/tags/v*"]))).toThrow(
      configIssue(
        PROD_FILE,
        "ci.release.refs",
        /a production workspace releases only from a protected GitHub environment/,
      ),
    );
  });

  test("a release role nobody may use is refused", () => {
    expect(
      validateChanged("dev", (ws) => {
        ws.ci.release.environments = [];
        ws.ci.release.refs = [];
      }),
    ).toThrow(
      configIssue(
        DEV_FILE,
        "ci.release",
        /no GitHub environment or ref may release, so the release role would trust nobody/,
      ),
    );
  });

  test("a plan role nobody may use is refused", () => {
    expect(
      validateChanged("dev", (ws) => {
        ws.ci.plan.pullRequests = false;
        ws.ci.plan.refs = [];
      }),
    ).toThrow(configIssue(DEV_FILE, "ci.plan", /no pull request or ref may plan, so the plan role would trust nobody/));
  });

  test("a repository listed twice is refused", () => {
    expect(validateChanged("dev", (ws) => (ws.ci.applicationRepositories = ["acme/platform"]))).toThrow(
      configIssue(DEV_FILE, "ci.applicationRepositories[0]", /"acme\/platform" is already listed as ci.repository/),
    );
  });

  test("a workspace cannot promote from itself", () => {
    expect(validateChanged("prod", (ws) => (ws.ci.release.promoteFrom = ["prod"]))).toThrow(
      configIssue(PROD_FILE, "ci.release.promoteFrom[0]", /a workspace cannot promote from itself/),
    );
  });

  test("promoting from a workspace that does not let this account pull is refused, naming where to allow it", () => {
    const dev = devInput();
    dev.registry = { pullAccountIds: [] };
    expect(() =>
      validateWorkspaceSet([workspaceConfig(dev, DEV_FILE), workspaceConfig(prodInput(), PROD_FILE)]),
    ).toThrow(
      configIssue(
        PROD_FILE,
        "ci.release.promoteFrom[0]",
        /workspace "dev" does not let account 333333333333 pull its images; add "333333333333" to registry.pullAccountIds in environments\/dev.ts/,
      ),
    );
  });

  test("promoting from a workspace that does not exist is refused", () => {
    const prod = prodInput();
    prod.ci!.release!.promoteFrom = ["staging"];
    expect(() =>
      validateWorkspaceSet([workspaceConfig(devInput(), DEV_FILE), workspaceConfig(prod, PROD_FILE)]),
    ).toThrow(
      configIssue(PROD_FILE, "ci.release.promoteFrom[0]", /no workspace is named "staging"; expected one of dev/),
    );
  });
});
