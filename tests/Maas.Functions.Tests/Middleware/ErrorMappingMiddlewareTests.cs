using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Serving;
using Maas.Functions.Middleware;
using Maas.TestKit.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Middleware;

public sealed class ErrorMappingMiddlewareTests
{
    private readonly LogRecorder _logs = new();

    [Fact]
    public void TitleOf_EveryStatusFailuresAnswerWith_IsAspNetCoresReasonPhrase()
    {
        foreach (var status in Enum.GetValues<ErrorKind>().Select(ErrorStatus.CodeOf).Append(StatusCodes.Status500InternalServerError))
        {
            Assert.Equal(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), ErrorBody.TitleOf(status));
        }
    }

    [Theory]
    [InlineData(ErrorKind.InvalidInput, 400)]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.NotReady, 409)]
    [InlineData(ErrorKind.PayloadTooLarge, 413)]
    [InlineData(ErrorKind.UnsupportedMediaType, 415)]
    [InlineData(ErrorKind.Throttled, 429)]
    [InlineData(ErrorKind.Unavailable, 503)]
    [InlineData(ErrorKind.Forbidden, 403)]
    [InlineData(ErrorKind.Unauthenticated, 401)]
    public async Task Invoke_V2PathThrowsMaasException_WritesErrorObjectWithMappedStatus(ErrorKind kind, int expectedStatus)
    {
        var http = NewHttpContext("/v2/models/fraud/infer");

        await InvokeThrowing(http, new MaasException(kind, "input 'x': expected FP32, got INT64"));

        Assert.Equal(expectedStatus, http.Response.StatusCode);
        Assert.Equal("application/json", http.Response.ContentType);
        using var body = ReadBody(http);
        Assert.Equal("input 'x': expected FP32, got INT64", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Invoke_SimpleApiPathThrowsMaasException_WritesProblemJson()
    {
        var http = NewHttpContext("/models/fraud/predict");

        await InvokeThrowing(http, new MaasException(ErrorKind.NotFound, "Model 'fraud' does not exist."));

        Assert.Equal(404, http.Response.StatusCode);
        Assert.Equal("application/problem+json", http.Response.ContentType);
        using var body = ReadBody(http);
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Not Found", body.RootElement.GetProperty("title").GetString());
        Assert.Equal("Model 'fraud' does not exist.", body.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Invoke_Unauthenticated_ChallengesWithBearer()
    {
        var http = NewHttpContext("/models/fraud/predict");

        await InvokeThrowing(http, new MaasException(ErrorKind.Unauthenticated, "A valid Microsoft Entra ID bearer token is required."));

        Assert.Equal(401, http.Response.StatusCode);
        Assert.StartsWith("Bearer", http.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_KestrelRefusesABodyOverItsLimit_Is413NamingTheSetting()
    {
        var http = NewHttpContext("/v2/models/fraud/infer");

        await InvokeThrowing(http, new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        Assert.Equal(413, http.Response.StatusCode);
        using var body = ReadBody(http);
        Assert.Contains("Limits:MaxRequestBytes", body.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_Throttled_SetsRetryAfterSeconds()
    {
        var http = NewHttpContext("/v2/models/fraud/infer");

        await InvokeThrowing(http, new MaasException(ErrorKind.Throttled, "queue full") { RetryAfter = TimeSpan.FromMilliseconds(1500) });

        Assert.Equal("2", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task Invoke_UnexpectedException_Writes500WithCorrelationIdOnly()
    {
        var http = NewHttpContext("/v2/models/fraud/infer");
        var context = new TestFunctionContext("Infer", http);

        await new ErrorMappingMiddleware(Options.Create(new LimitsOptions()), _logs.CreateLogger<ErrorMappingMiddleware>())
            .Invoke(context, _ => throw new InvalidOperationException("secret internals 0.123"));

        Assert.Equal(500, http.Response.StatusCode);
        using var body = ReadBody(http);
        var message = body.RootElement.GetProperty("error").GetString();
        Assert.Contains(context.InvocationId, message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret internals", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);
        var logged = Assert.Single(_logs.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Equal(context.InvocationId, logged.Values["CorrelationId"]);
        Assert.DoesNotContain(" at ", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_CallerDisconnected_WritesNothingAndLogsNoError()
    {
        var http = NewHttpContext("/v2/models/fraud/infer");
        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        http.RequestAborted = aborted.Token;

        await InvokeThrowing(http, new OperationCanceledException(aborted.Token));

        Assert.Equal(0, http.Response.Body.Length);
        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Invoke_NonHttpInvocation_Rethrows()
    {
        var context = new TestFunctionContext("RegisterModel");
        var middleware = new ErrorMappingMiddleware(Options.Create(new LimitsOptions()), _logs.CreateLogger<ErrorMappingMiddleware>());

        await Assert.ThrowsAsync<TimeoutException>(() => middleware.Invoke(context, _ => throw new TimeoutException("storage")));
    }

    private static DefaultHttpContext NewHttpContext(string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        http.Response.Body = new MemoryStream();
        return http;
    }

    private Task InvokeThrowing(HttpContext http, Exception error)
        => new ErrorMappingMiddleware(Options.Create(new LimitsOptions()), _logs.CreateLogger<ErrorMappingMiddleware>())
            .Invoke(new TestFunctionContext("Infer", http), _ => throw error);

    private static JsonDocument ReadBody(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return JsonDocument.Parse(http.Response.Body);
    }
}
