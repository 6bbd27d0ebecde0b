using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// Responses API objects (POST /v1/responses with store): the response as answered, and the conversation it ends, so that
/// a later request of the same key can continue it with previous_response_id.
/// </summary>
[Migration(2026120221, "llm_responses")]
public sealed class M2026120221Responses : Migration
{
    public override void Up()
    {
        Create.Table("llm_responses")
            .WithColumn("id").AsString(64).PrimaryKey()
            .WithColumn("api_key_id").AsInt64().NotNullable().Indexed("ix_llm_responses_api_key_id")
            .WithColumn("client_task_id").AsInt64().Nullable().Indexed("ix_llm_responses_client_task_id")
            .WithColumn("status").AsString(16).NotNullable()
            .WithColumn("body").AsString(int.MaxValue).NotNullable()
            .WithColumn("conversation").AsString(int.MaxValue).Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            // 0 = kept until deleted (inference_tasks_retention_days 0).
            .WithColumn("expires_at").AsInt64().NotNullable().Indexed("ix_llm_responses_expires_at");
    }

    public override void Down() => Delete.Table("llm_responses");
}
