using System.Text.Json.Nodes;

namespace Crynux.Bridge.Llm;

/// <summary>
/// The typed event stream of a response. The task has finished before the output events, so they replay the answer in
/// small pieces (as chat streaming does); every event carries the next sequence_number.
/// </summary>
public sealed class ResponseEvents
{
    private int _sequence;

    /// <summary>response.created and response.in_progress, sent as soon as the task is admitted.</summary>
    public IEnumerable<(string Type, JsonObject Data)> Opening(JsonObject inProgress)
    {
        ArgumentNullException.ThrowIfNull(inProgress);
        yield return Event("response.created", new JsonObject { ["response"] = inProgress.DeepClone() });
        yield return Event("response.in_progress", new JsonObject { ["response"] = inProgress.DeepClone() });
    }

    /// <summary>Every output item's events, then response.completed (or an incomplete response's own event).</summary>
    public IEnumerable<(string Type, JsonObject Data)> Answer(JsonObject completed, LlmResult result)
    {
        ArgumentNullException.ThrowIfNull(completed);
        ArgumentNullException.ThrowIfNull(result);
        var id = completed["id"]!.GetValue<string>();
        var done = ResponseObjects.OutputItems(id, result, "completed");
        var added = ResponseObjects.OutputItems(id, result, "in_progress");
        for (var index = 0; index < done.Count; index++)
        {
            var itemId = done[index]["id"]!.GetValue<string>();
            yield return Event("response.output_item.added", new JsonObject { ["output_index"] = index, ["item"] = added[index] });
            if (done[index]["type"]!.GetValue<string>() == "message")
            {
                var text = result.Choices[0].Content;
                yield return Event("response.content_part.added", Part(itemId, index, "part", ResponseObjects.TextPart("")));
                foreach (var piece in OpenAiResponses.Pieces(text))
                {
                    var delta = Part(itemId, index, "delta", piece);
                    delta["logprobs"] = new JsonArray();
                    yield return Event("response.output_text.delta", delta);
                }
                var textDone = Part(itemId, index, "text", text);
                textDone["logprobs"] = new JsonArray();
                yield return Event("response.output_text.done", textDone);
                yield return Event("response.content_part.done", Part(itemId, index, "part", ResponseObjects.TextPart(text)));
            }
            else
            {
                var arguments = done[index]["arguments"]!.GetValue<string>();
                foreach (var fragment in OpenAiResponses.Fragments(arguments, OpenAiResponses.ArgumentFragmentChars))
                {
                    yield return Event("response.function_call_arguments.delta",
                        new JsonObject { ["item_id"] = itemId, ["output_index"] = index, ["delta"] = fragment });
                }
                yield return Event("response.function_call_arguments.done", new JsonObject
                {
                    ["item_id"] = itemId,
                    ["output_index"] = index,
                    ["name"] = done[index]["name"]!.DeepClone(),
                    ["arguments"] = arguments,
                });
            }
            yield return Event("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = done[index] });
        }
        var type = completed["status"]!.GetValue<string>() == "incomplete" ? "response.incomplete" : "response.completed";
        yield return Event(type, new JsonObject { ["response"] = completed.DeepClone() });
    }

    public (string Type, JsonObject Data) Failed(JsonObject failed) =>
        Event("response.failed", new JsonObject { ["response"] = failed.DeepClone() });

    private static JsonObject Part(string itemId, int index, string name, JsonNode value) => new()
    {
        ["item_id"] = itemId,
        ["output_index"] = index,
        ["content_index"] = 0,
        [name] = value,
    };

    private (string Type, JsonObject Data) Event(string type, JsonObject data)
    {
        var framed = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            framed[key] = value;
        }
        return (type, framed);
    }
}
