using System.Buffers;

namespace Ftp.Embedded.Internal.Proxy;

/// <summary>
/// Reads a PROXY protocol header from the start of a connection, control or data: at most
/// <see cref="ProxyHeaderParser.MaxHeaderLength"/> bytes, within a time limit. What followed the header in the same read
/// is returned, to be replayed (<see cref="PrefixedStream"/>) before anything else is read from the connection.
/// </summary>
internal static class ProxyHeaderReader
{
    /// <summary>
    /// Reads until the parser has a whole header or an error. Never throws for the peer's behaviour: a close, a failure
    /// of the connection, the <paramref name="timeout"/> or <paramref name="cancellationToken"/> give an invalid result.
    /// </summary>
    public static async ValueTask<(ProxyHeaderResult Header, ReadOnlyMemory<byte> Leftover)> ReadAsync(
        Stream stream, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var buffer = new byte[ProxyHeaderParser.MaxHeaderLength];
        var filled = 0;
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), linked.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return (ProxyHeaderResult.Fail(filled == 0 ? "closed before sending a header" : "closed inside the header"), default);
                }

                filled += read;
                var header = ProxyHeaderParser.Parse(new ReadOnlySequence<byte>(buffer, 0, filled));
                if (header.Status != ProxyHeaderStatus.Incomplete)
                {
                    return (header, buffer.AsMemory((int)header.Consumed, filled - (int)header.Consumed));
                }
            }

            return (ProxyHeaderResult.Fail("header too long"), default);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (ProxyHeaderResult.Fail($"no complete header within {timeout.TotalSeconds:0.###} s"), default);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            return (ProxyHeaderResult.Fail("the connection failed before the header ended"), default);
        }
    }
}
