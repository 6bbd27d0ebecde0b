using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>The InferenceTask payload of GET and create, in the Relay's struct order (docs/protocol.md §3.2).</summary>
internal static class TaskJson
{
    public static JsonObject From(TaskSnapshot t)
    {
        var json = new JsonObject
        {
            ["sequence"] = t.Sequence,
            ["task_args"] = t.TaskArgs,
            ["task_id_commitment"] = t.TaskIdCommitment,
            ["creator"] = t.Creator,
            ["sampling_seed"] = t.SamplingSeed,
            ["nonce"] = t.Nonce,
            ["status"] = (int)t.Status,
            ["task_type"] = (int)t.TaskType,
            ["task_version"] = t.TaskVersion,
            ["timeout"] = t.Timeout,
            ["min_vram"] = t.MinVram,
            ["required_gpu"] = t.RequiredGpu,
            ["required_gpu_vram"] = t.RequiredGpuVram,
            ["task_fee"] = t.TaskFee.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["task_size"] = t.TaskSize,
            ["model_ids"] = new JsonArray([.. t.ModelIds.Select(m => (JsonNode)m)]),
            ["abort_reason"] = (int)t.AbortReason,
            ["task_error"] = t.TaskError,
            ["score"] = t.Score,
            ["qos_score"] = t.QosScore ?? 0,
            ["selected_node"] = t.SelectedNode,
            ["create_time"] = GoTime.Format(t.CreateTime),
        };
        AddTime(json, "start_time", t.StartTime);
        AddTime(json, "score_ready_time", t.ScoreReadyTime);
        AddTime(json, "validated_time", t.ValidatedTime);
        AddTime(json, "result_uploaded_time", t.ResultUploadedTime);
        return json;
    }

    private static void AddTime(JsonObject json, string key, DateTimeOffset? time)
    {
        if (time is { } value)
        {
            json[key] = GoTime.Format(value);
        }
    }
}
