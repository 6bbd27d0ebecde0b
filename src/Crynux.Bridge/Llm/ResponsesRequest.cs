using System.Text.Json.Nodes;

namespace Crynux.Bridge.Llm;

/// <summary>A validated POST /v1/responses request.</summary>
/// <param name="Chat">The same request as a chat completion: what the task is made of.</param>
/// <param name="Conversation">The chat messages of the conversation so far (earlier turns, then this input; no
/// instructions, which OpenAI does not carry over), to which the answer is added when it is stored.</param>
/// <param name="Echo">The request fields a Response object repeats (instructions, tools, tool_choice, temperature, top_p,
/// max_output_tokens, previous_response_id, store, metadata), already in the Response's shape.</param>
/// <param name="Store">Whether the response is kept for GET and previous_response_id (OpenAI's default: true).</param>
public sealed record ResponsesRequest(LlmRequest Chat, JsonArray Conversation, JsonObject Echo, bool Store);
