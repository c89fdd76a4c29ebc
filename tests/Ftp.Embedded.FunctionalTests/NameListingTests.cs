using System.Runtime.CompilerServices;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// NLST of a directory asks a filesystem that implements <see cref="IFtpNameListingFileSystem"/> for names alone and never
/// for a description of each entry; the names are exactly those LIST lists, without uploads in progress.
/// </summary>
public sealed class NameListingTests
{
    private const string UploadInProgress = ".ftp-upload-0123456789abcdef.part";

    [Fact]
    public async Task NLST_of_a_directory_uses_names_alone_and_hides_uploads_in_progress()
    {
        var tree = new InMemoryFileSystem();
        await tree.CreateDirectoryAsync("/home", default);
        await tree.CreateDirectoryAsync("/home/alice", default);
        await tree.CreateDirectoryAsync("/home/alice/sub", default);
        foreach (var name in new[] { "b.txt", "a b.txt", "\u00e9t\u00e9.txt", UploadInProgress })
        {
            await using var stream = await tree.OpenWriteAsync("/home/alice/" + name, FtpWriteMode.Create, 0, default);
            stream.WriteByte(1);
        }

        var counting = new CountingProvider(new InMemoryFileSystemProvider(tree));
        await using var server = await TestServer.StartAsync(fileSystemProvider: counting);
        await using var client = await server.LoginAsync();

        (await client.RetrieveAsync("NLST")).Should().Equal("a b.txt\r\nb.txt\r\nsub\r\n\u00e9t\u00e9.txt\r\n"u8.ToArray());
        (await client.RetrieveAsync("NLST -la /")).Should().Equal("a b.txt\r\nb.txt\r\nsub\r\n\u00e9t\u00e9.txt\r\n"u8.ToArray());
        (await client.RetrieveAsync("NLST sub")).Should().BeEmpty();
        counting.NameListings.Should().Equal(["/", "/", "/sub"]);
        counting.Listings.Should().BeEmpty("NLST describes no entry");

        (await client.RetrieveAsync("NLST b.txt")).Should().Equal("b.txt\r\n"u8.ToArray());
        counting.NameListings.Should().HaveCount(3, "NLST of a file names the file without listing anything");

        var list = (await client.ListAsync("LIST")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        list.Should().HaveCount(4);
        counting.Listings.Should().Equal(["/"]);
        counting.NameListings.Should().HaveCount(3, "LIST describes entries: it never asks for names alone");
    }

    [Fact]
    public async Task NLST_of_a_missing_directory_is_550()
    {
        var counting = new CountingProvider(new InMemoryFileSystemProvider(new InMemoryFileSystem()));
        await using var server = await TestServer.StartAsync(fileSystemProvider: counting);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("NLST nowhere", 550);
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task NLST_on_disk_names_what_LIST_lists_and_leaves_out_links_that_leave_the_root()
    {
        using var outside = new ScratchDirectory("ftp-nlst-outside");
        using var root = new ScratchDirectory("ftp-nlst-root");
        var home = Directory.CreateDirectory(Path.Combine(root.Path, "home", "alice")).FullName;
        File.WriteAllText(Path.Combine(home, "plain.txt"), "p");
        File.WriteAllText(Path.Combine(home, UploadInProgress), "u");
        Directory.CreateDirectory(Path.Combine(home, "dir"));
        File.CreateSymbolicLink(Path.Combine(home, "inside-link"), Path.Combine(home, "plain.txt"));
        File.CreateSymbolicLink(Path.Combine(home, "outside-link"), outside.Write("secret.txt", "s"));
        File.CreateSymbolicLink(Path.Combine(home, "dangling-link"), Path.Combine(home, "gone.txt"));
        await using var server = await TestServer.StartAsync(fileSystemProvider: new PhysicalFileSystemProvider(root.Path));
        await using var client = await server.LoginAsync();

        var names = (await client.ListAsync("NLST")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
        var mlsd = (await client.ListAsync("MLSD")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf("; ", StringComparison.Ordinal) + 2)..]);

        names.Should().Equal(["dangling-link", "dir", "inside-link", "plain.txt"], "a dangling link inside the root is listed as LIST lists it");
        names.Should().Equal(mlsd.Order(StringComparer.Ordinal));
    }

    /// <summary>Forwards to another provider's filesystems and records which listing calls the engine makes.</summary>
    private sealed class CountingProvider(IFtpFileSystemProvider inner) : IFtpFileSystemProvider
    {
        public List<string> Listings { get; } = [];

        public List<string> NameListings { get; } = [];

        public FtpFileSystemCapabilities Capabilities => inner.Capabilities;

        public async ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => new Counting(await inner.GetFileSystemAsync(user, cancellationToken), this);

        private static void Record(List<string> calls, string path)
        {
            lock (calls)
            {
                calls.Add(path);
            }
        }

        private sealed class Counting(IFtpFileSystem inner, CountingProvider owner) : ForwardingFileSystem(inner), IFtpNameListingFileSystem
        {
            public override IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken)
            {
                Record(owner.Listings, path);
                return Inner.ListAsync(path, cancellationToken);
            }

            public async IAsyncEnumerable<string> ListNamesAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
            {
                Record(owner.NameListings, path);
                await foreach (var name in ((IFtpNameListingFileSystem)Inner).ListNamesAsync(path, cancellationToken))
                {
                    yield return name;
                }
            }

        }
    }
}
