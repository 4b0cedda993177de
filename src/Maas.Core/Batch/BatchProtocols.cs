using Maas.Core.Protocol;

namespace Maas.Core.Batch;

/// <summary>The wire formats a batch's lines are read and answered in: the simple API's for <c>predict</c> lines, Open Inference Protocol V2's for <c>infer</c> lines.</summary>
public sealed record BatchProtocols(IInferenceProtocol Predict, IInferenceProtocol Infer);
