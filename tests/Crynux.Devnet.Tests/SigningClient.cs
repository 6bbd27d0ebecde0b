using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Crynux.Crypto;

namespace Crynux.Devnet.Tests;

/// <summary>The test's own Relay client: signs requests with Crynux.Crypto as the bridge would, returns raw status + JSON.</summary>
public sealed class SigningClient(HttpClient http, EthKey key, Func<long> now)
{
    public EthKey Key { get; } = key;

    public string Address => Key.Address;

    public sealed record Reply(HttpStatusCode Status, JsonNode? Body, byte[] Bytes)
    {
        public JsonNode? Data => Body?["data"];

        /// <summary>(field_name, message) of a 400 validation_error.</summary>
        public (string? Field, string? Message) Validation => (Body?["data"]?["field_name"]?.GetValue<string>(), Body?["data"]?["message"]?.GetValue<string>());

        public string? Message => Body?["message"]?.GetValue<string>();
    }

    public (string Timestamp, string Signature) Sign(JsonNode data, long? timestamp = null)
    {
        var ts = timestamp ?? now();
        return (ts.ToString(CultureInfo.InvariantCulture), SignedRequest.Sign(Key, data, ts));
    }

    public Task<Reply> CreateAsync(TaskSpec spec, Func<(string, string), (string, string)>? tamper = null)
    {
        // The same signed object as a batch item: the single create signs every field of the task.
        var signed = BatchRequests.Item(spec);
        var sig = Sign(signed);
        if (tamper is not null)
        {
            sig = tamper(sig);
        }
        var form = new List<KeyValuePair<string, string>>
        {
            new("task_args", spec.TaskArgs),
            new("task_type", spec.TaskType.ToString(CultureInfo.InvariantCulture)),
            new("nonce", spec.Nonce),
            new("min_vram", spec.MinVram.ToString(CultureInfo.InvariantCulture)),
            new("required_gpu", spec.RequiredGpu),
            new("required_gpu_vram", spec.RequiredGpuVram.ToString(CultureInfo.InvariantCulture)),
            new("task_version", spec.TaskVersion),
            new("task_size", spec.TaskSize.ToString(CultureInfo.InvariantCulture)),
            new("task_fee", spec.TaskFee.ToString(CultureInfo.InvariantCulture)),
            new("timestamp", sig.Item1),
            new("signature", sig.Item2),
        };
        form.AddRange(spec.ModelIds.Select(m => new KeyValuePair<string, string>("task_model_ids", m)));
        return SendAsync(HttpMethod.Post, $"v1/inference_tasks/{spec.Commitment}", new FormUrlEncodedContent(form));
    }

    public Task<Reply> GetTaskAsync(string commitment, long? timestamp = null, Func<string, string>? tamper = null)
    {
        var (ts, sig) = Sign(new JsonObject { ["task_id_commitment"] = commitment }, timestamp);
        return SendAsync(HttpMethod.Get, $"v1/inference_tasks/{commitment}?timestamp={ts}&signature={tamper?.Invoke(sig) ?? sig}");
    }

    public Task<Reply> ValidateAsync(IReadOnlyList<string> commitments, string taskId, byte[] alpha)
    {
        var proof = Ecvrf.Prove(Key, alpha);
        var signed = new JsonObject
        {
            ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode)c)]),
            ["task_id"] = taskId,
            ["vrf_proof"] = Hex.Encode(proof.Proof),
            ["public_key"] = Hex.Encode(Key.PublicKey),
        };
        var (ts, sig) = Sign(signed);
        signed["timestamp"] = long.Parse(ts, CultureInfo.InvariantCulture);
        signed["signature"] = sig;
        return PostJsonAsync("v1/inference_tasks/validate", signed);
    }

    public Task<Reply> AbortAsync(string commitment, int reason)
    {
        var (ts, sig) = Sign(new JsonObject { ["abort_reason"] = reason, ["task_id_commitment"] = commitment });
        return PostJsonAsync($"v1/inference_tasks/{commitment}/abort_reason", new JsonObject
        {
            ["task_id_commitment"] = commitment,
            ["abort_reason"] = reason,
            ["timestamp"] = long.Parse(ts, CultureInfo.InvariantCulture),
            ["signature"] = sig,
        });
    }

    public Task<Reply> ResultAsync(string commitment, int index)
    {
        var i = index.ToString(CultureInfo.InvariantCulture);
        var (ts, sig) = Sign(new JsonObject { ["index"] = i, ["task_id_commitment"] = commitment });
        return SendAsync(HttpMethod.Get, $"v1/inference_tasks/{commitment}/results/{i}?timestamp={ts}&signature={sig}");
    }

    public Task<Reply> BalanceAsync(string address, Func<string, string>? tamper = null)
    {
        var (ts, sig) = Sign(new JsonObject { ["address"] = address });
        return SendAsync(HttpMethod.Get, $"v2/relay_account/{address}/balance?timestamp={ts}&signature={tamper?.Invoke(sig) ?? sig}");
    }

    public Task<Reply> PostJsonAsync(string path, JsonNode body) =>
        SendAsync(HttpMethod.Post, path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));

    public async Task<Reply> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        JsonNode? body = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/json" && bytes.Length > 0)
        {
            body = JsonNode.Parse(bytes);
        }
        return new Reply(response.StatusCode, body, bytes);
    }
}

/// <summary>A task to create: fresh task id, nonce and commitment, and the create fields.</summary>
public sealed record TaskSpec
{
    public required string TaskArgs { get; init; }
    public required int TaskType { get; init; }
    public required IReadOnlyList<string> ModelIds { get; init; }
    public string TaskId { get; init; } = Hex.Encode(TaskIdentity.NewTaskId());
    public string Nonce { get; init; } = Hex.Encode(TaskIdentity.NewNonce());
    public string Commitment => TaskIdentity.CommitmentHex(TaskId, Nonce);
    public ulong MinVram { get; init; } = 8;
    public string RequiredGpu { get; init; } = "";
    public ulong RequiredGpuVram { get; init; }
    public string TaskVersion { get; init; } = "3.1.0";
    public ulong TaskSize { get; init; } = 1;
    public BigInteger TaskFee { get; init; } = BigInteger.Parse("1000000000000000000", CultureInfo.InvariantCulture);

    /// <summary>A sibling for a validation group: same task id, fresh nonce.</summary>
    public TaskSpec Sibling() => this with { Nonce = Hex.Encode(TaskIdentity.NewNonce()) };

    public static TaskSpec Sd(string prompt = "a red fox in snow", int width = 64, int height = 48, int images = 2, int seed = 42) => new()
    {
        TaskType = 0,
        TaskSize = (ulong)images,
        ModelIds = ["base:crynux-network/sdxl-turbo"],
        TaskArgs = new JsonObject
        {
            ["base_model"] = new JsonObject { ["name"] = "crynux-network/sdxl-turbo", ["variant"] = "fp16" },
            ["prompt"] = prompt,
            ["task_config"] = new JsonObject
            {
                ["image_width"] = width,
                ["image_height"] = height,
                ["steps"] = 1,
                ["seed"] = seed,
                ["num_images"] = images,
                ["safety_checker"] = false,
                ["cfg"] = 0,
            },
        }.ToJsonString(),
    };

    public static TaskSpec Llm(string content = "What is the capital of France?", JsonObject? generation = null, int seed = 0, JsonArray? tools = null)
    {
        var args = new JsonObject
        {
            ["model"] = "Qwen/Qwen2.5-7B",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }),
            ["generation_config"] = generation ?? new JsonObject { ["max_new_tokens"] = 100, ["num_return_sequences"] = 1 },
            ["seed"] = seed,
            ["dtype"] = "bfloat16",
        };
        if (tools is not null)
        {
            args["tools"] = tools;
        }
        return new TaskSpec { TaskType = 1, MinVram = 24, ModelIds = ["base:Qwen/Qwen2.5-7B"], TaskArgs = args.ToJsonString() };
    }
}
