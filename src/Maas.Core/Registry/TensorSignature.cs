namespace Maas.Core.Registry;

/// <summary>
/// One input or output of a model as registered: its name, V2 datatype (or <c>SEQUENCE</c>/<c>MAP</c>/<c>OPTIONAL</c>
/// for non-tensor values) and shape, with -1 for a symbolic (variable) dimension.
/// </summary>
public sealed record TensorSignature(string Name, string Datatype, IReadOnlyList<long> Shape);
