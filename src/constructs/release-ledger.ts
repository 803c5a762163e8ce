import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

/** Key attributes of a release record: the service (partition) and the release id (sort, time-ordered). */
export const RELEASE_KEY = { partition: "service", sort: "id" } as const;

export interface ReleaseLedgerProps {
  /** Table name. */
  readonly tableName: string;
  /** Refuse deletion of the table (AWS deletion protection). */
  readonly deletionProtection: boolean;
}

/**
 * The history of every release and rollback of a workspace's services (`npm run releases`): one DynamoDB item per
 * release, keyed by service and a time-ordered id, with point-in-time recovery and server-side encryption. The
 * release role may write and read it; nothing else in the account needs it.
 */
export class ReleaseLedger extends Construct {
  /** The releases table. */
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: ReleaseLedgerProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, "Resource", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: RELEASE_KEY.partition,
      rangeKey: RELEASE_KEY.sort,
      attribute: [
        { name: RELEASE_KEY.partition, type: "S" },
        { name: RELEASE_KEY.sort, type: "S" },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection,
      tags: { Name: props.tableName },
    });
  }
}
