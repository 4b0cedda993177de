using Maas.Core.Errors;
using Maas.Core.Serving;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Tokens;

namespace Maas.Functions.Auth;

/// <summary>
/// Authenticates HTTP invocations with Microsoft.Identity.Web and enforces the permission the function declares,
/// before its body runs. It throws <see cref="ErrorKind.Unauthenticated"/> for no or a bad token and
/// <see cref="ErrorKind.Forbidden"/> when the token lacks the app role or scope; the error mapping answers both.
/// Anonymous functions and non-HTTP triggers pass through. Logs name the caller, never the token.
/// </summary>
internal sealed partial class AuthMiddleware(
    IOptions<AuthOptions> options,
    IOptionsMonitor<JwtBearerOptions> jwt,
    ILogger<AuthMiddleware> logger)
    : IFunctionsWorkerMiddleware
{
    public const string AuthDisabledHeader = "X-Maas-Auth";
    private const string CallerItem = "Maas.Caller";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }

        var function = context.FunctionDefinition.Name;
        if (options.Value.Mode == AuthMode.Disabled)
        {
            http.Response.Headers[AuthDisabledHeader] = "disabled";
            http.Items[CallerItem] = Caller.AuthDisabled;
            await next(context);
            return;
        }

        if (FunctionPermissions.IsAnonymous(function))
        {
            await next(context);
            return;
        }

        var permission = FunctionPermissions.RequiredBy(function)
            ?? throw new InvalidOperationException($"Function '{function}' declares neither [RequiresPermission] nor [AllowAnonymous].");
        var (authenticated, _) = await http.AuthenticateAzureFunctionAsync();
        if (!authenticated)
        {
            throw new MaasException(ErrorKind.Unauthenticated, $"A valid Microsoft Entra ID bearer token is required: {await FailureReasonAsync(http)}.");
        }

        var caller = CallerClaims.From(http.User);
        http.Items[CallerItem] = caller;
        if (!caller.Has(permission))
        {
            LogForbidden(logger, function, caller.AppId, caller.ObjectId, permission);
            throw new MaasException(
                ErrorKind.Forbidden,
                $"The token grants neither the app role nor the scope '{permission}', which {function} requires.");
        }

        using (logger.BeginScope(new Dictionary<string, object?> { ["CallerAppId"] = caller.AppId, ["CallerObjectId"] = caller.ObjectId }))
        {
            LogAuthenticated(logger, function, caller.AppId, caller.ObjectId);
            await next(context);
        }
    }

    /// <summary>The caller authentication identified for this request (admitted or not); <see cref="Caller.Anonymous"/> when none was.</summary>
    public static Caller CallerOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.TryGetValue(CallerItem, out var caller) && caller is Caller known ? known : Caller.Anonymous;
    }

    /// <summary>Why authentication failed, in words for the caller: never the token, never the validator's raw message.</summary>
    private async Task<string> FailureReasonAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        return result.Failure switch
        {
            null => "send it as 'Authorization: Bearer <token>'",
            SecurityTokenExpiredException => "the token has expired",
            SecurityTokenNotYetValidException => "the token is not valid yet",
            SecurityTokenInvalidAudienceException => $"the token's audience is not this API (expected {string.Join(" or ", jwt.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters.ValidAudiences ?? [])})",
            SecurityTokenInvalidIssuerException => "the token's issuer is not this API's tenant",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
            _ => "the token is malformed or not accepted",
        };
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{FunctionName} called by app {CallerAppId} (object {CallerObjectId})")]
    private static partial void LogAuthenticated(ILogger logger, string functionName, string callerAppId, string? callerObjectId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{FunctionName} refused app {CallerAppId} (object {CallerObjectId}): it lacks {Permission}")]
    private static partial void LogForbidden(ILogger logger, string functionName, string callerAppId, string? callerObjectId, string permission);
}
