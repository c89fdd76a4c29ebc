using System.Net;

namespace FtpWire;

/// <summary>How a <see cref="FtpWireClient"/> connects and reads. Read at connect time; one instance may serve many connections.</summary>
public sealed record FtpWireOptions
{
    /// <summary>Bound on each socket operation (connect, one receive, one send, a TLS handshake), besides the caller's token.</summary>
    public TimeSpan Timeout { get; init; } = FtpWireClient.DefaultTimeout;

    /// <summary>
    /// The local address of the control connection and of its passive data connections (on Linux the port is chosen
    /// at connect, by the whole 4-tuple, so that many connections from a few addresses do not run out of ports).
    /// </summary>
    public IPAddress? Source { get; init; }

    /// <summary>SO_RCVBUF of the control socket, set before connecting.</summary>
    public int? ReceiveBufferSize { get; init; }

    /// <summary>TCP_NODELAY on the control socket.</summary>
    public bool NoDelay { get; init; }

    /// <summary>Read the greeting (skipping up to five 120 replies) and require 220 before returning the client.</summary>
    public bool ExpectGreeting { get; init; } = true;

    /// <summary>The receive buffer's first size; it doubles when a line does not fit, up to <see cref="MaxLineLength"/>.</summary>
    public int BufferSize { get; init; } = 4096;

    /// <summary>The longest reply line read, CRLF included; a longer one is an <see cref="InvalidDataException"/>.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>The most lines of one multi-line reply.</summary>
    public int MaxReplyLines { get; init; } = 100_000;

    /// <summary>The most characters of one multi-line reply.</summary>
    public int MaxReplyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Strict framing (for testing this server): every line ends with CRLF and a reply starts <c>NNN </c> or
    /// <c>NNN-</c>. Lenient (for measuring any server): a bare LF ends a line too and <c>NNN</c> alone is a reply.
    /// </summary>
    public bool Strict { get; init; } = true;
}
