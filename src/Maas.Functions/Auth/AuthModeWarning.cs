using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Auth;

/// <summary>Says loudly, at start, that authentication is off.</summary>
internal sealed partial class AuthModeWarning(IOptions<AuthOptions> options, ILogger<AuthModeWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode == AuthMode.Disabled)
        {
            LogDisabled(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:Mode is Disabled: every HTTP endpoint answers without a token. Never run this way outside local development.")]
    private static partial void LogDisabled(ILogger logger);
}
