namespace Crynux.Devnet;

/// <summary>The route names of <see cref="FaultRule.Route"/> and which Relay requests each one matches.</summary>
internal static class FaultRoutes
{
    public const string Any = "any";

    public static readonly IReadOnlyList<string> Names = ["create", "get", "validate", "abort", "results", "checkpoint", "events", "batch", "pricing", Any];

    public static bool IsKnown(string? route) => route is not null && Names.Contains(route, StringComparer.Ordinal);

    /// <summary>The route name of one request, or null when it is none of the named ones (it still matches "any").</summary>
    public static string? Classify(string method, PathString path)
    {
        var s = (path.Value ?? "").Trim('/').Split('/');
        var get = HttpMethods.IsGet(method);
        var post = HttpMethods.IsPost(method);
        if (s.Length >= 2 && s[0] == "v1" && s[1].StartsWith("events", StringComparison.Ordinal))
        {
            return get ? "events" : null;
        }
        // The 2026 public pricing views: execution-time coefficients and the queue-priority snapshot.
        if (get && s is ["v2", "models", "sd" or "llm", "execution-time"] or ["v2", "tasks", "queued", "priority"])
        {
            return "pricing";
        }
        if (s.Length < 3 || s[0] != "v1" || s[1] != "inference_tasks")
        {
            return null;
        }
        if (s[2] == "batch")
        {
            return "batch";
        }
        return s.Length switch
        {
            3 when post && s[2] == "validate" => "validate",
            3 when post => "create",
            3 when get => "get",
            4 when post && s[3] == "validate" => "validate",
            4 when post && s[3] == "abort_reason" => "abort",
            4 when get && s[3] == "results" => "results",
            4 when get && s[3] == "checkpoint" => "checkpoint",
            5 when get && s[3] == "results" => "results",
            _ => null,
        };
    }
}
