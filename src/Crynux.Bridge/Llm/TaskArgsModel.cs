using System.Text.Json.Nodes;

namespace Crynux.Bridge.Llm;

/// <summary>
/// The network is asked for the model under the name the bridge lists (the name in the task's model_ids), whatever the
/// client's spelling; the answer is then named with the client's spelling again (see LlmEndpoints.ReadResultAsync).
/// </summary>
internal static class TaskArgsModel
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new() { Encoder = GptTaskArgs.WriterOptions.Encoder };

    public static LlmRequest WithModel(LlmRequest request, string model)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Model == model)
        {
            return request;
        }
        var args = JsonNode.Parse(request.TaskArgs)!.AsObject();
        args["model"] = model;
        return request with { TaskArgs = args.ToJsonString(Options) };
    }
}
