using System.Globalization;
using System.Text;
using Crynux.Bridge.Data;
using Dapper;

namespace Crynux.Bridge.Tests.OperatorConsole;

/// <summary>Writes many finished tasks straight into the database (for load measurements): a client task, its Relay task and four events each.</summary>
internal static class ConsoleSeed
{
    public static async Task InsertFinishedTasksAsync(Database db, int count, TimeSpan spread, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var write = await db.OpenWriteAsync(ct);
        var connection = write.Connection;
        const int Batch = 500;
        for (var start = 0; start < count; start += Batch)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var clients = new StringBuilder("INSERT INTO client_tasks (public_id, client_id, api_key_id, kind, status, error, failed_count, quota_reserved, is_open, lease_expires_at, created_at, updated_at, finished_at) VALUES ");
            for (var i = start; i < Math.Min(count, start + Batch); i++)
            {
                var created = now - (long)(spread.TotalMilliseconds * (count - i) / count) - 5_000;
                var failed = i % 10 == 0;
                var took = 1_000 + (i % 20) * 250;
                clients.Append(CultureInfo.InvariantCulture,
                    $"{(i == start ? "" : ",")}('seed{i:D28}', '0x{i % 20:D40}', {1 + i % 20}, 'chat', '{(failed ? "failed" : "success")}', {(failed ? "'task_error: seeded'" : "NULL")}, 0, 0, 0, 0, {created}, {created + took}, {created + took})");
            }
            await connection.ExecuteAsync(new CommandDefinition(clients.ToString(), transaction: tx, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO inference_tasks (client_task_id, is_validation, task_args, task_type, task_model_ids, task_version, task_fee, min_vram, required_gpu, " +
                "required_gpu_vram, task_size, timeout, status, stage, task_id, nonce, task_id_commitment, sequence, sampling_seed, vrf_proof, vrf_number, selected_node, " +
                "abort_reason, task_error, validate_sent, cancel_sent, attempts, created_by, created_at, updated_at) " +
                "SELECT id, 0, '{}', 1, 'base:Qwen/Qwen2.5-7B', '3.1.0', '5000000000000000000', 0, '', 0, 1, 0, " +
                $"CASE WHEN status = 'failed' THEN {(int)InferenceStatus.EndAborted} ELSE {(int)InferenceStatus.ResultDownloaded} END, " +
                $"CASE WHEN status = 'failed' THEN {(int)TaskStage.Finished} ELSE {(int)TaskStage.Downloaded} END, " +
                "'0x' || public_id, '0x00', 'c' || public_id, 1, '', '', '', '', 0, 0, 1, 0, 0, 'seed', created_at, finished_at " +
                "FROM client_tasks WHERE public_id LIKE 'seed%' AND id NOT IN (SELECT client_task_id FROM inference_tasks)", transaction: tx, cancellationToken: ct));
            foreach (var (name, status) in new[] { ("relay_task_created", 1), ("task_started", 2), ("score_ready", 4), ("result_downloaded", 11) })
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO task_events (client_task_id, task_id_commitment, name, task_status, created_at) " +
                    $"SELECT client_task_id, task_id_commitment, '{name}', {status}, created_at + {status * 50} FROM inference_tasks i " +
                    $"WHERE created_by = 'seed' AND NOT EXISTS (SELECT 1 FROM task_events e WHERE e.task_id_commitment = i.task_id_commitment AND e.name = '{name}')",
                    transaction: tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
        }
    }
}
