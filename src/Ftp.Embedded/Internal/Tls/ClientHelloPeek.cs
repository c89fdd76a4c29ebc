using System.Buffers.Binary;

namespace Ftp.Embedded.Internal.Tls;

/// <summary>
/// Reads the first TLS record of a download's data connection (the client's ClientHello) before the handshake, to tell
/// whether the client offers a TLS 1.3 session to resume (a <c>pre_shared_key</c> extension). The record is then
/// replayed to <see cref="System.Net.Security.SslStream"/>.
/// </summary>
internal static class ClientHelloPeek
{
    private const byte HandshakeRecord = 22;
    private const byte ClientHello = 1;
    private const ushort PreSharedKey = 41;
    private const int MaxRecordLength = 16 * 1024 + 256;

    /// <summary>
    /// The bytes of the first record as read (the whole record, or less when it is not a handshake record or too long),
    /// and whether it is a ClientHello that offers a TLS 1.3 session. Throws <see cref="EndOfStreamException"/> when the
    /// client closes first.
    /// </summary>
    public static async ValueTask<(byte[] Record, bool OffersTls13Session)> ReadAsync(Stream inner, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await inner.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(3));
        if (header[0] != HandshakeRecord || length > MaxRecordLength)
        {
            return (header, false);
        }

        var record = new byte[5 + length];
        header.CopyTo(record, 0);
        await inner.ReadExactlyAsync(record.AsMemory(5), cancellationToken).ConfigureAwait(false);
        return (record, OffersTls13Session(record.AsSpan(5)));
    }

    /// <summary>Whether <paramref name="hello"/> (a handshake message) is a ClientHello with a <c>pre_shared_key</c> extension.</summary>
    internal static bool OffersTls13Session(ReadOnlySpan<byte> hello)
    {
        // type(1) length(3) version(2) random(32), then session id, cipher suites, compression methods, extensions
        if (hello.Length < 38 || hello[0] != ClientHello)
        {
            return false;
        }

        var rest = hello[38..];
        if (!Skip(ref rest, 1) || !Skip(ref rest, 2) || !Skip(ref rest, 1) || rest.Length < 2)
        {
            return false;
        }

        var extensions = rest[2..];
        extensions = extensions[..Math.Min(extensions.Length, BinaryPrimitives.ReadUInt16BigEndian(rest))];
        while (extensions.Length >= 4)
        {
            var size = BinaryPrimitives.ReadUInt16BigEndian(extensions[2..]);
            if (extensions.Length < 4 + size)
            {
                return false;
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(extensions) == PreSharedKey)
            {
                return true;
            }

            extensions = extensions[(4 + size)..];
        }

        return false;
    }

    /// <summary>Skips a vector whose length takes <paramref name="lengthBytes"/> bytes (1 or 2).</summary>
    private static bool Skip(ref ReadOnlySpan<byte> span, int lengthBytes)
    {
        if (span.Length < lengthBytes)
        {
            return false;
        }

        var size = lengthBytes == 1 ? span[0] : BinaryPrimitives.ReadUInt16BigEndian(span);
        if (span.Length < lengthBytes + size)
        {
            return false;
        }

        span = span[(lengthBytes + size)..];
        return true;
    }
}
