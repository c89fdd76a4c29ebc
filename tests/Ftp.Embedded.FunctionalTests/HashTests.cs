#pragma warning disable CA5350, CA5351 // MD5 and SHA-1 are the checksums the protocol names; the tests compute them to compare.
using System.Security.Cryptography;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>HASH, RANG, OPTS HASH and XCRC/XMD5/XSHA*: exact digests, ranges, errors, ABOR and the stall timeout.</summary>
public sealed class HashTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private TestServer _server = null!;

    public static TheoryData<int> Sizes => new() { 0, 1000, (3 * MiB) + 123 };

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task HASH_gives_the_exact_digest_with_every_algorithm(int size)
    {
        var data = Data(size);
        await _server.WriteFileAsync("/home/alice/f.bin", data);
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("HASH f.bin", 213)).Text.Should().Be($"SHA-256 0-{size} {Hex(SHA256.HashData(data))} f.bin");
        foreach (var (name, expected) in Expected(data))
        {
            (await client.ExpectAsync($"OPTS HASH {name}", 200)).Text.Should().Be(name);
            (await client.ExpectAsync("HASH /home/../f.bin", 213)).Text.Should().Be($"{name} 0-{size} {Hex(expected)} /home/../f.bin");
        }
    }

    [Fact]
    public async Task RANG_limits_the_next_HASH_only_with_an_inclusive_end()
    {
        var data = Data(3 * MiB);
        await _server.WriteFileAsync("/home/alice/f.bin", data);
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("RANG 1000 2000999", 350)).Text.Should().Be("Restarting at 1000. Ending at 2000999.");
        (await client.ExpectAsync("HASH f.bin", 213)).Text.Should().Be($"SHA-256 1000-2000999 {Hex(SHA256.HashData(data.AsSpan(1000, 2_000_000)))} f.bin");
        (await client.ExpectAsync("HASH f.bin", 213)).Text.Should().Be($"SHA-256 0-{data.Length} {Hex(SHA256.HashData(data))} f.bin");

        await client.ExpectAsync("OPTS HASH CRC32", 200);
        await client.ExpectAsync("RANG 10 999999999", 350);
        (await client.ExpectAsync("HASH f.bin", 213)).Text.Should().Be($"CRC32 10-{data.Length - 1} {Hex(Crc(data.AsSpan(10)))} f.bin");

        await client.ExpectAsync("RANG 5 6", 350);
        await client.ExpectAsync("RANG 1 0", 350);
        (await client.ExpectAsync("HASH f.bin", 213)).Text.Should().StartWith($"CRC32 0-{data.Length} ");

        await client.ExpectAsync($"RANG {data.Length + 1} {data.Length + 5}", 350);
        await client.ExpectAsync("HASH f.bin", 554);
        await client.ExpectAsync("RANG 5", 501);
        await client.ExpectAsync("RANG 6 5", 501);
        await client.ExpectAsync("RANG a b", 501);
        await client.ExpectAsync("RANG -1 5", 501);
    }

    [Fact]
    public async Task XCRC_XMD5_and_XSHA_reply_250_with_the_digest_of_the_file_or_of_a_range()
    {
        var data = Data(200_000);
        await _server.WriteFileAsync("/home/alice/x.bin", data);
        await _server.WriteFileAsync("/home/alice/v 1 2", "named with numbers"u8.ToArray());
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("XCRC x.bin", 250)).Text.Should().Be(Hex(Crc(data)).ToUpperInvariant());
        (await client.ExpectAsync("XMD5 x.bin", 250)).Text.Should().Be(Convert.ToHexString(MD5.HashData(data)));
        (await client.ExpectAsync("XSHA1 x.bin", 250)).Text.Should().Be(Convert.ToHexString(SHA1.HashData(data)));
        (await client.ExpectAsync("XSHA256 x.bin", 250)).Text.Should().Be(Convert.ToHexString(SHA256.HashData(data)));
        (await client.ExpectAsync("XSHA512 x.bin", 250)).Text.Should().Be(Convert.ToHexString(SHA512.HashData(data)));
        (await client.ExpectAsync("XMD5 x.bin 100 1100", 250)).Text.Should().Be(Convert.ToHexString(MD5.HashData(data.AsSpan(100, 1000))));
        (await client.ExpectAsync("XSHA256 x.bin 100 999999999", 250)).Text.Should().Be(Convert.ToHexString(SHA256.HashData(data.AsSpan(100))));
        (await client.ExpectAsync("XCRC x.bin 0 0", 250)).Text.Should().Be("00000000");
        await client.ExpectAsync("XCRC x.bin 500 100", 501);
        (await client.ExpectAsync("XMD5 v 1 2", 250)).Text.Should().Be(Convert.ToHexString(MD5.HashData("named with numbers"u8)));
    }

    [Fact]
    public async Task Directories_missing_files_and_unknown_algorithms_are_refused_and_FEAT_stars_the_choice()
    {
        await using var client = await _server.ConnectAsync();
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().Contain([" HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32", " XCRC", " XMD5", " XSHA1", " XSHA256", " XSHA512"]);
        await client.ExpectAsync("HASH f.bin", 530);
        await client.LoginAsync("alice", "secret");
        await client.ExpectAsync("MKD d", 257);
        (await client.ExpectAsync("HASH d", 550)).Text.Should().Be("Not a plain file.");
        (await client.ExpectAsync("HASH /", 550)).Text.Should().Be("Not a plain file.");
        (await client.ExpectAsync("HASH nope", 550)).Text.Should().Be("No such file.");
        await client.ExpectAsync("XSHA1 nope", 550);
        await client.ExpectAsync("HASH", 501);
        (await client.ExpectAsync("OPTS HASH", 200)).Text.Should().Be("SHA-256");
        await client.ExpectAsync("OPTS HASH SHA-3", 504);
        (await client.ExpectAsync("OPTS HASH sha-1", 200)).Text.Should().Be("SHA-1");
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().Contain(" HASH SHA-1*;SHA-256;SHA-512;MD5;CRC32");
        (await client.ExpectAsync("HELP HASH", 214)).Text.Should().Be("Syntax: HASH <path>");
    }

    [Fact]
    public async Task ABOR_during_HASH_answers_426_then_226_and_the_session_goes_on()
    {
        await using var server = await StartFaultyAsync(out var faults);
        var data = Data(MiB);
        await server.WriteFileAsync("/home/alice/big.bin", data);
        using var fault = new Fault(FaultKind.HangHonouringCancellation, 256 * 1024);
        faults.ReadFault = fault;
        await using var client = await server.LoginAsync();
        await client.SendAsync("HASH big.bin");
        await fault.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        (await client.ExpectAsync("STAT", 213)).Text.Should().Be("Status: HASH /big.bin; 262144 bytes transferred.");
        await client.SendAsync("ABOR");
        (await client.ExpectAsync(426)).Text.Should().Be("Aborted by ABOR.");
        await client.ExpectAsync(226);
        await fault.StreamDisposed.WaitAsync(TimeSpan.FromSeconds(10));

        faults.ReadFault = null;
        (await client.ExpectAsync("HASH big.bin", 213)).Text.Should().Be($"SHA-256 0-{MiB} {Hex(SHA256.HashData(data))} big.bin");
    }

    [Fact]
    public async Task A_HASH_whose_file_stops_moving_is_cut_by_the_stall_timeout_even_when_the_read_ignores_cancellation()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await StartFaultyAsync(out var faults, time, TimeSpan.FromSeconds(30));
        await server.WriteFileAsync("/home/alice/big.bin", Data(MiB));
        using var fault = new Fault(FaultKind.HangIgnoringCancellation, 128 * 1024);
        faults.ReadFault = fault;
        await using var client = await server.LoginAsync();
        await client.SendAsync("HASH big.bin");
        await fault.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        var reply = client.ReadReplyAsync();
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => reply.IsCompleted);
        (await reply).Code.Should().Be(451);
        (await reply).Text.Should().Be("Requested action aborted: no progress for too long.");
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_stored_hash_answers_a_whole_file_and_ranges_are_still_read()
    {
        var data = Data(5000);
        await _server.WriteFileAsync("/home/alice/s.bin", data);
        var stored = Enumerable.Repeat((byte)0xAB, 32).ToArray();
        var provider = new StoredHashProvider(new InMemoryFileSystemProvider(_server.FileSystem), stored);
        await using var server = await TestServer.StartAsync(fileSystemProvider: provider);
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("HASH s.bin", 213)).Text.Should().Be($"SHA-256 0-5000 {Hex(stored)} s.bin");
        (await client.ExpectAsync("XSHA256 s.bin", 250)).Text.Should().Be(Convert.ToHexString(stored));
        await client.ExpectAsync("RANG 0 9", 350);
        (await client.ExpectAsync("HASH s.bin", 213)).Text.Should().Be($"SHA-256 0-9 {Hex(SHA256.HashData(data.AsSpan(0, 10)))} s.bin");
        await client.ExpectAsync("OPTS HASH MD5", 200);
        (await client.ExpectAsync("HASH s.bin", 213)).Text.Should().Be($"MD5 0-5000 {Hex(MD5.HashData(data))} s.bin");
        await client.ExpectAsync("OPTS HASH SHA-1", 200);
        await client.ExpectAsync("HASH s.bin", 451);
        provider.Asked.Should().Equal(FtpChecksumAlgorithm.Sha256, FtpChecksumAlgorithm.Sha256, FtpChecksumAlgorithm.Md5, FtpChecksumAlgorithm.Sha1);
    }

    internal static byte[] Data(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    internal static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    /// <summary>CRC-32 computed bit by bit, independently of the server's table-driven one.</summary>
    internal static byte[] Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        crc = ~crc;
        return [(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc];
    }

    private static (string Name, byte[] Hash)[] Expected(byte[] data) =>
    [
        ("SHA-1", SHA1.HashData(data)), ("SHA-512", SHA512.HashData(data)), ("MD5", MD5.HashData(data)), ("CRC32", Crc(data)), ("SHA-256", SHA256.HashData(data)),
    ];

    private static Task<TestServer> StartFaultyAsync(out FaultyFileSystemProvider faults, TimeProvider? time = null, TimeSpan? stallTimeout = null)
    {
        var provider = faults = new FaultyFileSystemProvider();
        return StartAsync();

        async Task<TestServer> StartAsync()
        {
            var server = await TestServer.StartAsync(o => o.Limits.DataStallTimeout = stallTimeout ?? o.Limits.DataStallTimeout, time, fileSystemProvider: provider);
            provider.Inner = new InMemoryFileSystemProvider(server.FileSystem);
            return server;
        }
    }

    /// <summary>A provider whose filesystems keep a SHA-256 (the given bytes) and a malformed SHA-1, and nothing else.</summary>
    private sealed class StoredHashProvider(IFtpFileSystemProvider inner, byte[] sha256) : IFtpFileSystemProvider
    {
        public List<FtpChecksumAlgorithm> Asked { get; } = [];

        public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.StoredHashes;

        public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => new Store(await inner.GetFileSystemAsync(user, cancellationToken), this, sha256);

        private sealed class Store(IFtpFileSystem inner, StoredHashProvider owner, byte[] sha256) : ForwardingFileSystem(inner), IFtpStoredHashFileSystem
        {
            public ValueTask<byte[]?> GetStoredHashAsync(string path, FtpChecksumAlgorithm algorithm, CancellationToken cancellationToken)
            {
                lock (owner.Asked)
                {
                    owner.Asked.Add(algorithm);
                }

                return ValueTask.FromResult(algorithm switch
                {
                    FtpChecksumAlgorithm.Sha256 => sha256,
                    FtpChecksumAlgorithm.Sha1 => new byte[3],
                    _ => null,
                });
            }

        }
    }
}
