namespace Crynux.Bridge.Api;

/// <summary>The answers about a model a request names.</summary>
public static class ModelProblems
{
    /// <summary>Not in the catalog (the catalog routes).</summary>
    public static Problem NotFound(string model) =>
        new(404, "model", $"The model '{model}' is not in this bridge's catalog; see GET /v1/models. Any model the network runs may still be requested.",
            "invalid_request_error", "model_not_found");

    /// <summary>
    /// The operator's models.allow / models.deny exclude it: answered as OpenAI answers a model one may not use (404
    /// model_not_found), so a client cannot tell a withheld model from a missing one.
    /// </summary>
    public static Problem NotOffered(string model) =>
        new(404, "model", $"The model '{model}' does not exist or is not offered by this bridge; see GET /v1/models.", "invalid_request_error", "model_not_found");
}
