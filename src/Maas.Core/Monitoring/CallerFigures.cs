namespace Maas.Core.Monitoring;

/// <summary>What one calling application did in a period; tokens for generative models (the unit they are billed in).</summary>
public sealed record CallerFigures(long Requests, long Errors, long PromptTokens = 0, long CompletionTokens = 0)
{
    public CallerFigures Plus(CallerFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Requests + other.Requests, Errors + other.Errors, PromptTokens + other.PromptTokens, CompletionTokens + other.CompletionTokens);
    }
}
