using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Monitoring.Query;
using Maas.Core.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Serving;

/// <summary>
/// Loads, when an instance starts and in the background, the sessions its callers will want first: the model versions
/// that served the most requests in the last hour (up to <c>Inference:PrewarmModels</c>, within the cache's byte
/// budget). Until that is done, or <c>Inference:PrewarmTimeout</c> has passed, the instance reports not ready, so the
/// platform's health check (Elastic Premium's always-ready instances, the GPU app's replicas) sends traffic to warm
/// instances. A version that is gone or fails to load is skipped; prewarming never stops an instance.
/// </summary>
public sealed partial class SessionPrewarmer(
    MetricsQuery metrics,
    ModelResolver repository,
    SessionCache sessions,
    IOptions<InferenceOptions> options,
    TimeProvider clock,
    ILogger<SessionPrewarmer> logger)
    : BackgroundService
{
    private static readonly TimeSpan BusiestWindow = TimeSpan.FromHours(1);

    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private int _done;

    /// <summary>Whether prewarming is done, or was given up after <c>Inference:PrewarmTimeout</c>.</summary>
    public bool IsSettled => Volatile.Read(ref _done) == 1 || options.Value.PrewarmModels == 0 || clock.GetUtcNow() - _started >= options.Value.PrewarmTimeout;

    /// <summary>Loads the busiest versions; returns how many are now cached.</summary>
    public async Task<int> PrewarmAsync(CancellationToken cancellationToken)
    {
        try
        {
            var settings = options.Value;
            if (settings.PrewarmModels == 0)
            {
                return 0;
            }

            var loaded = 0;
            var bytes = 0L;
            foreach (var (model, version, requests) in await metrics.BusiestAsync(BusiestWindow, cancellationToken))
            {
                if (loaded == settings.PrewarmModels)
                {
                    break;
                }

                if (await TryLoadAsync(model, version, settings.MaxCachedModelBytes - bytes, cancellationToken) is { } size)
                {
                    loaded++;
                    bytes += size;
                    LogPrewarmed(logger, model, version, requests);
                }
            }

            return loaded;
        }
        finally
        {
            Volatile.Write(ref _done, 1);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await PrewarmAsync(stoppingToken);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Whatever stopped it (storage down, shutting down), prewarming must never stop the instance: the host ends
            // the application when a hosted service throws.
            LogPrewarmFailed(logger, error.GetType().Name);
        }
    }

    /// <summary>The version's size when it is now cached; null when it is gone, does not fit what is left of the budget, or fails to load.</summary>
    private async Task<long?> TryLoadAsync(string model, string version, long budgetLeft, CancellationToken cancellationToken)
    {
        try
        {
            var record = await repository.ResolveAsync(model, version, cancellationToken);
            if (record.SizeBytes > budgetLeft)
            {
                return null;
            }

            using var lease = await sessions.AcquireAsync(record, cancellationToken);
            return record.SizeBytes;
        }
        catch (MaasException error)
        {
            LogSkipped(logger, model, version, error.Kind);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prewarmed model {ModelName} version {ModelVersion} ({Requests} requests in the last hour)")]
    private static partial void LogPrewarmed(ILogger logger, string modelName, string modelVersion, long requests);

    [LoggerMessage(Level = LogLevel.Information, Message = "Not prewarming model {ModelName} version {ModelVersion}: {Kind}")]
    private static partial void LogSkipped(ILogger logger, string modelName, string modelVersion, ErrorKind kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prewarming stopped ({ExceptionType}); the instance serves and loads models on first use")]
    private static partial void LogPrewarmFailed(ILogger logger, string exceptionType);
}
