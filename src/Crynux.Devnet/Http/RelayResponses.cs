using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>The Relay's response envelopes (docs/protocol.md §1.3).</summary>
internal static class RelayResponses
{
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Success(JsonNode? data) => Write(200, new JsonObject { ["message"] = "success", ["data"] = data });

    public static IResult Success() => Write(200, new JsonObject { ["message"] = "success" });

    public static IResult Write(int status, JsonNode body) =>
        Results.Text(body.ToJsonString(Json), "application/json; charset=utf-8", System.Text.Encoding.UTF8, status);

    public static IResult Error(RelayException error)
    {
        if (error.EmptyBody)
        {
            return Results.StatusCode(500);
        }
        if (error.StatusCode == 400)
        {
            return Write(400, new JsonObject
            {
                ["message"] = "validation_error",
                ["data"] = new JsonObject { ["field_name"] = error.Field, ["message"] = error.Message },
            });
        }
        return Write(error.StatusCode, new JsonObject { ["message"] = error.Message });
    }

    /// <summary>Runs a handler, turning a <see cref="RelayException"/> into the Relay's error response.</summary>
    public static async Task<IResult> Guard(Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (RelayException error)
        {
            return Error(error);
        }
    }

    public static Task<IResult> Guard(Func<IResult> handler) => Guard(() => Task.FromResult(handler()));

    /// <summary>A guarded route handler (typed, so minimal APIs write its IResult).</summary>
    public static Func<HttpContext, Task<IResult>> Route(Func<HttpContext, Task<IResult>> handler) => ctx => Guard(() => handler(ctx));

    public static Func<HttpContext, Task<IResult>> Route(Func<HttpContext, IResult> handler) => ctx => Guard(() => handler(ctx));
}
