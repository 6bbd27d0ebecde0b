using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// What happened to each Relay task and when (the admin task traces and the console's timelines): one row per event
/// name and status of a task, written by the engine as it moves the task. Keyed by the commitment so that the event
/// loop's batch updates (which know only commitments) record them too.
/// </summary>
[Migration(2026120261, "task_events")]
public sealed class M2026120261TaskEvents : Migration
{
    public override void Up()
    {
        Create.Table("task_events")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("client_task_id").AsInt64().NotNullable().Indexed("ix_task_events_client_task_id")
            .WithColumn("task_id_commitment").AsString(66).NotNullable().Indexed("ix_task_events_commitment")
            .WithColumn("name").AsString(48).NotNullable()
            .WithColumn("task_status").AsInt32().NotNullable()
            .WithColumn("details").AsString(1000).Nullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        // The console's lists and charts filter and group client tasks by time, key and outcome.
        Create.Index("ix_client_tasks_api_key_created").OnTable("client_tasks")
            .OnColumn("api_key_id").Ascending().OnColumn("created_at").Ascending();
        Create.Index("ix_client_tasks_finished_at").OnTable("client_tasks").OnColumn("finished_at").Ascending();
        Create.Index("ix_inference_tasks_task_id").OnTable("inference_tasks").OnColumn("task_id").Ascending();
    }

    public override void Down()
    {
        Delete.Index("ix_inference_tasks_task_id").OnTable("inference_tasks");
        Delete.Index("ix_client_tasks_finished_at").OnTable("client_tasks");
        Delete.Index("ix_client_tasks_api_key_created").OnTable("client_tasks");
        Delete.Table("task_events");
    }
}
