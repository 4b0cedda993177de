using Maas.Core.Generation;
using Maas.Core.Models;

namespace Maas.Core.Tests.Generation;

public sealed class ChatPromptTests
{
    private static readonly ChatMessage[] Conversation = [new("system", "Be brief."), new("user", "Hi")];

    [Fact]
    public void Render_ChatMl_WrapsEachTurnAndOpensTheAssistants()
    {
        var prompt = ChatPrompt.Render(new GenerationConfig { ChatFormat = "chatml" }, Conversation);

        Assert.Equal("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", prompt);
    }

    [Fact]
    public void Render_Llama3_StartsWithBeginOfTextAndEndsWithTheAssistantHeader()
    {
        var prompt = ChatPrompt.Render(new GenerationConfig { ChatFormat = "llama3" }, Conversation);

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            prompt);
    }

    [Fact]
    public void Render_Plain_IsTheTextAlone()
    {
        Assert.Equal("The quick brown fox", ChatPrompt.Render(new GenerationConfig(), [new("user", "The quick brown fox")]));
    }

    [Fact]
    public void Render_Templates_UsesThemAndTheUserTemplateForDeveloper()
    {
        var config = new GenerationConfig { ChatFormat = null, ChatTemplates = new Dictionary<string, string> { ["user"] = "Q: {content}\n", ["generation"] = "A:" } };

        Assert.Equal("Q: rules\nQ: Hi\nA:", ChatPrompt.Render(config, [new("developer", "rules"), new("user", "Hi")]));
    }

    [Fact]
    public void EndOfTurn_NamedFormats_AreTheirTurnEndMarkers()
    {
        Assert.Equal("<|im_end|>", ChatPrompt.EndOfTurn(new GenerationConfig { ChatFormat = "chatml" }));
        Assert.Equal("<|eot_id|>", ChatPrompt.EndOfTurn(new GenerationConfig { ChatFormat = "llama3" }));
        Assert.Null(ChatPrompt.EndOfTurn(new GenerationConfig()));
    }
}
