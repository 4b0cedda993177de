namespace Maas.Core.Inference;

/// <summary>An output the caller asked for, and whether it wants it as binary tensor data (V2 binary extension).</summary>
public sealed record RequestedOutput(string Name, bool Binary);
