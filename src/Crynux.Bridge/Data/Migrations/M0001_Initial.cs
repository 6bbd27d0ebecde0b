using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>The whole schema. Times are unix milliseconds (BIGINT) so that all three databases agree without time zones.</summary>
[Migration(2026120101, "initial schema")]
public sealed class M0001Initial : Migration
{
    public override void Up()
    {
        Create.Table("clients")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("client_id").AsString(255).NotNullable().Unique("ux_clients_client_id")
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Table("api_keys")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("client_id").AsString(255).NotNullable().Unique("ux_api_keys_client_id")
            .WithColumn("key_hash").AsString(64).NotNullable().Unique("ux_api_keys_key_hash")
            .WithColumn("key_prefix").AsString(16).NotNullable()
            .WithColumn("roles").AsString(255).NotNullable()
            .WithColumn("use_limit").AsInt64().NotNullable()
            .WithColumn("used_count").AsInt64().NotNullable()
            .WithColumn("rate_limit").AsInt64().NotNullable()
            .WithColumn("expires_at").AsInt64().NotNullable()
            .WithColumn("last_used_at").AsInt64().Nullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("deleted_at").AsInt64().Nullable();

        // Signatures accepted on management routes, kept for the time window so that none is accepted twice.
        Create.Table("used_signatures")
            .WithColumn("signature_hash").AsString(64).PrimaryKey()
            .WithColumn("expires_at").AsInt64().NotNullable().Indexed("ix_used_signatures_expires_at");

        Create.Table("client_tasks")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("public_id").AsString(64).NotNullable().Unique("ux_client_tasks_public_id")
            .WithColumn("client_id").AsString(255).NotNullable().Indexed("ix_client_tasks_client_id")
            .WithColumn("api_key_id").AsInt64().Nullable()
            .WithColumn("kind").AsString(16).NotNullable()
            .WithColumn("status").AsString(16).NotNullable()
            .WithColumn("error").AsString(4000).Nullable()
            .WithColumn("idempotency_key").AsString(255).Nullable()
            .WithColumn("failed_count").AsInt32().NotNullable()
            .WithColumn("result_task_id").AsInt64().Nullable()
            .WithColumn("quota_reserved").AsInt32().NotNullable()
            .WithColumn("is_open").AsInt32().NotNullable()
            .WithColumn("lease_owner").AsString(128).Nullable()
            .WithColumn("lease_expires_at").AsInt64().NotNullable()
            .WithColumn("meta").AsString(4000).Nullable()
            .WithColumn("created_at").AsInt64().NotNullable().Indexed("ix_client_tasks_created_at")
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("finished_at").AsInt64().Nullable();
        Create.Index("ux_client_tasks_idempotency").OnTable("client_tasks")
            .OnColumn("api_key_id").Ascending().OnColumn("idempotency_key").Ascending().WithOptions().Unique();
        Create.Index("ix_client_tasks_open").OnTable("client_tasks").OnColumn("is_open").Ascending().OnColumn("lease_expires_at").Ascending();

        Create.Table("inference_tasks")
            .WithColumn("id").AsInt64().PrimaryKey().Identity()
            .WithColumn("client_task_id").AsInt64().NotNullable().Indexed("ix_inference_tasks_client_task_id")
            .WithColumn("group_id").AsInt64().Nullable()
            .WithColumn("is_validation").AsInt32().NotNullable()
            .WithColumn("task_args").AsString(int.MaxValue).NotNullable()
            .WithColumn("task_type").AsInt32().NotNullable()
            .WithColumn("task_model_ids").AsString(2000).NotNullable()
            .WithColumn("task_version").AsString(32).NotNullable()
            .WithColumn("task_fee").AsString(80).NotNullable()
            .WithColumn("min_vram").AsInt64().NotNullable()
            .WithColumn("required_gpu").AsString(255).NotNullable()
            .WithColumn("required_gpu_vram").AsInt64().NotNullable()
            .WithColumn("task_size").AsInt64().NotNullable()
            .WithColumn("timeout").AsInt64().NotNullable()
            .WithColumn("status").AsInt32().NotNullable()
            .WithColumn("stage").AsInt32().NotNullable()
            .WithColumn("task_id").AsString(66).NotNullable()
            .WithColumn("nonce").AsString(66).NotNullable()
            .WithColumn("task_id_commitment").AsString(66).NotNullable().Unique("ux_inference_tasks_commitment")
            .WithColumn("sequence").AsInt64().NotNullable()
            .WithColumn("sampling_seed").AsString(66).NotNullable()
            .WithColumn("vrf_proof").AsString(170).NotNullable()
            .WithColumn("vrf_number").AsString(66).NotNullable()
            .WithColumn("need_validation").AsInt32().Nullable()
            .WithColumn("selected_node").AsString(42).NotNullable()
            .WithColumn("abort_reason").AsInt32().NotNullable()
            .WithColumn("task_error").AsInt32().NotNullable()
            .WithColumn("validate_sent").AsInt32().NotNullable()
            .WithColumn("cancel_sent").AsInt32().NotNullable()
            .WithColumn("attempts").AsInt32().NotNullable()
            .WithColumn("last_error").AsString(4000).Nullable()
            .WithColumn("created_by").AsString(128).NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable()
            .WithColumn("updated_at").AsInt64().NotNullable()
            .WithColumn("relay_created_at").AsInt64().Nullable()
            .WithColumn("downloaded_at").AsInt64().Nullable();

        Create.Table("engine_state")
            .WithColumn("name").AsString(64).PrimaryKey()
            .WithColumn("value").AsString(255).NotNullable();
    }

    public override void Down()
    {
        foreach (var table in new[] { "engine_state", "inference_tasks", "client_tasks", "used_signatures", "api_keys", "clients" })
        {
            Delete.Table(table);
        }
    }
}
