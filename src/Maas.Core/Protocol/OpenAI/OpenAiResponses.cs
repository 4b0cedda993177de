using Maas.Core.Errors;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Core.Generation;

namespace Maas.Core.Protocol.OpenAI;

/// <summary>One choice of a finished completion.</summary>
public sealed record CompletionChoice(string Text, string FinishReason);

/// <summary>Prompt and completion tokens of a call, as OpenAI's <c>usage</c> reports them.</summary>
public sealed record TokenUsage(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>Writes OpenAI's response bodies and server-sent-event chunks, in its shapes and field names.</summary>
public static class OpenAiResponses
{
    /// <summary>The event that ends a stream.</summary>
    public static ReadOnlyMemory<byte> Done { get; } = "data: [DONE]\n\n"u8.ToArray();

    public static void WriteCompletion(IBufferWriter<byte> output, string id, long created, string model, bool chat, IReadOnlyList<CompletionChoice> choices, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(choices);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        Header(json, id, created, model, chat ? "chat.completion" : "text_completion");
        json.WriteStartArray("choices");
        for (var i = 0; i < choices.Count; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("index", i);
            if (chat)
            {
                json.WriteStartObject("message");
                json.WriteString("role", "assistant");
                json.WriteString("content", choices[i].Text);
                json.WriteNull("refusal");
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("text", choices[i].Text);
            }

            json.WriteNull("logprobs");
            json.WriteString("finish_reason", choices[i].FinishReason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Usage(json, usage);
        json.WriteEndObject();
    }

    /// <summary>
    /// One <c>data:</c> event of a stream: a chat delta (the first of a choice carries the role) or a text piece, with
    /// the finish reason on the last; <c>usage: null</c> on every chunk when the caller asked for usage at the end.
    /// </summary>
    public static byte[] Chunk(string id, long created, string model, bool chat, int index, string text, bool first, string? finishReason, bool includeUsage)
        => ServerSentEvents.Data(json =>
        {
            json.WriteStartObject();
            Header(json, id, created, model, chat ? "chat.completion.chunk" : "text_completion");
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", index);
            if (chat)
            {
                json.WriteStartObject("delta");
                if (first)
                {
                    json.WriteString("role", "assistant");
                }

                if (text.Length > 0 || finishReason is null)
                {
                    json.WriteString("content", text);
                }

                json.WriteEndObject();
            }
            else
            {
                json.WriteString("text", text);
            }

            json.WriteNull("logprobs");
            if (finishReason is null)
            {
                json.WriteNull("finish_reason");
            }
            else
            {
                json.WriteString("finish_reason", finishReason);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            if (includeUsage)
            {
                json.WriteNull("usage");
            }

            json.WriteEndObject();
        });

    /// <summary>The last chunk of a stream that asked for usage: no choices, the call's tokens.</summary>
    public static byte[] UsageChunk(string id, long created, string model, bool chat, TokenUsage usage)
        => ServerSentEvents.Data(json =>
        {
            json.WriteStartObject();
            Header(json, id, created, model, chat ? "chat.completion.chunk" : "text_completion");
            json.WriteStartArray("choices");
            json.WriteEndArray();
            Usage(json, usage);
            json.WriteEndObject();
        });

    /// <summary>An error inside a stream that has already started (its status line is gone): OpenAI's error object as an event.</summary>
    public static byte[] ErrorEvent(string message, string type, string? code)
        => ServerSentEvents.Data(json => ErrorBody.WriteOpenAi(json, message, type, null, code));

    public static void WriteEmbeddings(IBufferWriter<byte> output, string model, EmbeddingResult result, bool base64)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        for (var i = 0; i < result.Vectors.Count; i++)
        {
            json.WriteStartObject();
            json.WriteString("object", "embedding");
            json.WriteNumber("index", i);
            if (base64)
            {
                // Little-endian float32 bytes, as OpenAI's clients decode them.
                json.WriteBase64String("embedding", MemoryMarshal.AsBytes(result.Vectors[i].AsSpan()));
            }
            else
            {
                json.WriteStartArray("embedding");
                foreach (var value in result.Vectors[i])
                {
                    json.WriteNumberValue(value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("model", model);
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", result.PromptTokens);
        json.WriteNumber("total_tokens", result.PromptTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>A model object of <c>/v1/models</c>; <c>task</c> is this service's extension.</summary>
    public static void WriteModel(Utf8JsonWriter json, string id, long created, string task)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "model");
        json.WriteNumber("created", created);
        json.WriteString("owned_by", "maas");
        json.WriteString("task", task);
        json.WriteEndObject();
    }

    /// <summary>A response id: the prefix OpenAI uses for the object, and 24 random hex digits.</summary>
    public static string NewId(bool chat) => (chat ? "chatcmpl-" : "cmpl-") + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..24];

    private static void Header(Utf8JsonWriter json, string id, long created, string model, string kind)
    {
        json.WriteString("id", id);
        json.WriteString("object", kind);
        json.WriteNumber("created", created);
        json.WriteString("model", model);
    }

    private static void Usage(Utf8JsonWriter json, TokenUsage usage)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", usage.PromptTokens);
        json.WriteNumber("completion_tokens", usage.CompletionTokens);
        json.WriteNumber("total_tokens", usage.TotalTokens);
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
