using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Protocol;
using Maas.Core.Protocol.OpenAI;
using Maas.Core.Serving;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// Runs a chunk's request lines through the same data plane as HTTP calls, without HTTP: the protocol of the batch's
/// endpoint decodes each body, the data plane resolves the model for the batch's caller, validates and runs, and each
/// line is measured (marked as batch work), observed (capture, drift) and answered with the status and body an HTTP
/// call would have had. For models that take batches (<c>maxBatchSize</c> above 1), consecutive lines that fit
/// together run as one ONNX Runtime call of up to <c>maxBatchSize</c> rows; generation lines keep several sequences
/// in flight so the model's continuous batching has company. Before each run it lets this instance's live calls go
/// first (<c>Batch:YieldToLiveCalls</c>).
/// </summary>
public sealed partial class BatchLineRunner(
    InferenceService inference,
    SessionCache sessions,
    BatchProtocols protocols,
    OpenAiService openAi,
    MetricsRecorder metrics,
    IOptions<BatchOptions> options,
    TimeProvider clock,
    ILogger<BatchLineRunner> logger)
{
    /// <summary>The answers to <paramref name="lines"/> of <paramref name="batch"/>, in the lines' order.</summary>
    public async Task<IReadOnlyList<BatchLineOutcome>> RunAsync(BatchRecord batch, IReadOnlyList<BatchLine> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(lines);
        var endpoint = BatchEndpoint.Parse(batch.Endpoint)
            ?? throw new InvalidOperationException("A batch was stored with an endpoint that is not a prediction path.");
        var caller = BatchOwner.Restore(batch.Caller);
        return endpoint.Kind switch
        {
            BatchEndpointKind.Predict => await RunTensorLinesAsync(endpoint, protocols.Predict, lines, caller, cancellationToken),
            BatchEndpointKind.Infer => await RunTensorLinesAsync(endpoint, protocols.Infer, lines, caller, cancellationToken),
            _ => await RunOpenAiLinesAsync(endpoint, lines, caller, cancellationToken),
        };
    }

    private async Task<BatchLineOutcome[]> RunTensorLinesAsync(BatchEndpoint endpoint, IInferenceProtocol protocol, IReadOnlyList<BatchLine> lines, Caller caller, CancellationToken cancellationToken)
    {
        var outcomes = new BatchLineOutcome[lines.Count];
        var shape = ErrorBody.ShapeOf(endpoint.Path);
        ModelVersionRecord model;
        try
        {
            model = await inference.ResolveAsync(endpoint.Model!, endpoint.Version, caller, new PredictionMeasurement(endpoint.Model!), cancellationToken);
        }
        catch (MaasException error)
        {
            // The model is gone, not ready or not the caller's: every line gets the answer its call would have had.
            for (var i = 0; i < lines.Count; i++)
            {
                var measurement = Measure(endpoint.Model!, caller);
                outcomes[i] = Failed(error, shape, endpoint, measurement);
            }

            return outcomes;
        }

        // Lines are decoded as they come and run in groups of consecutive lines that fit together (up to maxBatchSize
        // rows), so only one group's requests are alive at a time.
        var maxRows = Math.Max(1, model.Config.MaxBatchSize ?? 1);
        var group = new List<PendingLine>(maxRows);
        var rows = 0;
        try
        {
            for (var i = 0; i < lines.Count; i++)
            {
                var measurement = Measure(model.Name, caller);
                measurement.Model = model;
                var body = Encoding.UTF8.GetBytes(lines[i].Body);
                InferenceRequest? request = null;
                try
                {
                    request = await protocol.ReadRequestAsync(new WireRequest(MediaTypes.Json, body.Length, static _ => null, new MemoryStream(body)), model, cancellationToken);
                    measurement.BytesIn = request.BodyBytes;
                    InputValidator.Validate(model, request);
                }
                catch (MaasException error)
                {
                    if (request is not null)
                    {
                        inference.Observe(model, request, result: null, RequestId(lines[i]), caller, measurement, error);
                        request.Dispose();
                    }

                    outcomes[i] = Failed(error, shape, endpoint, measurement);
                    continue;
                }

                var requestRows = request.Rows;
                if (group.Count > 0 && (rows + requestRows > maxRows || !BatchTensors.Compatible(group[0].Request, request)))
                {
                    await RunGroupAsync(model, protocol, group, outcomes, shape, endpoint, caller, cancellationToken);
                    Release(group);
                    rows = 0;
                }

                group.Add(new PendingLine(i, lines[i], request, measurement));
                rows += requestRows;
            }

            if (group.Count > 0)
            {
                await RunGroupAsync(model, protocol, group, outcomes, shape, endpoint, caller, cancellationToken);
            }
        }
        finally
        {
            Release(group);
        }

        return outcomes;
    }

    /// <summary>Runs <paramref name="group"/> as one call (concatenated when it holds several lines); if that call fails, each line alone, so each gets its own answer.</summary>
    private async Task RunGroupAsync(ModelVersionRecord model, IInferenceProtocol protocol, List<PendingLine> group, BatchLineOutcome[] outcomes, ErrorShape shape, BatchEndpoint endpoint, Caller caller, CancellationToken cancellationToken)
    {
        // Live calls go first: wait (a bounded time) for a moment with none in flight on this instance.
        await inference.Live.WaitForQuietAsync(options.Value.YieldToLiveCalls, cancellationToken);
        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        var combined = group.Count == 1 ? group[0].Request : BatchTensors.Concatenate([.. group.Select(line => line.Request)]);
        var totalRows = group.Sum(line => line.Request.Rows);
        InferenceResult result;
        var started = Stopwatch.GetTimestamp();
        try
        {
            result = ModelRunner.Run(lease.Loaded, combined, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException && group.Count > 1)
        {
            combined.Dispose();
            foreach (var line in group)
            {
                await RunGroupAsync(model, protocol, [line], outcomes, shape, endpoint, caller, cancellationToken);
            }

            return;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var line = group[0];
            Stamp(line.Measurement, lease, Stopwatch.GetElapsedTime(started), totalRows);
            inference.Observe(model, line.Request, result: null, RequestId(line.Line), caller, line.Measurement, error);
            outcomes[line.Index] = Failed(error, shape, endpoint, line.Measurement);
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        using (result)
        {
            var firstRow = 0;
            foreach (var line in group)
            {
                var rows = line.Request.Rows;
                using var own = group.Count == 1 ? null : BatchTensors.Slice(result, line.Request.Outputs, totalRows, firstRow, rows);
                firstRow += rows;
                Stamp(line.Measurement, lease, elapsed, totalRows);
                outcomes[line.Index] = Answer(model, protocol, line, own ?? result, shape, endpoint, caller);
            }
        }

        if (group.Count > 1)
        {
            combined.Dispose();
        }
    }

    private BatchLineOutcome Answer(ModelVersionRecord model, IInferenceProtocol protocol, PendingLine line, InferenceResult result, ErrorShape shape, BatchEndpoint endpoint, Caller caller)
    {
        try
        {
            using var response = protocol.WriteResponse(model, line.Request, result);
            if (!response.ContentType.StartsWith(MediaTypes.Json, StringComparison.Ordinal))
            {
                throw new MaasException(ErrorKind.InvalidInput, "A batch line's response must be JSON: binary outputs (binary_data, binary_data_output) are not available in a batch.");
            }

            line.Measurement.BytesOut = response.Body.Length;
            inference.Observe(model, line.Request, result, RequestId(line.Line), caller, line.Measurement, failure: null);
            Record(line.Measurement, failure: null);
            return new BatchLineOutcome(200, response.Body.ToArray());
        }
        catch (MaasException error)
        {
            inference.Observe(model, line.Request, result: null, RequestId(line.Line), caller, line.Measurement, error);
            return Failed(error, shape, endpoint, line.Measurement);
        }
    }

    private async Task<BatchLineOutcome[]> RunOpenAiLinesAsync(BatchEndpoint endpoint, IReadOnlyList<BatchLine> lines, Caller caller, CancellationToken cancellationToken)
    {
        var outcomes = new BatchLineOutcome[lines.Count];
        using var inFlight = new SemaphoreSlim(options.Value.GenerationLinesInFlight);
        var running = new List<Task>(lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            await inFlight.WaitAsync(cancellationToken);
            var index = i;
            running.Add(Task.Run(
                async () =>
                {
                    try
                    {
                        outcomes[index] = await RunOpenAiLineAsync(endpoint, lines[index], caller, cancellationToken);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                },
                cancellationToken));
        }

        await Task.WhenAll(running);
        return outcomes;
    }

    private async Task<BatchLineOutcome> RunOpenAiLineAsync(BatchEndpoint endpoint, BatchLine line, Caller caller, CancellationToken cancellationToken)
    {
        var measurement = Measure(endpoint.Path, caller);
        var body = Encoding.UTF8.GetBytes(line.Body);
        var wire = new WireRequest(MediaTypes.Json, body.Length, static _ => null, new MemoryStream(body));
        try
        {
            if (endpoint.Kind == BatchEndpointKind.Embeddings)
            {
                using var embedded = await openAi.EmbedAsync(wire, caller, measurement, cancellationToken);
                Record(measurement, failure: null);
                return new BatchLineOutcome(200, embedded.Body.ToArray());
            }

            using var completion = await openAi.CompleteAsync(wire, endpoint.Kind == BatchEndpointKind.ChatCompletions, caller, measurement, cancellationToken);
            var answer = completion.Body
                ?? throw new MaasException(ErrorKind.InvalidInput, "A batch line cannot stream: remove \"stream\" (or set it to false); the whole answer goes to the output file.") { Field = "stream" };
            Record(measurement, failure: null);
            return new BatchLineOutcome(200, answer.Body.ToArray());
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return Failed(error, ErrorShape.OpenAi, endpoint, measurement);
        }
    }

    /// <summary>The answer to a line that failed: its status code and the error body its endpoint answers with; an unexpected failure is logged (never its data) and answered 500.</summary>
    private BatchLineOutcome Failed(Exception error, ErrorShape shape, BatchEndpoint endpoint, PredictionMeasurement measurement)
    {
        Record(measurement, error);
        int status;
        string message;
        string? field = null;
        string? code = null;
        if (MaasException.Of(error) is { } expected)
        {
            (status, message, field, code) = (ErrorStatus.CodeOf(expected.Kind), expected.Message, expected.Field, expected.Code);
        }
        else
        {
            var correlation = Guid.NewGuid().ToString("N");
            LogUnexpected(logger, error.GetType().Name, correlation);
            (status, message) = (500, $"An unexpected error occurred. Quote correlation id {correlation} when reporting it.");
        }

        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            ErrorBody.Write(json, shape, status, message, field, code, endpoint.Path);
        }

        return new BatchLineOutcome(status, output.ToArray());
    }

    private static void Release(List<PendingLine> group)
    {
        foreach (var line in group)
        {
            line.Request.Dispose();
        }

        group.Clear();
    }

    private static PredictionMeasurement Measure(string requestedModel, Caller caller)
        => new(requestedModel) { FromBatch = true, CallerAppId = caller.AppId };

    private static void Stamp(PredictionMeasurement measurement, SessionLease lease, TimeSpan inference, int rows)
    {
        measurement.ExecutionProvider = lease.Loaded.ExecutionProvider;
        measurement.Inference = inference;
        measurement.BatchSize = rows;
    }

    private void Record(PredictionMeasurement measurement, Exception? failure) => metrics.Record(measurement.ToRecord(clock.GetUtcNow(), failure));

    private static string RequestId(BatchLine line) => line.CustomId;

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch line failed unexpectedly with {ErrorType}; correlation id {CorrelationId}.")]
    private static partial void LogUnexpected(ILogger logger, string errorType, string correlationId);

    private sealed record PendingLine(int Index, BatchLine Line, InferenceRequest Request, PredictionMeasurement Measurement);
}
