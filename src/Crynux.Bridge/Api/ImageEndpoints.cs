using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Models;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>OpenAI-compatible image generation over Stable Diffusion tasks.</summary>
public static partial class ImageEndpoints
{
    private static readonly string[] IgnoredParameters = ["quality", "style", "background", "moderation", "output_compression", "user"];

    [GeneratedRegex(@"^(\d{2,5})[xX](\d{2,5})$")]
    private static partial Regex SizePattern();

    public static void Map(IEndpointRouteBuilder app)
    {
        // /v1/images is the route of today's Crynux docs' raw-JSON image examples; the same handler and body.
        foreach (var path in new[] { "/v1/sd/images/generations", "/v1/images/generations", "/v1/images" })
        {
            app.MapPost(path, GenerateAsync).WithTags("Images").AddEndpointFilter(NativeErrors.OpenAiFilter)
                .WithSummary("Create images from a prompt (OpenAI images.generate)")
                .Accepts<Schemas.ImageRequest>("application/json").Produces<Schemas.ImagesResponse>().WithOpenAiErrors();
        }
        app.MapGet("/v1/images/files/{public_id}/{file}", ServeFileAsync).WithTags("Images").AddEndpointFilter(NativeErrors.OpenAiFilter)
            .WithSummary("An image of a finished generation, for response_format=url (the path is unguessable)")
            .Produces(200, contentType: "image/png").Produces<Schemas.OpenAiError>(404);
    }

    private static async Task<IResult> GenerateAsync(HttpContext http, ClientAuth auth, TaskRuns runs, BridgeOptions options, ResultFiles files, ModelPolicy policy,
        ModelCatalog catalog)
    {
        var key = await auth.AuthenticateAsync(http, Roles.Image);
        var body = await JsonBody.ReadObjectAsync(http.Request);
        var request = Parse(body, policy, catalog);
        var args = SdModels.TaskArgs(request.Model, request.Prompt, request.NegativePrompt, request.Width, request.Height, request.N, request.Seed);
        var spec = new TaskSpec(TaskType.StableDiffusion, args.ToJsonString(), [request.Model.ModelId], (long)request.Model.MinVram, "", 0,
            request.N, options.Task.DefaultTaskVersion, Fees.CnxToWei(SdModels.FeeCnx(request.Model, options.Task)) * request.N);
        var ignored = IgnoredParameters.Where(p => body.TryGetProperty(p, out _)).ToList();
        if (ignored.Count > 0)
        {
            http.Response.Headers["x-crynux-ignored-parameters"] = string.Join(',', ignored);
        }
        var task = await runs.AdmitAsync(http, key, ClientTaskKind.Image, spec, feeParam: "n", fee: FeeTerms.Read(http, body, operatorDefault: true));
        var done = await runs.WaitForSuccessAsync(task, http.RequestAborted);
        var (_, paths) = await files.OfClientTaskAsync(runs.Submitter.Store, done, http.RequestAborted)
            ?? throw new InvalidOperationException($"client task {done.Id} succeeded without a result member");
        // Never the request's Host header: a forged one would put someone else's address in the answer.
        var baseUrl = options.Api.PublicBaseUrl.TrimEnd('/');
        var data = new List<object>();
        try
        {
            for (var i = 0; i < paths.Count; i++)
            {
                data.Add(request.ResponseFormat == "url"
                    ? new { url = $"{baseUrl}/v1/images/files/{done.PublicId}/{i.ToString(CultureInfo.InvariantCulture)}.png", revised_prompt = request.Prompt }
                    : new { b64_json = Convert.ToBase64String(await File.ReadAllBytesAsync(paths[i], http.RequestAborted)), revised_prompt = request.Prompt });
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProblemException(new Problem(502, null, "The task's images could not be read: " + e.Message, "server_error", "invalid_result"));
        }
        return Results.Json(new
        {
            created = done.CreatedAt / 1000,
            data,
            output_format = "png",
            size = $"{request.Width}x{request.Height}",
            usage = new { input_tokens = 0, output_tokens = 0, total_tokens = 0, input_tokens_details = new { image_tokens = 0, text_tokens = 0 } },
        });
    }

    private sealed record ImageRequest(SdModel Model, string Prompt, string? NegativePrompt, int N, int Width, int Height, string ResponseFormat, long Seed);

    private static ImageRequest Parse(JsonElement body, ModelPolicy policy, ModelCatalog catalog)
    {
        var prompt = JsonBody.OptionalString(body, "prompt");
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new ProblemException(Problem.BadRequest("prompt", "prompt is required and must not be empty"));
        }
        if (prompt.Length > 8000)
        {
            throw new ProblemException(Problem.BadRequest("prompt", "prompt must be at most 8000 characters"));
        }
        var modelName = JsonBody.OptionalString(body, "model") ?? SdModels.DefaultModel;
        if (ModelId.Check(modelName) is { } shape)
        {
            throw new ProblemException(Problem.BadRequest("model", shape));
        }
        // An alias names the network's fp16 copy; any other id passes through (the Relay decides whether it exists).
        var catalogVram = catalog.MinVram(modelName, "sd");
        var model = SdModels.Resolve(modelName, catalogVram is { } gb ? (ulong)gb : null);
        if (!policy.Allows(modelName, model.NetworkName))
        {
            throw new ProblemException(ModelProblems.NotOffered(modelName));
        }
        var n = (int)(JsonBody.OptionalInteger(body, "n", 1, 10) ?? 1);
        var size = JsonBody.OptionalString(body, "size") ?? "512x512";
        var match = SizePattern().Match(size);
        if (!match.Success)
        {
            throw new ProblemException(Problem.BadRequest("size", "size must be WIDTHxHEIGHT, e.g. 512x512"));
        }
        var width = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var height = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        if (width < 128 || height < 128 || width > model.MaxSide || height > model.MaxSide || width % 8 != 0 || height % 8 != 0)
        {
            throw new ProblemException(Problem.BadRequest("size", $"size must have sides between 128 and {model.MaxSide} that are multiples of 8 for {modelName}"));
        }
        var format = JsonBody.OptionalString(body, "response_format") ?? "b64_json";
        if (format is not ("b64_json" or "url"))
        {
            throw new ProblemException(Problem.BadRequest("response_format", "response_format must be b64_json or url"));
        }
        var output = JsonBody.OptionalString(body, "output_format") ?? "png";
        if (output != "png")
        {
            throw new ProblemException(Problem.BadRequest("output_format", "output_format must be png: the network's image models produce PNG"));
        }
        var seed = JsonBody.OptionalInteger(body, "seed", 0, int.MaxValue) ?? Random.Shared.NextInt64(0, 100_000_000);
        return new ImageRequest(model, prompt, JsonBody.OptionalString(body, "negative_prompt"), n, width, height, format, seed);
    }

    private static async Task<IResult> ServeFileAsync(string public_id, string file, TaskStore store, ResultFiles files, HttpContext http)
    {
        var task = public_id.Length == 32 ? await store.GetClientTaskByPublicIdAsync(public_id, http.RequestAborted) : null;
        if (task is not { Status: ClientTaskStatus.Success, Kind: ClientTaskKind.Image } || !file.EndsWith(".png", StringComparison.Ordinal)
            || !int.TryParse(file[..^4], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new ProblemException(Problem.NotFound(null, "No such image."));
        }
        var (_, paths) = await files.OfClientTaskAsync(store, task, http.RequestAborted)
            ?? throw new ProblemException(Problem.NotFound(null, "No such image."));
        return index < paths.Count && File.Exists(paths[index])
            ? Results.File(paths[index], "image/png")
            : throw new ProblemException(Problem.NotFound(null, "No such image (results are kept for a limited time)."));
    }
}
