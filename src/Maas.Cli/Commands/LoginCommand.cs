using System.CommandLine;
using Maas.Cli.Connection;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas login</c>: saves where the API and the models container are (and which app registration guards the API) in
/// <c>~/.maas/config.json</c>, so later commands need no connection options. Secrets are never saved.
/// </summary>
public static class LoginCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var clientId = new Option<string?>("--client-id") { Description = "The API's app registration (client) id: tokens are asked for api://<client id>/.default." };
        var tenantId = new Option<string?>("--tenant-id") { Description = "The Entra ID tenant to sign in to." };
        var command = new Command("login", "Save the connection (API URL, storage, container, app registration) as the default profile.") { clientId, tenantId };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var current = Profile.Load(io.ProfilePath);
            var storage = parsed.GetValue(global.Storage);
            if (storage is not null && Profile.HasSecret(storage))
            {
                throw new CliException("--storage carries a secret (an account key or SAS token), which the profile never stores; save a blob service URI (https://<account>.blob.core.windows.net, signed in with Entra ID) and pass a connection string with --storage per command when you must.", ExitCodes.Usage);
            }

            var profile = current with
            {
                Api = parsed.GetValue(global.Api) ?? current.Api,
                Storage = storage ?? current.Storage,
                Container = parsed.GetValue(global.Container) ?? current.Container,
                ClientId = parsed.GetValue(clientId) ?? current.ClientId,
                TenantId = parsed.GetValue(tenantId) ?? current.TenantId,
            };
            var connection = ServiceConnection.Resolve(io, profile.Api, profile.Storage, profile.Container, parsed.GetValue(global.DeviceCode), parsed.GetValue(global.Verbose));
            if (profile.ClientId is not null)
            {
                // Proves the sign-in works now rather than on the first real command.
                await ServiceConnection.Credential(io, profile.TenantId, parsed.GetValue(global.DeviceCode))
                    .GetTokenAsync(new Azure.Core.TokenRequestContext([$"api://{profile.ClientId}/.default"]), cancellationToken);
            }

            profile.Save(io.ProfilePath);
            io.Output.WriteLine($"saved {io.ProfilePath}: api {connection.Api}, storage {connection.Storage}, container {connection.ContainerName}{(profile.ClientId is null ? ", no sign-in (an auth-disabled app)" : $", tokens for api://{profile.ClientId}")}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
