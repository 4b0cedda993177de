using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Inference;

/// <summary>The protocol-neutral data plane: resolves a model version and runs a prediction on it.</summary>
public sealed class InferenceService(IOptions<LimitsOptions> limits)
{
    /// <summary>Runs one Open Inference Protocol V2 request against <paramref name="modelName"/> (and <paramref name="version"/>, when given).</summary>
    public Task InferAsync(string modelName, string? version, long? contentLength, Stream requestBody, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestBody);
        cancellationToken.ThrowIfCancellationRequested();
        if (contentLength > limits.Value.MaxRequestBytes)
        {
            throw new MaasException(
                ErrorKind.PayloadTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The request body is {contentLength} bytes; at most {limits.Value.MaxRequestBytes} bytes are accepted (Limits:MaxRequestBytes)."));
        }

        if (!ModelBlobPath.IsValidName(modelName))
        {
            throw new MaasException(ErrorKind.NotFound, $"Model '{modelName}' does not exist: {ModelBlobPath.NameRule}.");
        }

        if (version is not null && !ModelBlobPath.TryParseVersion(version, out _))
        {
            throw new MaasException(ErrorKind.NotFound, $"Version '{version}' of model '{modelName}' does not exist: {ModelBlobPath.VersionRule}.");
        }

        throw new MaasException(ErrorKind.NotImplemented, "Inference is not enabled on this build yet.");
    }
}
