using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas chat &lt;name&gt;[/&lt;version&gt;]</c>: a conversation with a text-generation model through the OpenAI-compatible
/// API, its answers streamed to the terminal token by token. <c>--message</c> sends one message and exits; without it
/// each line typed is a message (an empty line or end of input ends the conversation).
/// </summary>
public static class ChatCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> (its default version) or <name>/<version>." };
        var message = new Option<string?>("--message") { Description = "Send this one message, print the answer and exit." };
        var system = new Option<string?>("--system") { Description = "A system message that opens the conversation." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Most tokens per answer (default: the model's)." };
        var temperature = new Option<double?>("--temperature") { Description = "0 is greedy; higher samples more freely (default 1)." };
        var command = new Command("chat", "Chat with a text-generation model, answers streamed as they come.") { target, message, system, maxTokens, temperature };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            using var api = global.Connect(parsed, io).ApiClient();
            var messages = new JsonArray();
            if (parsed.GetValue(system) is { } opening)
            {
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = opening });
            }

            var once = parsed.GetValue(message);
            while ((once ?? Prompt(io)) is { Length: > 0 } text)
            {
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = text });
                var request = new JsonObject
                {
                    ["model"] = model.Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{model.Name}/versions/{v}") : model.Name,
                    ["messages"] = messages.DeepClone(),
                    ["stream"] = true,
                    ["stream_options"] = new JsonObject { ["include_usage"] = true },
                };
                if (parsed.GetValue(maxTokens) is { } limit)
                {
                    request["max_tokens"] = limit;
                }

                if (parsed.GetValue(temperature) is { } t)
                {
                    request["temperature"] = t;
                }

                var answer = new StringBuilder();
                JsonNode? usage = null;
                await foreach (var chunk in api.StreamAsync("v1/chat/completions", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken))
                {
                    if ((string?)chunk["choices"]?.AsArray().FirstOrDefault()?["delta"]?["content"] is { Length: > 0 } piece)
                    {
                        answer.Append(piece);
                        io.Output.Write(piece);
                        await io.Output.FlushAsync(cancellationToken);
                    }

                    usage = chunk["usage"] ?? usage;
                }

                io.Output.WriteLine();
                if (usage is not null)
                {
                    io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(long?)usage["prompt_tokens"]} prompt + {(long?)usage["completion_tokens"]} completion tokens]"));
                }

                messages.Add(new JsonObject { ["role"] = "assistant", ["content"] = answer.ToString() });
                if (once is not null)
                {
                    break;
                }
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string? Prompt(CliIo io)
    {
        if (io.Interactive)
        {
            io.Output.Write("> ");
        }

        return io.Input.ReadLine();
    }
}
