using System.Text.Json.Nodes;
using Crynux.Devnet.Relay;

namespace Crynux.Devnet.Http;

/// <summary>POST /v1/inference_tasks/validate (docs/protocol.md §3.3).</summary>
internal static class ValidateEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RelayCore relay, SignatureGate signatures) =>
        app.MapPost("/v1/inference_tasks/validate", RelayResponses.Route(ctx => ValidateAsync(ctx, relay, signatures)));

    private static async Task<IResult> ValidateAsync(HttpContext ctx, RelayCore relay, SignatureGate signatures)
    {
        var fields = await RequestFields.FromJsonAsync(ctx.Request, "inference_tasks.ValidateTaskInputWithSignature");
        var commitments = fields.Strings("task_id_commitments");
        var taskId = fields.Text("task_id");
        var vrfProof = fields.Text("vrf_proof");
        var publicKey = fields.Text("public_key");
        var timestamp = fields.Int64("timestamp");
        var signature = fields.Text("signature");
        RequestFields.Require(("task_id_commitments", commitments is not null), ("task_id", taskId.Length > 0),
            ("vrf_proof", vrfProof.Length > 0), ("public_key", publicKey.Length > 0),
            ("timestamp", timestamp != 0), ("signature", signature.Length > 0));
        if (commitments!.Length is not (1 or 3))
        {
            throw RelayException.Validation("task_id_commitments", "TaskIDCommitments length incorrect");
        }
        var signed = new JsonObject
        {
            ["task_id_commitments"] = new JsonArray([.. commitments.Select(c => (JsonNode)c)]),
            ["task_id"] = taskId,
            ["vrf_proof"] = vrfProof,
            ["public_key"] = publicKey,
        };
        var signer = signatures.Verify(signed, timestamp, signature);
        relay.Validate(commitments, taskId, vrfProof, publicKey, signer);
        return RelayResponses.Success();
    }
}
