using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Crynux.Bridge.Tests.Api;

/// <summary>
/// FsCheck generators of bad input for every route of /openapi.json. Each case starts from a request the route would
/// accept and breaks exactly one thing (a field's type, text or range, a required field, the body, the path, the query,
/// the method, the content type, the key), so every case must be refused: a generated case that a route accepts is a
/// bug in the route (or a hole in this table), and the test fails on it.
/// </summary>
internal static class BadInputs
{
    private enum Kind
    {
        Text,
        Integer,
        Number,
        Bool,
        Object,
        Array,
        /// <summary>task_args: an object (or a string holding one) checked against the task schema.</summary>
        TaskArgs,
    }

    /// <summary>A field of a route's body: its valid JSON, its kind and range, and values of its kind that are still wrong.</summary>
    private sealed record Field(string Name, string Valid, Kind Kind, bool Required = false, double Min = double.MinValue, double Max = double.MaxValue,
        string[]? WrongOfKind = null, string[]? AlsoValid = null);

    private sealed record BodyRoute(bool Auth, Field[] Fields);

    private const string Now = "1700000000";
    private const string Signature = "\"0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef1b\"";
    private const string Address = "0x1111111111111111111111111111111111111111";

    /// <summary>Model ids that are not Hugging Face ids (any well-formed id passes through to the Relay, which decides).</summary>
    private static readonly string[] BadModelIds =
    [
        "\"\"", "\"no-slash\"", "\"a/b/c\"", "\"org/na me\"", "\"org/x\\u0000\"", "\"org/x\\u001b[0m\"", "\"../etc\"",
        "\"org/" + new string('m', 10 * 1024) + "\"",
    ];

    /// <summary>A client's own fee cap: CNX as a number, or wei as a string of digits (docs/api.md "Fees").</summary>
    private static readonly Field MaxFee = new("max_fee", "1000", Kind.Number, Min: 0, Max: 1_000_000_000,
        WrongOfKind: ["\"abc\"", "\"-1\"", "\"1.5\"", "\"\"", "\"1e3\"", "\"" + new string('9', 50) + "\""], AlsoValid: ["\"1\""]);

    private static readonly Field[] Chat =
    [
        new("model", "\"Qwen/Qwen2.5-7B\"", Kind.Text, Required: true, WrongOfKind: [.. BadModelIds]),
        new("messages", "[{\"role\":\"user\",\"content\":\"hi\"}]", Kind.Array, Required: true,
            WrongOfKind: ["[]", "[1]", "[{\"role\":\"robot\",\"content\":\"hi\"}]", "[{\"role\":\"user\",\"content\":5}]", "[{\"role\":\"user\",\"content\":\"\\udc00\"}]"]),
        new("temperature", "1", Kind.Number, Min: 0, Max: 2),
        new("top_p", "0.5", Kind.Number, Min: 0, Max: 1),
        new("max_tokens", "16", Kind.Integer, Min: 1, Max: 1_000_000),
        new("n", "1", Kind.Integer, Min: 1, Max: 8),
        new("seed", "7", Kind.Integer, Min: -(1L << 53), Max: 1L << 53),
        new("stream", "false", Kind.Bool),
        new("stop", "\"x\"", Kind.Text, WrongOfKind: ["\"\"", "[\"a\",\"b\",\"c\",\"d\",\"e\"]"], AlsoValid: ["[]"]),
        new("user", "\"u\"", Kind.Text),
        new("vram_limit", "24", Kind.Integer, Min: 0, Max: 1024),
        MaxFee,
    ];

    private static readonly Field[] Responses =
    [
        new("model", "\"Qwen/Qwen2.5-7B\"", Kind.Text, Required: true, WrongOfKind: [.. BadModelIds]),
        new("input", "\"hi\"", Kind.Text, Required: true,
            WrongOfKind: ["[{\"type\":\"bogus\"}]", "[{\"role\":\"user\",\"content\":5}]", "[{\"role\":\"user\",\"content\":\"\\udc00\"}]"]),
        new("instructions", "\"be brief\"", Kind.Text),
        new("max_output_tokens", "16", Kind.Integer, Min: 1, Max: 1_000_000),
        new("temperature", "1", Kind.Number, Min: 0, Max: 2),
        new("top_p", "0.5", Kind.Number, Min: 0, Max: 1),
        new("stream", "false", Kind.Bool),
        MaxFee,
    ];

    private static readonly Field[] Completion =
    [
        new("model", "\"Qwen/Qwen2.5-7B\"", Kind.Text, Required: true, WrongOfKind: [.. BadModelIds]),
        new("prompt", "\"hi\"", Kind.Text, Required: true, WrongOfKind: ["[\"a\",\"b\"]"]),
        new("max_tokens", "16", Kind.Integer, Min: 1, Max: 1_000_000),
        new("temperature", "1", Kind.Number, Min: 0, Max: 2),
        new("stream", "false", Kind.Bool),
        MaxFee,
    ];

    private static readonly Field[] Image =
    [
        new("prompt", "\"a fox\"", Kind.Text, Required: true, WrongOfKind: ["\"\"", "\"   \""]),
        new("n", "1", Kind.Integer, Min: 1, Max: 10),
        new("size", "\"256x256\"", Kind.Text, WrongOfKind: ["\"0x0\"", "\"256\"", "\"257x256\"", "\"99999x256\""]),
        new("response_format", "\"b64_json\"", Kind.Text, WrongOfKind: ["\"xml\""]),
        new("output_format", "\"png\"", Kind.Text, WrongOfKind: ["\"gif\""]),
        new("model", "\"crynux-ai/sdxl-turbo\"", Kind.Text, WrongOfKind: [.. BadModelIds]),
        new("negative_prompt", "\"blur\"", Kind.Text),
        new("seed", "7", Kind.Integer, Min: 0, Max: int.MaxValue),
        MaxFee,
    ];

    private static readonly Field[] Raw =
    [
        new("task_type", "1", Kind.Integer, Required: true, Min: 0, Max: 2),
        new("task_args", "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Kind.TaskArgs, Required: true),
        // Above the default LLM ceiling of 10 CNX (in GWei per unit) is as wrong as a bad type.
        new("task_fee", "5000000000", Kind.Integer, Min: 0, Max: 10_000_000_000),
        // Keys without admin may not repeat a task.
        new("repeat_num", "1", Kind.Integer, Min: 1, Max: 1),
        new("min_vram", "24", Kind.Integer, Min: 0, Max: 1024),
        new("required_gpu_vram", "0", Kind.Integer, Min: 0, Max: 1024),
        new("task_version", "\"3.1.0\"", Kind.Text, WrongOfKind: ["\"3.1\"", "\"a.b.c\"", "\"\""]),
        new("required_gpu", "\"\"", Kind.Text),
        new("client_id", $"\"{Address}\"", Kind.Text, WrongOfKind: ["\"0x2222222222222222222222222222222222222222\""]),
        MaxFee,
    ];

    private static readonly Field[] FineTune =
    [
        new("model_name", "\"crynux-network/stable-diffusion-v1-5\"", Kind.Text, Required: true, WrongOfKind: ["\"\"", "\"   \""]),
        // dataset_name or dataset_url: without either a job cannot train.
        new("dataset_name", "\"lambdalabs/naruto-blip-captions\"", Kind.Text, Required: true, WrongOfKind: ["\"\""]),
        new("validation_prompt", "\"a naruto character\"", Kind.Text),
        new("max_train_steps", "100", Kind.Integer, Min: 0, Max: 100_000_000),
        new("rank", "8", Kind.Integer, Min: 0, Max: 1024),
        new("batch_size", "16", Kind.Integer, Min: 0, Max: 4096),
        new("resolution", "512", Kind.Integer, Min: 0, Max: 4096),
        new("learning_rate", "0.0001", Kind.Number, Min: 0, Max: 1),
        new("adam_beta2", "0.999", Kind.Number, Min: 0, Max: 1),
        new("mixed_precision", "\"fp16\"", Kind.Text, WrongOfKind: ["\"fp8\""]),
        new("lr_scheduler", "\"constant\"", Kind.Text, WrongOfKind: ["\"sometimes\""]),
        new("center_crop", "false", Kind.Bool),
        new("seed", "42", Kind.Integer, Min: 0, Max: int.MaxValue),
        new("timeout", "3600", Kind.Integer, Min: 0, Max: 7 * 86400),
    ];

    private static Field[] Signed(params Field[] extra) =>
    [
        .. extra,
        new("timestamp", Now, Kind.Integer, Required: true, Min: 1, Max: long.MaxValue),
        new("signature", Signature, Kind.Text, Required: true, WrongOfKind: ["\"\"", "\"0x00\"", "\"zz\""]),
    ];

    private static readonly Dictionary<string, BodyRoute> Bodies = new(StringComparer.Ordinal)
    {
        ["POST /v1/chat/completions"] = new(true, Chat),
        ["POST /v1/llm/chat/completions"] = new(true, Chat),
        ["POST /v1/completions"] = new(true, Completion),
        ["POST /v1/responses"] = new(true, Responses),
        ["POST /v1/llm/responses"] = new(true, Responses),
        ["POST /v1/llm/completions"] = new(true, Completion),
        ["POST /v1/llm/{vram_limit}/chat/completions"] = new(true, Chat),
        ["POST /v1/llm/{vram_limit}/completions"] = new(true, Completion),
        ["POST /v1/images/generations"] = new(true, Image),
        ["POST /v1/sd/images/generations"] = new(true, Image),
        ["POST /v1/images"] = new(true, Image),
        ["POST /v1/inference_tasks"] = new(true, Raw),
        ["POST /v1/images/models"] = new(true, FineTune),
        // Nobody here can sign as the client or root, so even the "valid" body is refused (401); its broken forms must be too.
        ["POST /v1/api_key/{client_id}"] = new(false, Signed()),
        ["DELETE /v1/api_key/{client_id}"] = new(false, Signed()),
        ["POST /v1/api_key/{client_id}/role"] = new(false, Signed(new Field("role", "\"chat\"", Kind.Text, Required: true, WrongOfKind: ["\"root\"", "\"\""]))),
        ["DELETE /v1/api_key/{client_id}/role"] = new(false, Signed(new Field("role", "\"chat\"", Kind.Text, Required: true, WrongOfKind: ["\"root\""]))),
        ["POST /v1/api_key/{client_id}/use_limit"] = new(false, Signed(new Field("use_limit", "5", Kind.Integer, Required: true, Min: 0, Max: 1L << 50))),
        ["POST /v1/api_key/{client_id}/rate_limit"] = new(false, Signed(new Field("rate_limit", "5", Kind.Integer, Required: true, Min: 0, Max: 1L << 50))),
    };

    /// <summary>Path parameters and queries that are wrong (or name nothing that exists: no task or image exists in the run).</summary>
    private static readonly Dictionary<string, string[]> PathValues = new(StringComparer.Ordinal)
    {
        ["{client_id}"] = ["nope", "0x12", "0xZZ11111111111111111111111111111111111111", "%F0%9F%A6%8A", "0x2222222222222222222222222222222222222222"],
        ["{task_id}"] = ["abc", "-1", "0", "1.0", "1e3", "99999999999999999999999", "%20", "1"],
        ["{image_num}"] = ["x", "-1", "1.5", "99999999999", "0"],
        ["{public_id}"] = ["short", new string('g', 32), new string('a', 32), "..%2F..%2Fetc"],
        ["{file}"] = ["0.png", "x.png", "-1.png", "0.jpg", "..", "99999999999.png"],
        ["{client_task_id}"] = ["abc", "-1", "0", "1.0", "1e3", "99999999999999999999999", "%20", "1"],
        ["{index}"] = ["x", "-1", "1.5", "99999999999", "0"],
        ["{id}"] = ["short", "resp_" + new string('a', 32), "resp_x%20y", "..%2F..%2Fetc", "%F0%9F%A6%8A"],
        ["{vram_limit}"] = ["-1", "abc", "1e9", "1025", "1.5", "99999999999999999999", "%20", "0x10"],
        // Not model ids, or ids no catalog has (nothing ran in the run).
        ["{model}"] = ["no-slash", "a/b/c", "org/x%07y", "org/" + new string('m', 1000), "no-such-org/no-such-model", "%F0%9F%A6%8A/x"],
    };

    private static readonly Dictionary<string, string[]> BadQueries = new(StringComparer.Ordinal)
    {
        ["/v1/count/task"] = ["duration=NaN", "duration=Infinity", "duration=-Infinity", "duration=-1", "duration=abc", "duration=1e999", "duration=9999999", "duration=%F0%9F%A6%8A"],
        ["/v1/models/lora"] = ["", "type=", "type=sd_3", "type=%00x", "type=SD_1_5"],
    };

    private static readonly string[] NonJsonTypes = ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=b", "image/png"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>One generator per route (method + template of /openapi.json), so that every route gets its share.</summary>
    public static Gen<BadRequest> For(IReadOnlyList<(string Method, string Template, string[] AllMethods, bool HasBody)> routes, string key)
    {
        // Routes that read a body or an id get most of the cases: they are where input is parsed; the rest only has its method.
        var perRoute = routes.Select(r => (Bodies.ContainsKey($"{r.Method} {r.Template}") ? 8 : r.Template.Contains('{', StringComparison.Ordinal) || BadQueries.ContainsKey(r.Template) ? 3 : 1,
            ForRoute(r.Method, r.Template, r.AllMethods, r.HasBody, key))).ToArray();
        return Gen.Frequency(perRoute);
    }

    /// <summary>True when the generator table knows how to break the route's body (the test requires it for every JSON route).</summary>
    public static bool KnowsBody(string method, string template) => Bodies.ContainsKey($"{method} {template}");

    /// <summary>Routes whose accepted request would admit a task or change a key: checked for changes after every case.</summary>
    public static bool CanChangeState(string route) => !route.StartsWith("GET ", StringComparison.Ordinal);

    private static Gen<BadRequest> ForRoute(string method, string template, string[] allMethods, bool hasBody, string key)
    {
        var route = $"{method} {template}";
        var cases = new List<(int, Gen<BadRequest>)>();
        var wrongMethods = Methods.Where(m => !allMethods.Contains(m)).ToArray();
        cases.Add((1, Gen.Elements(wrongMethods).Select(m => new BadRequest(route, m, Fill(template, null), null, null, Bearer(key), "wrong method"))));
        if (Bodies.TryGetValue(route, out var body))
        {
            var auth = body.Auth ? Bearer(key) : null;
            var path = Fill(template, null);
            cases.Add((8, FieldCase(body.Fields).Select(c => new BadRequest(route, method, path, "application/json", c.Body, auth, c.What))));
            if (template.Contains("{vram_limit}", StringComparison.Ordinal))
            {
                // A valid body on a path whose value is wrong.
                cases.Add((3, PathCase(template).Select(p => new BadRequest(route, method, p, "application/json", Build(body.Fields, null, null), auth, "path " + p))));
            }
            cases.Add((2, WholeBody().Select(c => new BadRequest(route, method, path, "application/json", c.Body, auth, c.What))));
            cases.Add((1, Gen.Elements(NonJsonTypes).Select(t => new BadRequest(route, method, path, t, Build(body.Fields, null, null), auth, "content type " + t))));
            if (body.Auth)
            {
                cases.Add((1, BadKey(key).Select(a => new BadRequest(route, method, path, "application/json", Build(body.Fields, null, null), a, "bad key"))));
                cases.Add((1, Gen.Choose(256, 400).Select(n => new BadRequest(route, method, path, "application/json", Build(body.Fields, null, null), auth,
                    "Idempotency-Key of " + n.ToString(CultureInfo.InvariantCulture), new string('k', n)))));
            }
        }
        else if (hasBody && method is "POST" or "PUT" or "PATCH")
        {
            // A JSON route this table does not know yet (add it to Bodies for field-level cases): the whole body broken.
            var path = Fill(template, null);
            cases.Add((4, WholeBody().Select(c => new BadRequest(route, method, path, "application/json", c.Body, Bearer(key), c.What))));
            cases.Add((1, Gen.Elements(NonJsonTypes).Select(t => new BadRequest(route, method, path, t, "{}"u8.ToArray(), Bearer(key), "content type " + t))));
        }
        else if (template.Contains('{', StringComparison.Ordinal))
        {
            // A GET by id: wrong or unknown ids (nothing exists in the run), with and without a key.
            var auth = template.StartsWith("/v1/inference_tasks", StringComparison.Ordinal);
            cases.Add((4, PathCase(template).Select(p => new BadRequest(route, method, p, null, null, Bearer(key), "path " + p))));
            if (auth)
            {
                cases.Add((1, BadKey(key).Select(a => new BadRequest(route, method, Fill(template, null), null, null, a, "bad key"))));
            }
        }
        if (BadQueries.TryGetValue(template, out var queries))
        {
            cases.Add((4, Gen.Elements(queries).Select(q => new BadRequest(route, method, template + (q.Length > 0 ? "?" + q : ""), null, null, null, "query " + q))));
        }
        return Gen.Frequency(cases.ToArray());
    }

    private static string Bearer(string key) => "Bearer " + key;

    private static Gen<string?> BadKey(string key) => Gen.Elements<string?>(null, "", "Bearer", "Bearer ", "Basic " + key, "Bearer " + key[..^1] + "x",
        "Bearer " + key + key, "bearer  x", "Token " + key, "Bearer \"" + key + "\"");

    private static string Fill(string template, Dictionary<string, string>? values)
    {
        var path = template;
        foreach (var (name, _) in PathValues)
        {
            var value = values?.GetValueOrDefault(name) ?? name switch
            {
                "{client_id}" => Address,
                "{task_id}" or "{client_task_id}" => "1",
                "{index}" => "0",
                "{image_num}" => "0",
                "{public_id}" => new string('a', 32),
                "{id}" => "resp_" + new string('b', 32),
                "{vram_limit}" => "24",
                "{model}" => "Qwen/Qwen2.5-7B",
                _ => "0.png",
            };
            path = path.Replace(name, value, StringComparison.Ordinal);
        }
        return path;
    }

    private static Gen<string> PathCase(string template)
    {
        var names = PathValues.Keys.Where(n => template.Contains(n, StringComparison.Ordinal)).ToArray();
        return Gen.Elements(names).SelectMany(name => Gen.Elements(PathValues[name]).Select(value => Fill(template, new Dictionary<string, string> { [name] = value })));
    }

    /// <summary>One field broken: removed (when required) or given a value of the wrong type, text, range or form.</summary>
    private static Gen<(byte[] Body, string What)> FieldCase(Field[] fields) =>
        Gen.Elements(fields).SelectMany(field =>
        {
            var values = WrongValues(field);
            var gen = Gen.Elements(values).Select(v => (Build(fields, field.Name, v), $"{field.Name} = {Encoding.UTF8.GetString(v)}"));
            return field.Required ? Gen.Frequency((8, gen), (1, Gen.Constant((Build(fields, field.Name, null), $"{field.Name} missing")))) : gen;
        });

    private static readonly byte[] InvalidUtf8 = [(byte)'"', (byte)'a', 0xC3, 0x28, 0xFF, 0xFE, (byte)'"'];

    private static byte[][] WrongValues(Field field)
    {
        var text = new[] { "\"\\ud800\"", "\"x\\udfff\"", "\"\\udc00\\ud800\"" };
        var numbers = new[] { "1e309", "-1e309", "1e400", "-1e400" };
        var others = new List<string> { "true", "{}", "[]", "{\"a\":1}", "[\"\\ud800\"]" };
        var list = new List<string>();
        switch (field.Kind)
        {
            case Kind.Text:
                list.AddRange(text);
                list.AddRange(["1", "1e309", "-1", "1.5"]);
                list.AddRange(others);
                list.Add("INVALID_UTF8");
                break;
            case Kind.Integer:
                list.AddRange(numbers);
                list.AddRange(["1.5", "0.1", "-1e-7", "1e30", "-1e30", "9223372036854775808", "-9223372036854775809", "\"abc\"", "\"1.5\"", "\"\\ud800\"", "\"\"", "INVALID_UTF8"]);
                list.AddRange(others);
                if (field.Max < 1e18)
                {
                    list.Add(((long)field.Max + 1).ToString(CultureInfo.InvariantCulture));
                    list.Add(((long)field.Max + 1).ToString(CultureInfo.InvariantCulture) + ".0");
                    if (field.Max < 1e15)
                    {
                        list.Add(((double)((long)field.Max + 1)).ToString("E16", CultureInfo.InvariantCulture));
                    }
                }
                if (field.Min > -1e18)
                {
                    list.Add(((long)field.Min - 1).ToString(CultureInfo.InvariantCulture));
                }
                break;
            case Kind.Number:
                list.AddRange(numbers);
                list.AddRange(["\"1\"", "\"\\ud800\"", "INVALID_UTF8", (field.Max + 0.5).ToString(CultureInfo.InvariantCulture), (field.Min - 0.5).ToString(CultureInfo.InvariantCulture)]);
                list.AddRange(others);
                break;
            case Kind.Bool:
                list.AddRange(["1", "0", "\"true\"", "\"\\ud800\"", "1e309", "INVALID_UTF8"]);
                list.AddRange(others.Where(o => o != "true"));
                break;
            case Kind.Array:
                list.AddRange(["1", "\"x\"", "{}", "true", "1e309", "\"\\ud800\"", "INVALID_UTF8"]);
                break;
            case Kind.TaskArgs:
                list.AddRange(["1", "[]", "true", "1e309", "\"\\ud800\"", "\"{not json\"", "\"[]\"", "{}", "INVALID_UTF8",
                    "{\"model\":\"\\ud800\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"generation_config\":{\"max_new_tokens\":1e30}}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"generation_config\":{\"max_new_tokens\":-1e309}}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"generation_config\":{\"max_new_tokens\":1.5}}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"\\ud800\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "{\"model\":\"Qwen/Qwen2.5-7B\",\"messages\":\"hi\"}",
                    "\"{\\\"model\\\":\\\"\\\\ud800\\\",\\\"messages\\\":[]}\""]);
                break;
            case Kind.Object:
                list.AddRange(["1", "\"x\"", "[]", "true"]);
                break;
        }
        list.AddRange(field.WrongOfKind ?? []);
        return list.Except(field.AlsoValid ?? []).Select(v => v == "INVALID_UTF8" ? InvalidUtf8 : Encoding.UTF8.GetBytes(v)).ToArray();
    }

    /// <summary>The whole body wrong: not JSON, not an object, too deep, cut short, or not UTF-8.</summary>
    private static Gen<(byte[] Body, string What)> WholeBody()
    {
        string[] texts = ["", "{", "}", "[]", "[{}]", "1", "\"x\"", "null", "true", "{\"a\":}", "{\"a\" 1}", "{'a':1}", "{\"a\":1,}", "{\"a\":NaN}",
            "{\"a\":Infinity}", "{\"a\":01}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}", "\uFEFF{\"a\":1} x", "{\"a\":1}{\"b\":2}",
            new string('[', 100) + new string(']', 100), "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 80)) + "1" + new string('}', 81)];
        var fixedCases = Gen.Elements(texts).Select(t => (Encoding.UTF8.GetBytes(t), "body " + (t.Length > 40 ? t[..40] + "…" : t)));
        // Above the property test's http.max_body_bytes (64 KiB): 413.
        var oversized = Gen.Choose(70_000, 200_000).Select(n => (Encoding.UTF8.GetBytes("{\"prompt\":\"" + new string('a', n) + "\"}"), $"body of {n} bytes"));
        var garbage = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Where(b => b.Length > 0 && b[0] != (byte)'{')
            .Select(b => (b, "random bytes"));
        return Gen.Frequency((6, fixedCases), (2, garbage), (1, oversized));
    }

    private static byte[] Build(Field[] fields, string? changed, byte[]? value)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'{');
        var first = true;
        foreach (var field in fields)
        {
            byte[] bytes;
            if (field.Name == changed)
            {
                if (value is null)
                {
                    continue;
                }
                bytes = value;
            }
            else if (field.Required)
            {
                bytes = Encoding.UTF8.GetBytes(field.Valid);
            }
            else
            {
                continue; // optional fields are only sent when they are the broken one
            }
            if (!first)
            {
                buffer.WriteByte((byte)',');
            }
            first = false;
            buffer.Write(Encoding.UTF8.GetBytes($"\"{field.Name}\":"));
            buffer.Write(bytes);
        }
        buffer.WriteByte((byte)'}');
        return buffer.ToArray();
    }
}
