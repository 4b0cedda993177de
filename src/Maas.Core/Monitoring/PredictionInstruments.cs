using System.Diagnostics;
using System.Diagnostics.Metrics;
using Maas.Core.Telemetry;

namespace Maas.Core.Monitoring;

/// <summary>The <c>maas.*</c> OpenTelemetry instruments every prediction feeds (exported when an exporter is configured).</summary>
internal static class PredictionInstruments
{
    private static readonly Counter<long> Predictions = MaasTelemetry.Meter.CreateCounter<long>("maas.predictions", description: "Prediction calls by model, version and outcome.");
    private static readonly Histogram<double> Duration = MaasTelemetry.Meter.CreateHistogram<double>("maas.prediction.duration", "s", "Total time of a prediction call.");
    private static readonly Histogram<double> InferenceDuration = MaasTelemetry.Meter.CreateHistogram<double>("maas.prediction.inference_duration", "s", "Time inside ONNX Runtime.");
    private static readonly Histogram<double> QueueDuration = MaasTelemetry.Meter.CreateHistogram<double>("maas.prediction.queue_duration", "s", "Time waiting in the batch queue.");
    private static readonly Histogram<long> BatchSize = MaasTelemetry.Meter.CreateHistogram<long>("maas.prediction.batch_size", description: "Rows per ONNX Runtime run.");
    private static readonly Counter<long> BytesIn = MaasTelemetry.Meter.CreateCounter<long>("maas.prediction.bytes_in", "By", "Request body bytes.");
    private static readonly Counter<long> BytesOut = MaasTelemetry.Meter.CreateCounter<long>("maas.prediction.bytes_out", "By", "Response body bytes.");
    private static readonly Counter<long> PromptTokens = MaasTelemetry.Meter.CreateCounter<long>("maas.tokens.prompt", "{token}", "Tokens generative calls read (prompts, embedding inputs).");
    private static readonly Counter<long> CompletionTokens = MaasTelemetry.Meter.CreateCounter<long>("maas.tokens.completion", "{token}", "Tokens generative calls generated.");
    private static readonly Histogram<double> TimeToFirstToken = MaasTelemetry.Meter.CreateHistogram<double>("maas.generation.time_to_first_token", "s", "From a generative call's start to its first token.");
    private static readonly Histogram<double> TimePerOutputToken = MaasTelemetry.Meter.CreateHistogram<double>("maas.generation.time_per_output_token", "s", "Mean time per generated token after the first, per call.");
    private static readonly Histogram<double> ColdLoad = MaasTelemetry.Meter.CreateHistogram<double>("maas.sessions.cold_load_duration", "s", "Blob to ready session, for calls that waited for it.");

    public static void Record(in PredictionRecord record)
    {
        var tags = new TagList
        {
            { "model", record.Model },
            { "version", record.Version },
            { "outcome", record.Outcome.ToString() },
            { "caller", record.CallerAppId },
            { "source", record.Shadow ? "shadow" : record.FromBatch ? "batch" : "live" },
        };
        Predictions.Add(1, tags);
        Duration.Record(record.TotalTime.TotalSeconds, tags);
        if (record.Outcome != OutcomeClass.Ok)
        {
            return;
        }

        var modelTags = new TagList { { "model", record.Model }, { "version", record.Version }, { "provider", record.ExecutionProvider } };
        InferenceDuration.Record(record.InferenceTime.TotalSeconds, modelTags);
        QueueDuration.Record(record.QueueTime.TotalSeconds, modelTags);
        BatchSize.Record(record.BatchSize, modelTags);
        BytesIn.Add(record.BytesIn, modelTags);
        BytesOut.Add(record.BytesOut, modelTags);
        if (record.ColdLoadTime is { } coldLoad)
        {
            ColdLoad.Record(coldLoad.TotalSeconds, modelTags);
        }

        if (record.PromptTokens + record.CompletionTokens > 0)
        {
            var callerTags = new TagList { { "model", record.Model }, { "version", record.Version }, { "caller", record.CallerAppId } };
            PromptTokens.Add(record.PromptTokens, callerTags);
            CompletionTokens.Add(record.CompletionTokens, callerTags);
        }

        if (record.TimeToFirstToken is { } firstToken)
        {
            TimeToFirstToken.Record(firstToken.TotalSeconds, modelTags);
        }

        if (record.TimePerOutputToken is { } perToken)
        {
            TimePerOutputToken.Record(perToken.TotalSeconds, modelTags);
        }
    }
}
