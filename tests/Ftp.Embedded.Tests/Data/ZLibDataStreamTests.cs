using System.IO.Compression;
using Ftp.Embedded.Internal.Data;

namespace Ftp.Embedded.Tests.Data;

public class ZLibDataStreamTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 6)]
    [InlineData(3 * 1024 * 1024 + 5, 1)]
    [InlineData(300_000, 9)]
    public async Task What_is_written_is_a_zlib_stream_that_reads_back(int size, int level)
    {
        var content = Enumerable.Range(0, size).Select(i => (byte)(i % 251 / 7)).ToArray();
        var wire = new MemoryStream();
        var sending = new ZLibDataStream(new NonDisposing(wire), level);
        for (var offset = 0; offset < size; offset += 65536)
        {
            await sending.WriteAsync(content.AsMemory(offset, Math.Min(65536, size - offset)));
        }

        await sending.FinishAsync(CancellationToken.None);
        await sending.DisposeAsync();

        // Any zlib reader takes it (RFC 1950 header, Adler-32 trailer).
        Inflate(wire.ToArray()).Should().Equal(content);
        (await ReadAllAsync(new ZLibDataStream(new MemoryStream(wire.ToArray()), 6))).Should().Equal(content);
    }

    [Fact]
    public async Task A_stream_cut_before_its_end_marker_is_refused_with_426()
    {
        var wire = Deflate(new byte[100_000]);
        var act = () => ReadAllAsync(new ZLibDataStream(new MemoryStream(wire[..^3]), 6));
        (await act.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.TransferAborted);
    }

    [Fact]
    public async Task Bytes_that_are_not_zlib_are_refused_with_426()
    {
        var act = () => ReadAllAsync(new ZLibDataStream(new MemoryStream("this is not zlib at all"u8.ToArray()), 6));
        (await act.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.TransferAborted);
    }

    [Fact]
    public async Task A_wrong_checksum_is_refused_with_426()
    {
        var wire = Deflate(new byte[1000]);
        wire[^1] ^= 0x55;
        var act = () => ReadAllAsync(new ZLibDataStream(new MemoryStream(wire), 6));
        (await act.Should().ThrowAsync<FtpException>()).Which.ReplyCode.Should().Be(FtpReplyCode.TransferAborted);
    }

    [Fact]
    public async Task No_bytes_at_all_are_an_empty_file()
        => (await ReadAllAsync(new ZLibDataStream(new MemoryStream(), 6))).Should().BeEmpty();

    [Fact]
    public async Task An_upload_that_read_writes_no_trailer()
    {
        var wire = new MemoryStream(Deflate([1, 2, 3]));
        var stream = new ZLibDataStream(new NonDisposing(wire), 6);
        (await ReadAllAsync(stream, dispose: false)).Should().Equal([1, 2, 3]);
        var length = wire.Length;
        await stream.FinishAsync(CancellationToken.None);
        wire.Length.Should().Be(length);
    }

    [Fact]
    public async Task A_send_that_did_not_finish_ends_without_a_trailer()
    {
        var wire = new MemoryStream();
        var sending = new ZLibDataStream(new NonDisposing(wire), 6);
        await sending.WriteAsync(new byte[100_000]);
        await sending.DisposeAsync();
        var act = () => ReadAllAsync(new ZLibDataStream(new MemoryStream(wire.ToArray()), 6));
        await act.Should().ThrowAsync<FtpException>();
    }

    private static byte[] Deflate(byte[] content)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(content);
        }

        return output.ToArray();
    }

    private static byte[] Inflate(byte[] wire)
    {
        using var zlib = new ZLibStream(new MemoryStream(wire), CompressionMode.Decompress);
        var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    private static async Task<byte[]> ReadAllAsync(ZLibDataStream stream, bool dispose = true)
    {
        var output = new MemoryStream();
        var buffer = new byte[7919];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        if (dispose)
        {
            await stream.DisposeAsync();
        }

        return output.ToArray();
    }

    /// <summary>A data connection's stream whose bytes stay readable after it is closed.</summary>
    private sealed class NonDisposing(MemoryStream inner) : Stream
    {
        private bool _closed;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            inner.Write(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _closed = true;
            base.Dispose(disposing);
        }
    }
}

public class Adler32Tests
{
    [Theory]
    [InlineData("", 0x00000001u)]
    [InlineData("a", 0x00620062u)]
    [InlineData("Wikipedia", 0x11E60398u)]
    public void Known_checksums(string text, uint expected)
    {
        var adler = Adler32.Initial;
        adler.Update(System.Text.Encoding.ASCII.GetBytes(text));
        adler.Value.Should().Be(expected);
    }

    [Fact]
    public void Long_input_in_pieces_equals_one_piece()
    {
        var data = Enumerable.Range(0, 100_000).Select(i => (byte)255).ToArray();
        var whole = Adler32.Initial;
        whole.Update(data);
        var pieces = Adler32.Initial;
        pieces.Update(data.AsSpan(0, 7));
        pieces.Update(data.AsSpan(7));
        pieces.Value.Should().Be(whole.Value);

        // zlib's own trailer for the same bytes.
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(output.ToArray().AsSpan()[^4..]).Should().Be(whole.Value);
    }
}
