using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Serving;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Middleware;

/// <summary>
/// Turns failures of HTTP invocations into responses: expected ones (<see cref="MaasException"/>) into their
/// status code and message, anything else into a 500 that carries only a correlation id. Non-HTTP
/// invocations rethrow so the host can retry them.
/// </summary>
internal sealed partial class ErrorMappingMiddleware(IOptions<LimitsOptions> limits, ILogger<ErrorMappingMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.GetHttpContext() is { RequestAborted.IsCancellationRequested: true })
        {
            // The caller went away: there is nobody to answer and nothing went wrong on our side.
            LogCallerGone(logger, context.FunctionDefinition.Name);
        }
        catch (Exception exception) when (context.GetHttpContext() is { Response.HasStarted: false } httpContext)
        {
            var failure = MaasException.Of(exception) ?? FromServer(exception);
            if (failure is not null)
            {
                LogExpectedFailure(logger, context.FunctionDefinition.Name, failure.Kind, failure.Message);
                await ErrorResponses.WriteAsync(httpContext.Response, failure);
                return;
            }

            // The log names the failure by type and message only: no stack trace, nothing of the request body.
            var correlationId = context.InvocationId;
            LogUnexpectedFailure(logger, context.FunctionDefinition.Name, correlationId, exception.GetType().FullName, exception.Message);
            await ErrorResponses.WriteUnexpectedAsync(httpContext.Response, correlationId);
        }
    }

    /// <summary>Kestrel's own refusal of a body over its limit (which follows <c>Limits:MaxRequestBytes</c>) is the caller's 413.</summary>
    private MaasException? FromServer(Exception exception)
        => exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
            ? RequestBody.TooLarge("The request body is larger than allowed", limits.Value.MaxRequestBytes)
            : null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "{FunctionName} stopped: the caller disconnected")]
    private static partial void LogCallerGone(ILogger logger, string functionName);

    [LoggerMessage(Level = LogLevel.Information, Message = "{FunctionName} answered {ErrorKind}: {Reason}")]
    private static partial void LogExpectedFailure(ILogger logger, string functionName, ErrorKind errorKind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{FunctionName} failed unexpectedly; correlation id {CorrelationId}: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogUnexpectedFailure(ILogger logger, string functionName, string correlationId, string? exceptionType, string exceptionMessage);
}
