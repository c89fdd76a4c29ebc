using Ftp.Embedded.Internal.Tls;

namespace Ftp.Embedded.Tests.Tls;

/// <summary>The ClientHello of a download's data connection is read whole and tells whether it offers a TLS 1.3 session.</summary>
public sealed class ClientHelloPeekTests
{
    [Fact]
    public void A_pre_shared_key_extension_is_found_after_other_extensions()
    {
        ClientHelloPeek.OffersTls13Session(Hello(withPsk: true)).Should().BeTrue();
        ClientHelloPeek.OffersTls13Session(Hello(withPsk: false)).Should().BeFalse();
    }

    [Fact]
    public void Truncated_or_other_messages_offer_nothing_and_do_not_throw()
    {
        var hello = Hello(withPsk: true);
        for (var length = 0; length < hello.Length; length++)
        {
            ClientHelloPeek.OffersTls13Session(hello.AsSpan(0, length)).Should().BeFalse($"{length} bytes are not the whole extension list");
        }

        hello[0] = 2; // ServerHello
        ClientHelloPeek.OffersTls13Session(hello).Should().BeFalse();
    }

    [Fact]
    public async Task The_record_is_read_whole_even_a_byte_at_a_time()
    {
        var hello = Hello(withPsk: true);
        byte[] record = [22, 3, 1, (byte)(hello.Length >> 8), (byte)hello.Length, .. hello, 23, 3, 3];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (read, offers) = await ClientHelloPeek.ReadAsync(new OneByteStream(record), cts.Token);
        read.Should().Equal(record[..(5 + hello.Length)], "only the first record is taken");
        offers.Should().BeTrue();
    }

    [Fact]
    public async Task A_record_that_is_not_a_handshake_is_returned_after_its_header()
    {
        byte[] bytes = [0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (read, offers) = await ClientHelloPeek.ReadAsync(new MemoryStream(bytes), cts.Token);
        read.Should().Equal(bytes[..5]);
        offers.Should().BeFalse();
        await FluentActions.Awaiting(() => ClientHelloPeek.ReadAsync(new MemoryStream([22, 3, 1]), cts.Token).AsTask())
            .Should().ThrowAsync<EndOfStreamException>();
    }

    /// <summary>A ClientHello: no session id, one suite, null compression, supported_versions, then pre_shared_key if asked.</summary>
    private static byte[] Hello(bool withPsk)
    {
        byte[] extensions = withPsk ? [0, 43, 0, 3, 2, 3, 4, 0, 41, 0, 4, 0, 0, 0, 0] : [0, 43, 0, 3, 2, 3, 4];
        byte[] body = [3, 3, .. new byte[32], 0, 0, 2, 0x13, 0x01, 1, 0, 0, (byte)extensions.Length, .. extensions];
        return [1, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body];
    }

    private sealed class OneByteStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
