using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Crypto;

namespace Crynux.Bridge.Cli;

/// <summary>
/// <c>key create | role add | role remove | limits | expires | spend-limit | models | list | delete</c>: the API-key routes
/// of a running bridge, signed here with the root key (the configured wallet), the way the access-token page signs them in
/// the browser.
/// </summary>
internal static class KeyCommands
{
    private const long MaxLimit = 1L << 50;

    public static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var args = context.Args;
        var sub = args.Word(1, "key command: create, role, limits, expires, spend-limit, models, list or delete");
        switch (sub)
        {
            case "create":
                {
                    args.Allow("--bridge", "--role", "--use-limit", "--rate-limit");
                    var client = Address(args.Word(2, "client address"));
                    args.NoMoreWords(3);
                    var roles = args.All("--role").Select(CheckRole).Distinct(StringComparer.Ordinal).ToList();
                    var useLimit = args.Integer("--use-limit", 0, MaxLimit);
                    var rateLimit = args.Integer("--rate-limit", 0, MaxLimit);
                    var api = Connect(context);
                    var created = await api.SendAsync(HttpMethod.Post, client, "", [], ct);
                    var key = created.GetProperty("data").GetProperty("api_key").GetString();
                    JsonElement? described = null;
                    foreach (var role in roles)
                    {
                        described = await api.SendAsync(HttpMethod.Post, client, "/role", new() { ["role"] = role }, ct);
                    }
                    if (useLimit is { } use)
                    {
                        described = await api.SendAsync(HttpMethod.Post, client, "/use_limit", new() { ["use_limit"] = use }, ct);
                    }
                    if (rateLimit is { } rate)
                    {
                        described = await api.SendAsync(HttpMethod.Post, client, "/rate_limit", new() { ["rate_limit"] = rate }, ct);
                    }
                    await context.Output.WriteLineAsync($"api_key: {key}");
                    await context.Output.WriteLineAsync($"client_id: {client}");
                    await context.Output.WriteLineAsync($"expires_at: {Expiry(created.GetProperty("data").GetProperty("expires_at").GetInt64())}");
                    if (described is { } d)
                    {
                        await DescribeAsync(context.Output, d, withClient: false);
                    }
                    await context.Output.WriteLineAsync("The bridge keeps only a hash of the key: store it now.");
                    return 0;
                }
            case "role":
                {
                    args.Allow("--bridge");
                    var action = args.Word(2, "role action: add or remove");
                    if (action is not ("add" or "remove"))
                    {
                        throw new UsageException($"unknown role action '{action}' (add or remove)");
                    }
                    var client = Address(args.Word(3, "client address"));
                    var role = CheckRole(args.Word(4, "role (chat, image or admin)"));
                    args.NoMoreWords(5);
                    var result = await Connect(context).SendAsync(action == "add" ? HttpMethod.Post : HttpMethod.Delete, client, "/role", new() { ["role"] = role }, ct);
                    await DescribeAsync(context.Output, result, withClient: true);
                    return 0;
                }
            case "limits":
                {
                    args.Allow("--bridge", "--use-limit", "--rate-limit");
                    var client = Address(args.Word(2, "client address"));
                    args.NoMoreWords(3);
                    var useLimit = args.Integer("--use-limit", 0, MaxLimit);
                    var rateLimit = args.Integer("--rate-limit", 0, MaxLimit);
                    if (useLimit is null && rateLimit is null)
                    {
                        throw new UsageException("key limits needs --use-limit N and/or --rate-limit N");
                    }
                    var api = Connect(context);
                    JsonElement result = default;
                    if (useLimit is { } use)
                    {
                        result = await api.SendAsync(HttpMethod.Post, client, "/use_limit", new() { ["use_limit"] = use }, ct);
                    }
                    if (rateLimit is { } rate)
                    {
                        result = await api.SendAsync(HttpMethod.Post, client, "/rate_limit", new() { ["rate_limit"] = rate }, ct);
                    }
                    await DescribeAsync(context.Output, result, withClient: true);
                    return 0;
                }
            case "delete":
                {
                    args.Allow("--bridge");
                    var client = Address(args.Word(2, "client address"));
                    args.NoMoreWords(3);
                    await Connect(context).SendAsync(HttpMethod.Delete, client, "", [], ct);
                    await context.Output.WriteLineAsync($"deleted the API key of {client}");
                    return 0;
                }
            case "expires" or "spend-limit" or "models":
                {
                    args.Allow("--bridge");
                    var client = Address(args.Word(2, "client address"));
                    var (path, field, value) = Control(sub, args.Word(3, sub switch
                    {
                        "expires" => "expiry (RFC 3339, e.g. 2027-01-01T00:00:00Z, or never)",
                        "spend-limit" => "spend limit in CNX (or none)",
                        _ => "models, comma-separated (or all)",
                    }));
                    args.NoMoreWords(4);
                    var result = await Connect(context).SendAsync(HttpMethod.Post, client, path, new() { [field] = value }, ct);
                    await DescribeAsync(context.Output, result, withClient: true);
                    return 0;
                }
            case "list":
                {
                    args.Allow("--bridge", "--limit", "--offset");
                    args.NoMoreWords(2);
                    var limit = args.Integer("--limit", 1, 1000);
                    var offset = args.Integer("--offset", 0, 1L << 40);
                    await KeyList.PrintAsync(context.Output, await Connect(context).ListAsync(limit, offset, ct));
                    return 0;
                }
            default:
                throw new UsageException($"unknown key command '{sub}' (create, role, limits, expires, spend-limit, models, list or delete)");
        }
    }

    private static KeyApi Connect(CliContext context)
    {
        var text = context.Args.Value("--bridge") ?? BridgeCli.DefaultBridge;
        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "http://" + text;
        }
        if (!Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var bridge) || bridge.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--bridge must be an http(s) URL such as {BridgeCli.DefaultBridge}, not '{text}'");
        }
        // The root key is checked (and a config error reported) before anything is sent.
        return new KeyApi(bridge, WalletLoader.Load(context.Options.Blockchain.Account));
    }

    private static string Address(string text)
    {
        var lower = text.ToLowerInvariant();
        if (!(text.Length == 42 && lower.StartsWith("0x", StringComparison.Ordinal) && EthAddress.IsValid(lower)))
        {
            throw new UsageException($"'{text}' is not a client address (0x followed by 40 hex digits)");
        }
        if (!EthAddress.IsValid("0x" + text[2..]))
        {
            throw new UsageException($"'{text}' has mixed case that does not match its EIP-55 checksum; check it, or type it in lower case");
        }
        return EthAddress.ToChecksum(lower);
    }

    /// <summary>The route, field and JSON value of a key control given on the command line ("never", "none" and "all" are null).</summary>
    private static (string Path, string Field, JsonNode? Value) Control(string command, string text)
    {
        switch (command)
        {
            case "expires":
                if (text == "never")
                {
                    return ("/expires_at", "expires_at", null);
                }
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
                {
                    throw new UsageException($"expiry must be an RFC 3339 time such as 2027-01-01T00:00:00Z, or never, not '{text}'");
                }
                return ("/expires_at", "expires_at", time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case "spend-limit":
                if (text == "none")
                {
                    return ("/spend_limit", "spend_limit_cnx", null);
                }
                if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
                {
                    throw new UsageException($"spend limit must be an amount of CNX such as 25.5, or none, not '{text}'");
                }
                return ("/spend_limit", "spend_limit_cnx", text);
            default:
                if (text == "all")
                {
                    return ("/models", "models", null);
                }
                var models = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (models.Length == 0)
                {
                    throw new UsageException("models must name at least one model (comma-separated), or be all");
                }
                return ("/models", "models", new JsonArray(models.Select(m => (JsonNode?)m).ToArray()));
        }
    }

    private static string CheckRole(string role) =>
        Roles.All.Contains(role) ? role : throw new UsageException($"role must be one of {string.Join(", ", Roles.All)}, not '{role}'");

    private static string Expiry(long unixSeconds) =>
        $"{DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC ({unixSeconds})";

    private static async Task DescribeAsync(TextWriter output, JsonElement response, bool withClient)
    {
        var data = response.GetProperty("data");
        if (withClient)
        {
            await output.WriteLineAsync($"client_id: {data.GetProperty("client_id").GetString()}");
        }
        var roles = data.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToList();
        await output.WriteLineAsync($"roles: {(roles.Count == 0 ? "(none)" : string.Join(", ", roles))}");
        var useLimit = data.GetProperty("use_limit").GetInt64();
        await output.WriteLineAsync($"use_limit: {(useLimit == 0 ? "unlimited" : useLimit.ToString(CultureInfo.InvariantCulture))} (used {data.GetProperty("used_count").GetInt64()})");
        var rateLimit = data.GetProperty("rate_limit").GetInt64();
        await output.WriteLineAsync($"rate_limit: {(rateLimit == 0 ? "unlimited" : rateLimit.ToString(CultureInfo.InvariantCulture) + " per minute")}");
        if (withClient)
        {
            var expiresAt = data.GetProperty("expires_at").GetInt64();
            await output.WriteLineAsync($"expires_at: {(Data.KeyExpiry.IsNever(expiresAt) ? "never" : Expiry(expiresAt))}");
        }
        if (data.TryGetProperty("spend_limit_cnx", out var spend))
        {
            await output.WriteLineAsync($"spend_limit: {(spend.ValueKind == JsonValueKind.Null ? "none" : spend.GetString() + " CNX")}");
        }
        if (data.TryGetProperty("models", out var models))
        {
            await output.WriteLineAsync($"models: {(models.ValueKind == JsonValueKind.Null ? "all" : string.Join(", ", models.EnumerateArray().Select(m => m.GetString())))}");
        }
    }

    /// <summary>Signed requests to /v1/api_key/{client_id}: {"timestamp","signature",...fields} over {client_id,...fields}.</summary>
    private sealed class KeyApi(Uri bridge, EthKey root)
    {
        // Signatures are deterministic and the bridge accepts each once, so the same request signed twice in one second
        // (role add then remove, create then delete) is refused as a replay: it is signed again with the next second.
        private const int ReplayRetries = 5;

        public async Task<JsonElement> SendAsync(HttpMethod method, string client, string path, JsonObject fields, CancellationToken ct)
        {
            using var http = new HttpClient { BaseAddress = bridge, Timeout = TimeSpan.FromSeconds(60) };
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            for (var attempt = 0; ; attempt++)
            {
                var signed = new JsonObject { ["client_id"] = client };
                var body = new JsonObject();
                foreach (var (name, value) in fields)
                {
                    signed[name] = value?.DeepClone();
                    body[name] = value?.DeepClone();
                }
                var timestamp = now + attempt;
                body["timestamp"] = timestamp;
                body["signature"] = SignedRequest.Sign(root, signed, timestamp);
                var url = $"v1/api_key/{client}{path}";
                using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request, ct);
                }
                catch (HttpRequestException e)
                {
                    throw new CliFailure($"could not reach the bridge at {bridge}: {e.Message} (is it running? set --bridge)");
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new CliFailure($"the bridge at {bridge} did not answer {method} /{url} in time");
                }
                using (response)
                {
                    var text = await response.Content.ReadAsStringAsync(ct);
                    JsonElement json = default;
                    try
                    {
                        json = JsonDocument.Parse(text).RootElement.Clone();
                    }
                    catch (JsonException)
                    {
                        // Not JSON: reported below with the status.
                    }
                    if (response.IsSuccessStatusCode && json.ValueKind == JsonValueKind.Object)
                    {
                        return json;
                    }
                    var message = Message(json) ?? (text.Length > 300 ? text[..300] : text);
                    if (response.StatusCode == HttpStatusCode.Unauthorized && message.Contains("already used", StringComparison.Ordinal) && attempt < ReplayRetries)
                    {
                        continue;
                    }
                    var hint = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized && message.Contains("ignature", StringComparison.Ordinal)
                        ? $"\nThe key commands sign with the configured wallet ({root.Address}); it must be the bridge's own account."
                        : "";
                    throw new CliFailure($"{method} /{url}: HTTP {(int)response.StatusCode}: {message}{hint}");
                }
            }
        }

        /// <summary>GET /v1/api_keys, signed in the query over {"action":"list_api_keys"} plus the page values given.</summary>
        public async Task<JsonElement> ListAsync(long? limit, long? offset, CancellationToken ct)
        {
            using var http = new HttpClient { BaseAddress = bridge, Timeout = TimeSpan.FromSeconds(60) };
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            for (var attempt = 0; ; attempt++)
            {
                var signed = new JsonObject { ["action"] = "list_api_keys" };
                var query = new List<string>();
                if (limit is { } l)
                {
                    signed["limit"] = l;
                    query.Add($"limit={l.ToString(CultureInfo.InvariantCulture)}");
                }
                if (offset is { } o)
                {
                    signed["offset"] = o;
                    query.Add($"offset={o.ToString(CultureInfo.InvariantCulture)}");
                }
                var timestamp = now + attempt;
                query.Add($"timestamp={timestamp.ToString(CultureInfo.InvariantCulture)}");
                query.Add($"signature={SignedRequest.Sign(root, signed, timestamp)}");
                var url = "v1/api_keys?" + string.Join('&', query);
                HttpResponseMessage response;
                try
                {
                    response = await http.GetAsync(url, ct);
                }
                catch (HttpRequestException e)
                {
                    throw new CliFailure($"could not reach the bridge at {bridge}: {e.Message} (is it running? set --bridge)");
                }
                using (response)
                {
                    var text = await response.Content.ReadAsStringAsync(ct);
                    JsonElement json = default;
                    try
                    {
                        json = JsonDocument.Parse(text).RootElement.Clone();
                    }
                    catch (JsonException)
                    {
                        // Not JSON: reported below with the status.
                    }
                    if (response.IsSuccessStatusCode && json.ValueKind == JsonValueKind.Object)
                    {
                        return json;
                    }
                    var message = Message(json) ?? (text.Length > 300 ? text[..300] : text);
                    if (response.StatusCode == HttpStatusCode.Unauthorized && message.Contains("already used", StringComparison.Ordinal) && attempt < ReplayRetries)
                    {
                        continue;
                    }
                    throw new CliFailure($"GET /v1/api_keys: HTTP {(int)response.StatusCode}: {message}");
                }
            }
        }

        private static string? Message(JsonElement json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            if (json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("message", out var inner))
            {
                var field = data.TryGetProperty("field_name", out var f) ? f.GetString() : null;
                return string.IsNullOrEmpty(field) ? inner.GetString() : $"{field}: {inner.GetString()}";
            }
            if (json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var em))
            {
                return em.GetString();
            }
            return json.TryGetProperty("message", out var m) ? m.GetString() : null;
        }
    }
}
