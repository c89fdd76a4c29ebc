using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// LIST and MLSD of the disk provider (read with getdents64 and statx on Linux) give over the wire the bytes that the
/// general path gives for the same directory, read through a wrapper that only forwards ListAsync.
/// </summary>
public sealed class PhysicalListingTests : IDisposable
{
    private static readonly Lazy<string> AliceHash = new(() => FtpPasswordHasher.Hash("secret"));
    private readonly string _base = Directory.CreateTempSubdirectory("ftp-listing-").FullName;
    private readonly string _root;
    private readonly string _home;
    private byte[]? _rawName;

    public PhysicalListingTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _home = Directory.CreateDirectory(Path.Combine(_root, "home", "alice")).FullName;
    }

    public void Dispose()
    {
        if (_rawName is not null)
        {
            _ = Unlink(_rawName);
        }

        Directory.Delete(_base, recursive: true);
    }

    [Fact]
    public async Task Listings_match_the_general_path_byte_for_byte()
    {
        Populate();
        var provider = new PhysicalFileSystemProvider(_root);
        await using var fast = await StartAsync(provider);
        await using var general = await StartAsync(new ForwardingProvider(provider));
        await using var a = await FtpTestClient.LoginAsync(fast.EndPoints[0].Port);
        await using var b = await FtpTestClient.LoginAsync(general.EndPoints[0].Port);
        string[] commands =
        [
            "LIST", "LIST -la", "LIST -l /", "LIST many", "LIST plain.txt", "MLSD", "MLSD many", "MLSD /sub",
            "OPTS MLST type;size;modify;perm;unique;unix.mode;", "MLSD", "MLSD many",
        ];
        foreach (var command in commands)
        {
            if (command.StartsWith("OPTS", StringComparison.Ordinal))
            {
                await a.ExpectAsync(command, 200);
                await b.ExpectAsync(command, 200);
                continue;
            }

            var expected = await b.RetrieveAsync(command);
            var actual = await a.RetrieveAsync(command);
            Encoding.UTF8.GetString(actual).Should().Be(Encoding.UTF8.GetString(expected), command);
            actual.Should().Equal(expected, command);
        }

        var list = await a.ListAsync("LIST");
        list.Should().Contain(" with space.txt\r\n").And.Contain(" \u00e9t\u00e9.txt\r\n").And.Contain(" 5368709120 ")
            .And.Contain(" good-link\r\n").And.Contain("drwxr-xr-x").And.NotContain("escape").And.NotContain(".ftp-upload-");
        (await a.ListAsync("LIST many")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(3000);
        (await a.ExpectAsync("LIST *.txt", 550)).Text.Should().Be("No such file or directory.");
    }

    private void Populate()
    {
        File.WriteAllText(Path.Combine(_home, "plain.txt"), "hello");
        File.WriteAllText(Path.Combine(_home, "with space.txt"), "x");
        File.WriteAllText(Path.Combine(_home, "\u00e9t\u00e9.txt"), "xy");
        File.WriteAllText(Path.Combine(_home, ".hidden"), "h");
        File.WriteAllText(Path.Combine(_home, ".ftp-upload-0123456789abcdef.part"), "partial");
        using (var big = File.Create(Path.Combine(_home, "big.iso")))
        {
            big.SetLength(5L << 30);
        }

        File.WriteAllText(Path.Combine(_home, "old.txt"), "o");
        File.SetLastWriteTimeUtc(Path.Combine(_home, "old.txt"), new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(_home, "future.txt"), "f");
        File.SetLastWriteTimeUtc(Path.Combine(_home, "future.txt"), new DateTime(2099, 3, 4, 5, 6, 7, DateTimeKind.Utc));
        Directory.CreateDirectory(Path.Combine(_home, "sub", "inner"));
        File.WriteAllText(Path.Combine(_home, "sub", "in-sub.txt"), "s");
        var many = Directory.CreateDirectory(Path.Combine(_home, "many")).FullName;
        for (var i = 0; i < 3000; i++)
        {
            File.WriteAllText(Path.Combine(many, $"file{i:D5}.txt"), "m");
        }

        File.CreateSymbolicLink(Path.Combine(_home, "good-link"), Path.Combine(_home, "plain.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_home, "dir-link"), Path.Combine(_home, "sub"));
        File.CreateSymbolicLink(Path.Combine(_home, "dangling"), Path.Combine(_home, "nothing-here"));
        File.WriteAllText(Path.Combine(_base, "outside.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(_home, "escape"), Path.Combine(_base, "outside.txt"));
        if (OperatingSystem.IsLinux())
        {
            _rawName = [.. Encoding.UTF8.GetBytes(Path.Combine(_home, "bad-")), 0xff, 0xfe, 0];
            var fd = Creat(_rawName, 0x1a4);
            fd.Should().BeGreaterThanOrEqualTo(0);
            Close(fd).Should().Be(0);
        }
    }

    private static async Task<FtpServer> StartAsync(IFtpFileSystemProvider provider)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        var users = new FtpLocalUserOptions();
        users.Add("alice", AliceHash.Value, "/home/alice");
        var server = FtpServer.Create(options, provider, [new LocalUserAuthenticator(Options.Create(users))]);
        await server.StartAsync(default);
        return server;
    }

    /// <summary>The same disk behind a wrapper: the engine lists it through ListAsync.</summary>
    private sealed class ForwardingProvider(IFtpFileSystemProvider inner) : IFtpFileSystemProvider
    {
        public FtpFileSystemCapabilities Capabilities => inner.Capabilities & ~(FtpFileSystemCapabilities.NameListing | FtpFileSystemCapabilities.AtomicUploads);

        public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => new Forwarding(await inner.GetFileSystemAsync(user, cancellationToken));

        private sealed class Forwarding(IFtpFileSystem inner) : ForwardingFileSystem(inner);
    }

    [DllImport("libc", EntryPoint = "creat")]
    private static extern int Creat(byte[] path, int mode);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "unlink")]
    private static extern int Unlink(byte[] path);
}
