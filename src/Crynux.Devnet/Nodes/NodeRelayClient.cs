using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Crynux.Crypto;
using Crynux.Devnet.Http;

namespace Crynux.Devnet.Nodes;

/// <summary>A simulated node's signed HTTP calls to the Relay, made exactly as a real node makes them.</summary>
internal sealed class NodeRelayClient(HttpClient http, EthKey key, TimeProvider time)
{
    public async Task<JsonObject> GetTaskAsync(string commitment, CancellationToken ct)
    {
        var (timestamp, signature) = Sign(new JsonObject { ["task_id_commitment"] = commitment });
        using var response = await http.GetAsync(
            new Uri($"v1/inference_tasks/{commitment}?timestamp={timestamp}&signature={signature}", UriKind.Relative), ct);
        var body = await Ensure(response, ct);
        return body["data"] as JsonObject ?? throw new InvalidOperationException("Relay task response without data.");
    }

    /// <summary>An SD fine-tune task's input checkpoint (the creator's upload), or null when the task has none.</summary>
    public async Task<byte[]?> GetInputCheckpointAsync(string commitment, CancellationToken ct)
    {
        var (timestamp, signature) = Sign(new JsonObject { ["task_id_commitment"] = commitment });
        using var response = await http.GetAsync(
            new Uri($"v1/inference_tasks/{commitment}/checkpoint?timestamp={timestamp}&signature={signature}", UriKind.Relative), ct);
        if (response.StatusCode == System.Net.HttpStatusCode.BadRequest)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            await Ensure(response, ct);
        }
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public Task SubmitScoreAsync(string commitment, string score, CancellationToken ct)
    {
        var (timestamp, signature) = Sign(new JsonObject { ["score"] = score, ["task_id_commitment"] = commitment });
        return PostJsonAsync($"v1/inference_tasks/{commitment}/score",
            new JsonObject { ["score"] = score, ["timestamp"] = timestamp, ["signature"] = signature }, ct);
    }

    public Task ReportErrorAsync(string commitment, int error, CancellationToken ct)
    {
        var (timestamp, signature) = Sign(new JsonObject { ["task_error"] = error, ["task_id_commitment"] = commitment });
        return PostJsonAsync($"v1/inference_tasks/{commitment}/task_error",
            new JsonObject { ["task_error"] = error, ["timestamp"] = timestamp, ["signature"] = signature }, ct);
    }

    public async Task UploadAsync(string commitment, NodeOutput output, CancellationToken ct)
    {
        var (timestamp, signature) = Sign(new JsonObject { ["task_id_commitment"] = commitment });
        using var form = new MultipartFormDataContent
        {
            { new StringContent(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)), "timestamp" },
            { new StringContent(signature), "signature" },
        };
        for (var i = 0; i < output.Files.Count; i++)
        {
            var part = new ByteArrayContent(output.Files[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", $"{i}{output.Extension}");
        }
        if (output.Checkpoint is { } checkpoint)
        {
            form.Add(new ByteArrayContent(checkpoint), "checkpoint", "checkpoint.zip");
        }
        using var response = await http.PostAsync(new Uri($"v1/inference_tasks/{commitment}/results", UriKind.Relative), form, ct);
        await Ensure(response, ct);
    }

    private async Task PostJsonAsync(string path, JsonObject body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, RelayResponses.Json, ct);
        await Ensure(response, ct);
    }

    private (long Timestamp, string Signature) Sign(JsonObject data)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        return (timestamp, SignedRequest.Sign(key, data, timestamp));
    }

    private static async Task<JsonObject> Ensure(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Relay answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
        }
        return JsonNode.Parse(text) as JsonObject ?? [];
    }
}
