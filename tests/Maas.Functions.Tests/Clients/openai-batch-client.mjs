// Runs a batch with the official OpenAI client library, as a user would, and prints what it got as one JSON object.
// Usage: node openai-batch-client.mjs <base url of the app> submit <text-generation model>   (uploads and creates)
//        node openai-batch-client.mjs <base url of the app> collect <batch id>               (retrieves and downloads)
import OpenAI, { toFile } from "openai";

const [baseURL, step, arg] = process.argv.slice(2);
const client = new OpenAI({ baseURL: new URL("v1", baseURL).toString(), apiKey: "an Entra ID token goes here", maxRetries: 0 });
const result = {};

if (step === "submit") {
  const lines = ["a", "b", "c"].map((id) => JSON.stringify({
    custom_id: id,
    method: "POST",
    url: "/v1/chat/completions",
    body: { model: arg, messages: [{ role: "user", content: "The quick brown fox" }], max_tokens: 60, temperature: 0 },
  }));
  const file = await client.files.create({ file: await toFile(Buffer.from(lines.join("\n") + "\n"), "requests.jsonl"), purpose: "batch" });
  result.file = { id: file.id, purpose: file.purpose, bytes: file.bytes, filename: file.filename, created: file.created_at, expires: file.expires_at };
  const batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h", metadata: { job: "nightly" } });
  result.batch = { id: batch.id, status: batch.status, endpoint: batch.endpoint, metadata: batch.metadata };
} else {
  const batch = await client.batches.retrieve(arg);
  result.batch = { status: batch.status, counts: batch.request_counts, output: batch.output_file_id, errors: batch.error_file_id };
  const content = await client.files.content(batch.output_file_id);
  result.lines = (await content.text()).trim().split("\n").map((line) => JSON.parse(line));
  const listed = await client.batches.list({ limit: 10 });
  result.listed = listed.data.map((b) => b.id);
  try {
    await client.batches.cancel(arg);
    result.cancel = "no error";
  } catch (error) {
    result.cancel = { status: error.status, type: error.constructor.name };
  }
  const deleted = await client.files.delete(batch.output_file_id);
  result.deleted = deleted.deleted;
  try {
    await client.files.retrieve(batch.output_file_id);
    result.afterDelete = "still there";
  } catch (error) {
    result.afterDelete = { status: error.status };
  }
}

console.log(JSON.stringify(result));
