using System.IO.Pipelines;
using System.Net;
using System.Text;
using Ftp.Embedded.Internal.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.Tests.Proxy;

/// <summary>The header read shared by control and data connections: pieces, what follows it, the size limit, the timeout.</summary>
public class ProxyHeaderReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static async Task<(ProxyHeaderResult Header, byte[] Leftover)> ReadAsync(Pipe pipe, TimeProvider? time = null)
    {
        var (header, leftover) = await ProxyHeaderReader.ReadAsync(pipe.Reader.AsStream(), Timeout, time ?? TimeProvider.System, CancellationToken.None);
        return (header, leftover.ToArray());
    }

    [Fact]
    public async Task A_header_in_pieces_is_read_whole_and_what_followed_it_is_returned()
    {
        var pipe = new Pipe();
        var reading = ReadAsync(pipe);
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.7 "));
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("10.0.0.1 50000 21\r\nfirst bytes"));

        var (header, leftover) = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        header.Status.Should().Be(ProxyHeaderStatus.Complete);
        header.Source.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000));
        leftover.Should().Equal("first bytes"u8.ToArray());
    }

    [Theory]
    [InlineData("", "closed before sending a header")]
    [InlineData("PROXY TCP4 192.0.2.7", "closed inside the header")]
    public async Task A_close_before_the_end_of_the_header_is_invalid(string sent, string error)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes(sent));
        await pipe.Writer.CompleteAsync();

        var (header, leftover) = await ReadAsync(pipe).WaitAsync(TimeSpan.FromSeconds(10));
        header.Status.Should().Be(ProxyHeaderStatus.Invalid);
        header.Error.Should().Be(error);
        leftover.Should().BeEmpty();
    }

    [Fact]
    public async Task A_v2_header_longer_than_the_limit_is_invalid_without_reading_it_all()
    {
        var pipe = new Pipe();
        var length = ProxyHeaderParser.MaxV2PayloadLength + 1;
        await pipe.Writer.WriteAsync((byte[])[.. "\r\n\r\n\0\r\nQUIT\n"u8, 0x21, 0x11, (byte)(length >> 8), (byte)length, .. new byte[length]]);

        var (header, _) = await ReadAsync(pipe).WaitAsync(TimeSpan.FromSeconds(10));
        header.Status.Should().Be(ProxyHeaderStatus.Invalid);
    }

    [Fact]
    public async Task No_complete_header_within_the_timeout_is_invalid()
    {
        var time = new FakeTimeProvider();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.ASCII.GetBytes("PROXY TCP4"));
        var reading = ReadAsync(pipe, time);
        time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        reading.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));

        var (header, _) = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        header.Error.Should().Be("no complete header within 5 s");
    }
}
