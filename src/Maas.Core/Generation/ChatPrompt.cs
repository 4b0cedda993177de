using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Generation;

/// <summary>One chat message as the data plane sees it.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders chat messages into the prompt text a model was trained on: a named format (<c>chatml</c>, <c>llama3</c>,
/// <c>phi3</c>, <c>gemma</c>, <c>plain</c>) or config.json's per-role templates, ending where the assistant's reply starts.
/// </summary>
public static class ChatPrompt
{
    /// <summary>Roles a message may have.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["system", "developer", "user", "assistant"];

    /// <summary>The prompt text of <paramref name="messages"/> under <paramref name="config"/>'s chat format.</summary>
    public static string Render(GenerationConfig config, IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(messages);
        var templates = config.ChatTemplates ?? Named(config.ChatFormat ?? "plain");
        var text = new StringBuilder(templates.GetValueOrDefault("prefix", string.Empty));
        foreach (var message in messages)
        {
            var role = message.Role == "developer" ? "system" : message.Role;
            var template = templates.GetValueOrDefault(role) ?? templates["user"];
            text.Append(template.Replace("{content}", message.Content, StringComparison.Ordinal));
        }

        return text.Append(templates.GetValueOrDefault("generation", string.Empty)).ToString();
    }

    /// <summary>The text that ends an assistant turn in <paramref name="config"/>'s format (a stop string), or null.</summary>
    public static string? EndOfTurn(GenerationConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.ChatTemplates is null ? (config.ChatFormat switch
        {
            "chatml" => "<|im_end|>",
            "llama3" => "<|eot_id|>",
            "phi3" => "<|end|>",
            "gemma" => "<end_of_turn>",
            _ => null,
        }) : null;
    }

    private static Dictionary<string, string> Named(string format) => format switch
    {
        "chatml" => new()
        {
            ["system"] = "<|im_start|>system\n{content}<|im_end|>\n",
            ["user"] = "<|im_start|>user\n{content}<|im_end|>\n",
            ["assistant"] = "<|im_start|>assistant\n{content}<|im_end|>\n",
            ["generation"] = "<|im_start|>assistant\n",
        },
        "llama3" => new()
        {
            ["prefix"] = "<|begin_of_text|>",
            ["system"] = "<|start_header_id|>system<|end_header_id|>\n\n{content}<|eot_id|>",
            ["user"] = "<|start_header_id|>user<|end_header_id|>\n\n{content}<|eot_id|>",
            ["assistant"] = "<|start_header_id|>assistant<|end_header_id|>\n\n{content}<|eot_id|>",
            ["generation"] = "<|start_header_id|>assistant<|end_header_id|>\n\n",
        },
        "phi3" => new()
        {
            ["system"] = "<|system|>\n{content}<|end|>\n",
            ["user"] = "<|user|>\n{content}<|end|>\n",
            ["assistant"] = "<|assistant|>\n{content}<|end|>\n",
            ["generation"] = "<|assistant|>\n",
        },
        "gemma" => new()
        {
            // Gemma has no system role: the system text opens the first user turn.
            ["system"] = "<start_of_turn>user\n{content}<end_of_turn>\n",
            ["user"] = "<start_of_turn>user\n{content}<end_of_turn>\n",
            ["assistant"] = "<start_of_turn>model\n{content}<end_of_turn>\n",
            ["generation"] = "<start_of_turn>model\n",
        },
        _ => new()
        {
            // plain: the messages' text one after another, the model continuing the last.
            ["system"] = "{content}\n",
            ["user"] = "{content}",
            ["assistant"] = "{content}",
        },
    };
}
