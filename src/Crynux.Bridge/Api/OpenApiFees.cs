using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Crynux.Bridge.Api;

/// <summary>
/// The fee contract in /openapi.json, on every task-creating route: the <c>max_fee</c> body field and the
/// <c>x-crynux-max-fee</c> request header (a client's cap), the <c>x-crynux-task-fee</c> response header (the fee chosen),
/// and the 402 <c>fee_above_cap</c> answer.
/// </summary>
public static class OpenApiFees
{
    private const string MaxFeeText = "Your cap on this task's fee: a number of CNX (0.5) or a string of wei digits (\"500000000000000000\"), " +
        "at most 10^9 CNX. A price above it answers 402 fee_above_cap and admits nothing; a cap never raises the fee.";

    /// <summary>Task-creating routes and the request schema of each.</summary>
    private static readonly Dictionary<string, string> Routes = new(StringComparer.Ordinal)
    {
        ["/v1/chat/completions"] = "ChatCompletionRequest",
        ["/v1/llm/chat/completions"] = "ChatCompletionRequest",
        ["/v1/openrouter/chat/completions"] = "ChatCompletionRequest",
        ["/v1/completions"] = "CompletionRequest",
        ["/v1/llm/completions"] = "CompletionRequest",
        ["/v1/openrouter/completions"] = "CompletionRequest",
        ["/v1/responses"] = "ResponseRequest",
        ["/v1/llm/responses"] = "ResponseRequest",
        ["/v1/images/generations"] = "ImageRequest",
        ["/v1/sd/images/generations"] = "ImageRequest",
        ["/v1/images"] = "ImageRequest",
        ["/v1/inference_tasks"] = "RawTaskRequest",
    };

    public static void Configure(OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var (path, schemaName) in Routes)
            {
                if (document.Paths.TryGetValue(path, out var item) && item.Operations?.TryGetValue(HttpMethod.Post, out var operation) == true)
                {
                    Describe(operation);
                }
                if (document.Components?.Schemas?.TryGetValue(schemaName, out var schema) == true && schema is OpenApiSchema body)
                {
                    body.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    body.Properties["max_fee"] = new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.String, Description = MaxFeeText };
                }
            }
            return Task.CompletedTask;
        });
    }

    private static void Describe(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = FeeTerms.Header,
            In = ParameterLocation.Header,
            Description = "Your cap on this task's fee, in wei (decimal digits); with max_fee in the body, the lower cap applies.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{1,28}$" },
        });
        operation.Responses ??= [];
        if (operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse success)
        {
            success.Headers ??= new Dictionary<string, IOpenApiHeader>();
            success.Headers[TaskRuns.TaskFeeHeader] = new OpenApiHeader
            {
                Description = "The fee of the admitted Relay task in wei (decimal digits): auto-priced, the operator's fixed fee, or the task_fee sent.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            };
        }
        operation.Responses["402"] = new OpenApiResponse
        {
            Description = "fee_above_cap: the task's price is above the request's max_fee or x-crynux-max-fee; the message names both. Nothing was admitted.",
        };
    }
}
