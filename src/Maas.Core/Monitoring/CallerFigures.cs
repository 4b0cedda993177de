namespace Maas.Core.Monitoring;

/// <summary>What one calling application did in a period.</summary>
public sealed record CallerFigures(long Requests, long Errors)
{
    public CallerFigures Plus(CallerFigures other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Requests + other.Requests, Errors + other.Errors);
    }
}
