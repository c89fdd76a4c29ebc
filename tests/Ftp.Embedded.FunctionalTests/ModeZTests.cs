using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>MODE Z (zlib on the data connection, as proftpd's mod_deflate and lftp speak it), over real sockets.</summary>
public sealed class ModeZTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MODE_Z_and_its_level_are_set_and_MODE_S_turns_it_off()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().Contain(" MODE Z");
        (await client.ExpectAsync("MODE Z", 200)).Text.Should().Be("Mode set to Z.");
        (await client.ExpectAsync("STAT", 211)).All.Should().Contain("transfer MODE: Deflate");
        (await client.ExpectAsync("OPTS MODE Z LEVEL 9", 200)).Text.Should().Be("MODE Z LEVEL set to 9.");
        await client.ExpectAsync("OPTS MODE Z LEVEL 10", 501);
        await client.ExpectAsync("OPTS MODE Z LEVEL", 501);
        await client.ExpectAsync("OPTS MODE Z ENGINE on", 501);
        await client.ExpectAsync("OPTS MODE", 501);
        await client.ExpectAsync("MODE B", 504);
        await client.ExpectAsync("MODE C", 504);
        await client.ExpectAsync("MODE", 501);
        await client.ExpectAsync("MODE ZZ", 501);
        (await client.ExpectAsync("REST 100", 504)).Text.Should().Contain("MODE Z");
        await client.ExpectAsync("REST 0", 350);
        (await client.ExpectAsync("MODE s", 200)).Text.Should().Be("Mode set to S.");
        (await client.ExpectAsync("STAT", 211)).All.Should().Contain("transfer MODE: Stream");
        await client.ExpectAsync("REST 100", 350);
    }

    [Fact]
    public async Task With_AllowModeZ_off_MODE_Z_is_504_and_not_in_FEAT()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowModeZ = false);
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().NotContain(" MODE Z");
        (await client.ExpectAsync("MODE Z", 504)).Text.Should().Be("Only stream mode (S) is supported.");
        await client.ExpectAsync("OPTS MODE Z LEVEL 1", 501);
        await client.ExpectAsync("MODE S", 200);
    }

    public static TheoryData<int, bool> Contents => new()
    {
        { 0, true },
        { 1, false },
        { 3 * 1024 * 1024 + 7, true },
        { 3 * 1024 * 1024 + 7, false },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public async Task RETR_and_STOR_in_MODE_Z_are_byte_exact(int size, bool compressible)
    {
        var content = Content(size, compressible);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);
        await StoreRawAsync(client, "STOR z.bin", Deflate(content, 6), 226);
        SameBytes(await _server.ReadFileAsync("/home/alice/z.bin"), content);

        var wire = await client.RetrieveAsync("RETR z.bin");
        SameBytes(Inflate(wire), content);
        if (compressible && size > 0)
        {
            wire.Length.Should().BeLessThan(size / 20);
        }

        await client.ExpectAsync("MODE S", 200);
        SameBytes(await client.RetrieveAsync("RETR z.bin"), content);
    }

    [Fact]
    public async Task On_disk_MODE_Z_skips_sendfile_and_the_direct_receive()
    {
        var root = Directory.CreateTempSubdirectory("ftp-modez-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "home", "alice"));
            await using var server = await TestServer.StartAsync(fileSystemProvider: new PhysicalFileSystemProvider(root));
            var content = Content(5 * 1024 * 1024 + 1, compressible: true);
            await using var client = await server.LoginAsync();
            await client.ExpectAsync("TYPE I", 200);
            await client.ExpectAsync("MODE Z", 200);
            await StoreRawAsync(client, "STOR disk.bin", Deflate(content, 1), 226);
            SameBytes(await File.ReadAllBytesAsync(Path.Combine(root, "home", "alice", "disk.bin")), content);
            SameBytes(Inflate(await client.RetrieveAsync("RETR disk.bin")), content);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Under_PROT_P_the_zlib_stream_runs_inside_TLS()
    {
        await using var server = await TestServer.StartAsync(o => o.Tls.Certificate = TestCertificate.Instance);
        var content = Content(2 * 1024 * 1024 + 9, compressible: true);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("AUTH TLS", 234);
        await client.UpgradeToTlsAsync();
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
        await client.ExpectAsync("PBSZ 0", 200);
        await client.ExpectAsync("PROT P", 200);
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);

        using (var socket = await client.OpenPassiveAsync())
        {
            await client.SendAsync("STOR tls.bin");
            await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false));
            await client.ExpectAsync(150);
            await tls.WriteAsync(Deflate(content, 6));
            await tls.ShutdownAsync();
            await tls.CopyToAsync(Stream.Null);
        }

        await client.ExpectAsync(226);
        SameBytes(await server.ReadFileAsync("/home/alice/tls.bin"), content);

        using (var socket = await client.OpenPassiveAsync())
        {
            await client.SendAsync("RETR tls.bin");
            await using var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false));
            await client.ExpectAsync(150);
            using var wire = new MemoryStream();
            await tls.CopyToAsync(wire);
            await client.ExpectAsync(226);
            wire.Length.Should().BeLessThan(content.Length / 20);
            SameBytes(Inflate(wire.ToArray()), content);
        }
    }

    [Fact]
    public async Task Listings_are_compressed_too()
    {
        await _server.WriteFileAsync("/home/alice/one.txt", [1]);
        await _server.WriteFileAsync("/home/alice/two.txt", [2, 2]);
        await using var client = await _server.LoginAsync();
        var plain = await client.RetrieveAsync("NLST");
        var plainMlsd = await client.RetrieveAsync("MLSD");
        await client.ExpectAsync("MODE Z", 200);
        Encoding.UTF8.GetString(Inflate(await client.RetrieveAsync("NLST"))).Should().Be(Encoding.UTF8.GetString(plain));
        Encoding.UTF8.GetString(Inflate(await client.RetrieveAsync("MLSD"))).Should().Be(Encoding.UTF8.GetString(plainMlsd));
        Encoding.UTF8.GetString(Inflate(await client.RetrieveAsync("LIST"))).Should().Contain("one.txt").And.Contain("two.txt");
    }

    [Fact]
    public async Task The_level_is_honoured_on_the_wire()
    {
        var content = Content(2 * 1024 * 1024, compressible: true);
        await _server.WriteFileAsync("/home/alice/text.bin", content);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);
        await client.ExpectAsync("OPTS MODE Z LEVEL 0", 200);
        var stored = await client.RetrieveAsync("RETR text.bin");
        await client.ExpectAsync("OPTS MODE Z LEVEL 9", 200);
        var best = await client.RetrieveAsync("RETR text.bin");
        SameBytes(Inflate(stored), content);
        SameBytes(Inflate(best), content);
        stored.Length.Should().BeGreaterThan(content.Length, "level 0 stores the bytes in blocks");
        best.Length.Should().BeLessThan(content.Length / 20);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("cut")]
    [InlineData("checksum")]
    public async Task A_bad_zlib_upload_gets_426_and_keeps_the_old_file(string damage)
    {
        var old = Content(10_000, compressible: false);
        await _server.WriteFileAsync("/home/alice/keep.bin", old);
        var wire = Deflate(Content(1024 * 1024, compressible: false), 6);
        var bad = damage switch
        {
            "garbage" => Encoding.ASCII.GetBytes(new string('x', 100_000)),
            "cut" => wire[..(wire.Length / 2)],
            _ => [.. wire[..^1], (byte)(wire[^1] ^ 1)],
        };
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);
        (await StoreRawAsync(client, "STOR keep.bin", bad, 426)).Text.Should().Contain("MODE Z");
        SameBytes(await _server.ReadFileAsync("/home/alice/keep.bin"), old);
        await StoreRawAsync(client, "STOR new.bin", bad, 426);
        (await _server.ReadFileAsync("/home/alice/new.bin")).Should().BeNull();
        // The session carries on.
        await StoreRawAsync(client, "STOR keep.bin", Deflate([7, 7, 7], 6), 226);
        SameBytes(await _server.ReadFileAsync("/home/alice/keep.bin"), [7, 7, 7]);
    }

    [Fact]
    public async Task Transfers_count_file_bytes()
    {
        var ended = new List<FtpTransferEventArgs>();
        _server.Server.Events.TransferEnded += (_, e) => { lock (ended) { ended.Add(e); } };
        var content = Content(1024 * 1024, compressible: true);
        await using var client = await _server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);
        await StoreRawAsync(client, "STOR count.bin", Deflate(content, 6), 226);
        await client.RetrieveAsync("RETR count.bin");
        await client.ExpectAsync("NOOP", 200);
        lock (ended)
        {
            ended.Select(e => e.Bytes).Should().Equal(content.Length, content.Length);
        }
    }

    /// <summary>
    /// The quota counts inflated bytes: 8 MiB of zeros (a few KiB on the wire) against a 1 MiB quota gets 552 and
    /// neither replaces the old file nor leaves a partial one.
    /// </summary>
    [Fact]
    public async Task A_small_compressed_upload_that_inflates_past_the_quota_gets_552()
    {
        await using var server = await TestServer.StartAsync(quota: new OneMebibyteQuota());
        await server.WriteFileAsync("/home/alice/keep.bin", [1, 2, 3]);
        var wire = Deflate(new byte[8 * 1024 * 1024], 9);
        wire.Length.Should().BeLessThan(64 * 1024);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        await client.ExpectAsync("MODE Z", 200);

        (await StoreRawAsync(client, "STOR keep.bin", wire, 552)).Text.Should().Contain("quota");

        SameBytes(await server.ReadFileAsync("/home/alice/keep.bin"), [1, 2, 3]);
        var names = await server.FileSystem.ListAsync("/home/alice", CancellationToken.None).Select(e => e.Name).ToListAsync();
        names.Should().Equal("keep.bin");
    }

    private sealed class OneMebibyteQuota : IFtpQuota
    {
        public ValueTask<long?> GetAvailableBytesAsync(FtpUser user, string path, CancellationToken cancellationToken)
            => ValueTask.FromResult<long?>(1024 * 1024);
    }

    /// <summary>Sends <paramref name="wire"/> as an upload's data and returns the final reply, which must be <paramref name="code"/>.</summary>
    private static async Task<FtpWire.FtpReply> StoreRawAsync(FtpTestClient client, string command, byte[] wire, int code)
    {
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync(command, 150);
        try
        {
            await FtpTestClient.SendAllAsync(data, wire);
            data.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server may stop reading a bad stream early.
        }

        data.Close();
        return await client.ExpectAsync(code);
    }

    internal static byte[] Content(int size, bool compressible)
    {
        if (!compressible)
        {
            var random = new byte[size];
            new Random(size).NextBytes(random);
            return random;
        }

        var text = new byte[size];
        var line = Encoding.ASCII.GetBytes("2026-12-07 12:00:00 INFO session 42 RETR /pub/file.bin 226 Transfer complete.\n");
        for (var i = 0; i < size; i++)
        {
            text[i] = line[i % line.Length];
        }

        return text;
    }

    internal static byte[] Deflate(byte[] content, int level)
    {
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            zlib.Write(content);
        }

        return output.ToArray();
    }

    internal static byte[] Inflate(byte[] wire)
    {
        using var zlib = new ZLibStream(new MemoryStream(wire), CompressionMode.Decompress);
        var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    private static void SameBytes(byte[]? actual, byte[] expected)
    {
        actual.Should().NotBeNull();
        actual!.Length.Should().Be(expected.Length);
        actual.AsSpan().SequenceEqual(expected).Should().BeTrue("the bytes must be identical");
    }
}
