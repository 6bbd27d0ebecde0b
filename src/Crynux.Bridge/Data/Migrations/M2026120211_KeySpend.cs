using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// Key controls and spend accounting. Wei amounts do not fit a BIGINT (9.2 CNX) and SQLite has no exact wide decimal, so
/// each amount is kept as whole GWei plus the sub-GWei wei (each column a BIGINT summed on its own; readers add them up).
/// </summary>
[Migration(2026120211, "key controls and spend accounting")]
public sealed class M2026120211KeySpend : Migration
{
    public override void Up()
    {
        Alter.Table("api_keys")
            // Null: no spend limit. In GWei (a limit has at most 9 decimals of CNX).
            .AddColumn("spend_limit_gwei").AsInt64().Nullable()
            // What the key's tasks hold against the limit: the worst case of running tasks, the charged fees of ended ones.
            .AddColumn("spend_held_gwei").AsInt64().NotNullable().WithDefaultValue(0)
            // Null: every model; else a JSON array of the model ids the key may use.
            .AddColumn("models").AsString(4000).Nullable();

        Alter.Table("client_tasks")
            .AddColumn("spend_held_gwei").AsInt64().NotNullable().WithDefaultValue(0);

        // 0 not charged, 1 charged by the Relay, 2 refunded; 3 a task from before this accounting (never counted).
        Alter.Table("inference_tasks")
            .AddColumn("fee_state").AsInt32().NotNullable().WithDefaultValue(0);
        Execute.Sql("UPDATE inference_tasks SET fee_state = 3");

        // Per key (0: tasks without a key) and UTC day of the client task's admission (days since 1970-01-01).
        Create.Table("key_spend_days")
            .WithColumn("api_key_id").AsInt64().NotNullable().PrimaryKey("pk_key_spend_days")
            .WithColumn("day").AsInt64().NotNullable().PrimaryKey("pk_key_spend_days")
            .WithColumn("tasks").AsInt64().NotNullable()
            .WithColumn("successes").AsInt64().NotNullable()
            .WithColumn("failures").AsInt64().NotNullable()
            .WithColumn("charged_gwei").AsInt64().NotNullable()
            .WithColumn("charged_wei").AsInt64().NotNullable()
            .WithColumn("refunded_gwei").AsInt64().NotNullable()
            .WithColumn("refunded_wei").AsInt64().NotNullable();
    }

    public override void Down()
    {
        Delete.Table("key_spend_days");
        Delete.Column("fee_state").FromTable("inference_tasks");
        Delete.Column("spend_held_gwei").FromTable("client_tasks");
        Delete.Column("spend_limit_gwei").Column("spend_held_gwei").Column("models").FromTable("api_keys");
    }
}
