// The openai npm client, unmodified, against a bridge: node responses.mjs <base url ending in /v1/> <api key>.
// Exits 0 and prints one JSON line of what it saw; any failed check throws (exit 1).
import assert from "node:assert/strict";
import OpenAI from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60_000 });
const model = "Qwen/Qwen2.5-7B";

const plain = await client.responses.create({ model, input: "What is the capital of France?", instructions: "Be brief." });
assert.equal(plain.status, "completed");
assert.equal(plain.model, model);
assert.ok(plain.output_text.length > 0, "output_text is empty");
assert.ok(plain.usage.output_tokens > 0);

const stream = await client.responses.create({ model, input: "What is the capital of France?", instructions: "Be brief.", stream: true });
const types = [];
let deltas = "";
let completed;
for await (const event of stream) {
  types.push(event.type);
  if (event.type === "response.output_text.delta") deltas += event.delta;
  if (event.type === "response.completed") completed = event.response;
}
assert.equal(types[0], "response.created");
assert.equal(types.at(-1), "response.completed");
assert.equal(deltas, plain.output_text, "the same request streamed gives the same text");
assert.equal(completed.output[0].content[0].text, deltas);

const tools = [{ type: "function", name: "get_weather", description: "Weather of a city", strict: false,
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }];
const first = await client.responses.create({ model, tools, input: [{ role: "user", content: "Use get_weather for Paris" }] });
const call = first.output.find((item) => item.type === "function_call");
assert.ok(call, "no function_call item");
assert.equal(call.name, "get_weather");
const second = await client.responses.create({ model, tools, previous_response_id: first.id,
  input: [{ type: "function_call_output", call_id: call.call_id, output: JSON.stringify({ temperature: 21 }) }] });
assert.equal(second.previous_response_id, first.id);
assert.ok(second.output_text.length > 0);

const read = await client.responses.retrieve(second.id);
assert.equal(read.id, second.id);
await client.responses.delete(second.id);
await assert.rejects(client.responses.retrieve(second.id), (e) => e.status === 404);
await assert.rejects(client.responses.create({ model, input: "x", previous_response_id: "resp_unknown" }), (e) => e.status === 404);

const chat = await client.chat.completions.create({ model: "qwen/QWEN2.5-7b", messages: [{ role: "user", content: "hi" }] });
assert.equal(chat.model, "qwen/QWEN2.5-7b");

console.log(JSON.stringify({ ok: true, events: types.length, text: plain.output_text.length, call: call.call_id }));
