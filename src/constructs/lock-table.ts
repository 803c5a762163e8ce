import { Construct } from "constructs";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";

export interface LockTableProps {
  /** Table name. */
  readonly tableName: string;
  /**
   * Refuse deletion both in AWS (deletion protection) and in Terraform (`prevent_destroy`).
   * @default true
   */
  readonly protect?: boolean;
}

/**
 * The DynamoDB table Terraform's S3 backend locks state with: `LockID` string hash key, on-demand billing,
 * point-in-time recovery and server-side encryption.
 */
export class LockTable extends Construct {
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: LockTableProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    this.table = new DynamodbTable(this, "Resource", {
      name: props.tableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: protect,
      lifecycle: { preventDestroy: protect },
      tags: { Name: props.tableName },
    });
  }
}
