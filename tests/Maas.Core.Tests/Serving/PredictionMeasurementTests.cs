using Maas.Core.Errors;
using Maas.Core.Monitoring;
using Maas.Core.Serving;
using Maas.TestKit.Registry;

namespace Maas.Core.Tests.Serving;

/// <summary>Which row a call counts under: names a caller sends are trusted only once they resolve.</summary>
public sealed class PredictionMeasurementTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("fraud", ErrorKind.Unauthenticated, PredictionRecord.UnauthenticatedModel)]
    [InlineData("fraud", ErrorKind.NotFound, PredictionRecord.UnknownModel)]
    [InlineData("Not A Name!", ErrorKind.InvalidInput, PredictionRecord.UnknownModel)]
    [InlineData("fraud", ErrorKind.Forbidden, "fraud")]
    public void ToRecord_NoModelResolved_CountsUnderTheSafeName(string requested, ErrorKind failure, string expected)
    {
        var record = new PredictionMeasurement(requested).ToRecord(Now, new MaasException(failure, "refused"));

        Assert.Equal(expected, record.Model);
        Assert.Equal(string.Empty, record.Version);
        Assert.Equal(0, record.BatchSize);
    }

    [Fact]
    public void ToRecord_UnexpectedFailure_IsAServerError()
        => Assert.Equal(OutcomeClass.ServerError, new PredictionMeasurement("fraud").ToRecord(Now, new InvalidOperationException("bug")).Outcome);

    [Fact]
    public void ToRecord_ExpectedFailureWrappedByATask_CountsByItsKind()
        => Assert.Equal(OutcomeClass.Throttled, new PredictionMeasurement("fraud").ToRecord(Now, new AggregateException(new MaasException(ErrorKind.Throttled, "full"))).Outcome);

    [Fact]
    public void ToRecord_ResolvedModel_CarriesItsVersionAndWhatWasMeasured()
    {
        var measurement = new PredictionMeasurement("fraud")
        {
            Model = ModelRecords.Ready([], [], "fraud", version: 3),
            CallerAppId = "app-1",
            BytesIn = 120,
            BytesOut = 48,
            BatchSize = 4,
            Inference = TimeSpan.FromMilliseconds(2),
        };

        var record = measurement.ToRecord(Now, failure: null);

        Assert.Equal(("fraud", "3", OutcomeClass.Ok, "app-1"), (record.Model, record.Version, record.Outcome, record.CallerAppId));
        Assert.Equal((120L, 48L, 4), (record.BytesIn, record.BytesOut, record.BatchSize));
        Assert.Equal(TimeSpan.FromMilliseconds(2), record.InferenceTime);
        Assert.Equal(Now, record.Timestamp);
    }
}
