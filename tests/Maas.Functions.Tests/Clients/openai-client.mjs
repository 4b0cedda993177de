// Calls the app with the official OpenAI client library, as a user would, and prints what it got as one JSON object.
// Usage: node openai-client.mjs <base url of the app> <text-generation model>
import OpenAI from "openai";

const [baseURL, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL: new URL("v1", baseURL).toString(), apiKey: "an Entra ID token goes here", maxRetries: 0 });
const prompt = "The quick brown fox";
const result = {};

const chat = await client.chat.completions.create({ model, messages: [{ role: "user", content: prompt }], max_tokens: 60, temperature: 0 });
result.chat = { content: chat.choices[0].message.content, finish: chat.choices[0].finish_reason, usage: chat.usage };

const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: prompt }], max_tokens: 60, stream: true, stream_options: { include_usage: true } });
let streamed = "";
let chunks = 0;
let streamUsage = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? "";
  streamUsage = chunk.usage ?? streamUsage;
}
result.stream = { content: streamed, chunks, usage: streamUsage };

const completion = await client.completions.create({ model, prompt, max_tokens: 60 });
result.completion = { text: completion.choices[0].text, finish: completion.choices[0].finish_reason };

const models = await client.models.list();
result.models = models.data.map((m) => m.id);

for (const [name, call] of [
  ["notFound", () => client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })],
  ["tooLong", () => client.completions.create({ model, prompt, max_tokens: 500 })],
]) {
  try {
    await call();
    result[name] = { status: 0 };
  } catch (error) {
    result[name] = { status: error.status, type: error.constructor.name, code: error.code, param: error.param, message: error.message };
  }
}

console.log(JSON.stringify(result));
