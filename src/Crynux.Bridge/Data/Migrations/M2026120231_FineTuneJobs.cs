using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// A fine-tune job: one client task whose Relay tasks are its rounds. <c>rounds_created</c> counts the rounds written
/// (retries included) and guards the next one, so that a repeated step never adds a second round for the same step;
/// <c>finished_task_id</c> is the round whose checkpoint carried FINISH (the job's result).
/// </summary>
[Migration(2026120231, "finetune_jobs")]
public sealed class M2026120231FineTuneJobs : Migration
{
    public override void Up()
    {
        Create.Table("finetune_jobs")
            .WithColumn("client_task_id").AsInt64().PrimaryKey()
            .WithColumn("rounds_created").AsInt32().NotNullable()
            .WithColumn("finished_task_id").AsInt64().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable();
    }

    public override void Down() => Delete.Table("finetune_jobs");
}
