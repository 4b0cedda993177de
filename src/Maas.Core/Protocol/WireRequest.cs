namespace Maas.Core.Protocol;

/// <summary>What the transport hands a protocol: the content type, the announced length, a lookup of any header, and the body.</summary>
public sealed record WireRequest(string? ContentType, long? ContentLength, Func<string, string?> Header, Stream Body);
