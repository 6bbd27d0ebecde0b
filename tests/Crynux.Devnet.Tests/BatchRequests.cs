using System.Globalization;
using System.Text.Json.Nodes;
using Crynux.Crypto;

namespace Crynux.Devnet.Tests;

/// <summary>Signed requests of the 2026 routes, built as a bridge would (the signed object is the body without timestamp and signature).</summary>
public static class BatchRequests
{
    /// <summary>A batch-create item with every field, in the form the Relay re-renders for the signature.</summary>
    public static JsonObject Item(TaskSpec spec) => new()
    {
        ["task_id_commitment"] = spec.Commitment,
        ["task_args"] = spec.TaskArgs,
        ["task_type"] = spec.TaskType,
        ["nonce"] = spec.Nonce,
        ["task_model_ids"] = new JsonArray([.. spec.ModelIds.Select(m => (JsonNode)m)]),
        ["min_vram"] = spec.MinVram,
        ["required_gpu"] = spec.RequiredGpu,
        ["required_gpu_vram"] = spec.RequiredGpuVram,
        ["task_version"] = spec.TaskVersion,
        ["task_size"] = spec.TaskSize,
        ["task_fee"] = spec.TaskFee.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Signs <paramref name="payload"/> and posts it with "timestamp" and "signature" added.</summary>
    public static Task<SigningClient.Reply> PostSignedAsync(this SigningClient client, string path, JsonObject payload, Func<string, string>? tamper = null)
    {
        var (ts, sig) = client.Sign(payload);
        var body = payload.DeepClone().AsObject();
        body["timestamp"] = long.Parse(ts, CultureInfo.InvariantCulture);
        body["signature"] = tamper?.Invoke(sig) ?? sig;
        return client.PostJsonAsync(path, body);
    }

    public static Task<SigningClient.Reply> BatchCreateAsync(this SigningClient client, params TaskSpec[] specs) =>
        client.PostSignedAsync("v1/inference_tasks/batch", new JsonObject { ["items"] = new JsonArray([.. specs.Select(s => (JsonNode)Item(s))]) });

    public static Task<SigningClient.Reply> BatchStatusAsync(this SigningClient client, params string[] commitments) =>
        client.PostSignedAsync("v1/inference_tasks/batch/status",
            new JsonObject { ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode)c)]) });

    public static Task<SigningClient.Reply> BatchAbortAsync(this SigningClient client, params (string Commitment, int Reason)[] items) =>
        client.PostSignedAsync("v1/inference_tasks/batch/abort", new JsonObject
        {
            ["items"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject { ["task_id_commitment"] = i.Commitment, ["abort_reason"] = i.Reason })]),
        });

    /// <summary>A validate unit with a real VRF proof over <paramref name="alpha"/> (the original's sampling seed).</summary>
    public static JsonObject Unit(this SigningClient client, IReadOnlyList<string> commitments, string taskId, byte[] alpha) => new()
    {
        ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode)c)]),
        ["task_id"] = taskId,
        ["vrf_proof"] = Hex.Encode(Ecvrf.Prove(client.Key, alpha).Proof),
        ["public_key"] = Hex.Encode(client.Key.PublicKey),
    };

    public static Task<SigningClient.Reply> BatchValidateAsync(this SigningClient client, params JsonObject[] units) =>
        client.PostSignedAsync("v1/inference_tasks/batch/validate", new JsonObject { ["items"] = new JsonArray([.. units.Cast<JsonNode>()]) });

    /// <summary>GET …/results (2026, whole task), signed over {"task_id_commitment"}.</summary>
    public static async Task<HttpResponseMessage> WholeResultAsync(this SigningClient client, HttpClient http, string commitment)
    {
        var (ts, sig) = client.Sign(new JsonObject { ["task_id_commitment"] = commitment });
        return await http.GetAsync(new Uri($"v1/inference_tasks/{commitment}/results?timestamp={ts}&signature={sig}", UriKind.Relative),
            TestContext.Current.CancellationToken);
    }

    /// <summary>The (outcome, error) pairs of a batch answer, in order.</summary>
    public static List<(string Outcome, string? Error)> Outcomes(this SigningClient.Reply reply) =>
        [.. reply.Data!.AsArray().Select(r => (r!["outcome"]!.GetValue<string>(), r["error"]?.GetValue<string>()))];
}
