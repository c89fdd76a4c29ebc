using System.Net;

namespace Ftp.Embedded.Internal.Proxy;

/// <summary>What <see cref="ProxyHeaderParser.Parse"/> found at the start of a connection.</summary>
internal enum ProxyHeaderStatus
{
    /// <summary>The bytes so far are the start of a valid header; read more.</summary>
    Incomplete,

    /// <summary>A whole, valid header; <see cref="ProxyHeaderResult.Consumed"/> bytes long.</summary>
    Complete,

    /// <summary>Not a valid header (<see cref="ProxyHeaderResult.Error"/> says why); close the connection.</summary>
    Invalid,
}

/// <summary>What a complete header says about the connection.</summary>
internal enum ProxyHeaderKind
{
    /// <summary>A proxied TCP connection: <see cref="ProxyHeaderResult.Source"/> and <see cref="ProxyHeaderResult.Destination"/> are set.</summary>
    Proxied,

    /// <summary>v2 LOCAL: the proxy's own connection (a health check), no client behind it.</summary>
    Local,

    /// <summary>v1 UNKNOWN or v2 PROXY with an unspecified family: proxied, but the client's address is not given.</summary>
    Unknown,
}

/// <summary>The outcome of parsing a PROXY protocol header.</summary>
internal readonly record struct ProxyHeaderResult(
    ProxyHeaderStatus Status,
    long Consumed = 0,
    ProxyHeaderKind Kind = ProxyHeaderKind.Unknown,
    IPEndPoint? Source = null,
    IPEndPoint? Destination = null,
    string? Error = null)
{
    public static ProxyHeaderResult NeedMore { get; } = new(ProxyHeaderStatus.Incomplete);

    public static ProxyHeaderResult Fail(string error) => new(ProxyHeaderStatus.Invalid, Error: error);

    public static ProxyHeaderResult Proxied(long consumed, IPEndPoint source, IPEndPoint destination)
        => new(ProxyHeaderStatus.Complete, consumed, ProxyHeaderKind.Proxied, source, destination);

    public static ProxyHeaderResult Done(long consumed, ProxyHeaderKind kind) => new(ProxyHeaderStatus.Complete, consumed, kind);
}
