using System.Net;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// What a provider of the application's own sees and declares: the real upload name, no temporary files left or shown,
/// the capabilities FEAT lists, and a data-channel policy that says why it refuses.
/// </summary>
public sealed class CustomProviderTests
{
    private static async Task<InMemoryFileSystem> TreeAsync()
    {
        var tree = new InMemoryFileSystem();
        await tree.CreateDirectoryAsync("/home", default);
        await tree.CreateDirectoryAsync("/home/alice", default);
        await tree.CreateDirectoryAsync("/pub", default);
        return tree;
    }

    private static async Task<List<string>> NamesAsync(InMemoryFileSystem fileSystem, string path)
    {
        var names = new List<string>();
        await foreach (var entry in fileSystem.ListAsync(path, default))
        {
            names.Add(entry.Name);
        }

        return names;
    }

    private static async Task<string> ContentAsync(InMemoryFileSystem fileSystem, string path)
    {
        await using var stream = await fileSystem.OpenReadAsync(path, 0, default);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    private static async Task WriteAsync(InMemoryFileSystem fileSystem, string path, string content)
    {
        await using var stream = await fileSystem.OpenWriteAsync(path, FtpWriteMode.Create, 0, default);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(content));
    }

    [Fact]
    public async Task A_rename_that_fails_at_the_end_of_an_upload_leaves_no_temporary_file_and_the_old_file()
    {
        var tree = await TreeAsync();
        await WriteAsync(tree, "/home/alice/keep.txt", "old");
        var provider = new PlainFileSystemProvider(tree) { RenameFailure = new UnauthorizedAccessException("the store refused the name") };
        await using var server = await TestServer.StartAsync(fileSystemProvider: provider);
        await using var client = await server.LoginAsync();

        using (var data = await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("STOR keep.txt", 150);
            await FtpTestClient.SendAllAsync(data, "new content"u8.ToArray());
            data.Shutdown(SocketShutdown.Send);
        }

        (await client.ExpectAsync(550)).Text.Should().Be("Permission denied.");
        provider.Renames.Should().ContainSingle().Which.To.Should().Be("/keep.txt");
        (await NamesAsync(tree, "/home/alice")).Should().Equal("keep.txt");
        (await ContentAsync(tree, "/home/alice/keep.txt")).Should().Be("old");
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task An_upload_in_progress_is_hidden_from_listings_and_its_name_from_every_command()
    {
        var tree = await TreeAsync();
        await WriteAsync(tree, "/home/alice/other.txt", "x");
        var provider = new PlainFileSystemProvider(tree);
        await using var server = await TestServer.StartAsync(fileSystemProvider: provider);
        await using var uploader = await server.LoginAsync();
        await using var looker = await server.LoginAsync();

        using var data = await uploader.OpenPassiveAsync();
        await uploader.ExpectAsync("STOR big.bin", 150);
        await FtpTestClient.SendAllAsync(data, new byte[4096]);
        // The provider holds the temporary file now; the clients must not see it.
        string? temporary = null;
        for (var i = 0; i < 500 && temporary is null; i++)
        {
            temporary = (await NamesAsync(tree, "/home/alice")).FirstOrDefault(n => n.EndsWith(".part", StringComparison.Ordinal));
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        temporary.Should().MatchRegex(@"^\.ftp-upload-[0-9a-f]{16}\.part$");
        temporary!.Length.Should().Be(33, "the temporary name's length does not depend on the target's");
        (await looker.ListAsync("NLST")).Should().Be("other.txt\r\n");
        (await looker.ListAsync("LIST")).Should().NotContain(".part");
        (await looker.ListAsync("MLSD")).Should().NotContain(".part");
        foreach (var command in new[] { "SIZE", "MDTM", "MLST", "DELE", "RNFR" })
        {
            (await looker.ExpectAsync($"{command} {temporary}", 553)).Text.Should().Contain("reserved for uploads in progress");
        }

        await looker.ExpectAsync($"STAT {temporary}", 553);
        data.Shutdown(SocketShutdown.Send);
        data.Close();
        await uploader.ExpectAsync(226);
        (await NamesAsync(tree, "/home/alice")).Should().BeEquivalentTo("big.bin", "other.txt");
        provider.Renames.Should().ContainSingle().Which.Should().Be(($"/{temporary}", "/big.bin"));
    }

    [Fact]
    public async Task An_atomic_provider_gets_the_real_name_can_refuse_it_before_any_byte_and_renames_nothing()
    {
        var tree = await TreeAsync();
        await WriteAsync(tree, "/home/alice/a.txt", "previous");
        var provider = new AtomicRecordingProvider(tree);
        await using var server = await TestServer.StartAsync(fileSystemProvider: provider);
        await using var client = await server.LoginAsync();

        await client.StoreAsync("STOR a.txt", "replaced"u8.ToArray());
        (await ContentAsync(tree, "/home/alice/a.txt")).Should().Be("replaced");
        provider.Begun.Should().Equal("/a.txt");
        provider.Renames.Should().Be(0);

        // Refused by the provider: the reply to STOR itself, no 150 and no data connection used.
        using (await client.OpenPassiveAsync())
        {
            (await client.ExpectAsync("STOR refused.txt", 553)).Text.Should().Be("The store does not take that name.");
        }

        // Aborted: discarded, the previous file stays, nothing new appears.
        using (var data = await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("STOR a.txt", 150);
            await FtpTestClient.SendAllAsync(data, "half"u8.ToArray());
            await client.SendAsync("ABOR");
            await client.ExpectAsync(426);
            await client.ExpectAsync(226);
        }

        (await ContentAsync(tree, "/home/alice/a.txt")).Should().Be("replaced");
        (await NamesAsync(tree, "/home/alice")).Should().Equal("a.txt");
        provider.Renames.Should().Be(0);
    }

    [Fact]
    public async Task FEAT_lists_what_the_provider_declares_before_and_after_login()
    {
        var tree = await TreeAsync();
        var declaring = new WrappingProvider(new InMemoryFileSystemProvider(tree), FtpFileSystemCapabilities.ModificationTime | FtpFileSystemCapabilities.AvailableSpace);
        await using (var server = await TestServer.StartAsync(fileSystemProvider: declaring))
        {
            await using var client = await server.ConnectAsync();
            var before = await client.ExpectAsync("FEAT", 211);
            before.Lines.Should().Contain([" MFMT", " AVBL"]);
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS secret", 230);
            (await client.ExpectAsync("FEAT", 211)).Lines.Should().Equal(before.Lines);
        }

        var silent = new WrappingProvider(new InMemoryFileSystemProvider(tree), FtpFileSystemCapabilities.None);
        await using (var server = await TestServer.StartAsync(fileSystemProvider: silent))
        {
            await using var client = await server.ConnectAsync();
            var lines = (await client.ExpectAsync("FEAT", 211)).Lines;
            lines.Should().NotContain(" MFMT").And.NotContain(" AVBL");
        }
    }

    [Fact]
    public async Task A_custom_data_channel_policy_refuses_with_its_own_reason()
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        var policy = new PartnersOnlyPolicy(new DefaultDataChannelPolicy(options));
        await using var server = FtpServer.Create(options, new InMemoryFileSystemProvider(await TreeAsync()),
            [new AnonymousAuthenticator(Microsoft.Extensions.Options.Options.Create(new FtpAnonymousOptions()))], policy);
        await server.StartAsync(default);
        await using var client = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "anonymous", "a@b");

        (await client.ExpectAsync("EPRT |1|127.0.0.1|50000|", 504)).Text.Should().Be("EPRT refused: active mode is for partners only.");
        (await client.ExpectAsync("PORT 127,0,0,1,195,80", 504)).Text.Should().Be("PORT refused: active mode is for partners only.");
        FluentActions.Invoking(() => FtpDataChannelDecision.Refuse("two\r\n200 lines")).Should().Throw<ArgumentException>();
    }

    private sealed class WrappingProvider(IFtpFileSystemProvider inner, FtpFileSystemCapabilities declared) : IFtpFileSystemProvider
    {
        public FtpFileSystemCapabilities Capabilities => declared;

        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken) => inner.GetFileSystemAsync(user, cancellationToken);
    }

    private sealed class PartnersOnlyPolicy(DefaultDataChannelPolicy defaults) : IFtpDataChannelPolicy
    {
        public ValueTask<IPAddress> GetPassiveAddressAsync(FtpSessionInfo session, CancellationToken cancellationToken)
            => defaults.GetPassiveAddressAsync(session, cancellationToken);

        public FtpDataChannelDecision AllowActive(FtpSessionInfo session, IPEndPoint target)
            => FtpDataChannelDecision.Refuse("active mode is for partners only.");

        public FtpDataChannelDecision AllowPassivePeer(FtpSessionInfo session, IPEndPoint peer) => defaults.AllowPassivePeer(session, peer);
    }

    /// <summary>An object-store-like provider: atomic uploads that it sees under their real names.</summary>
    private sealed class AtomicRecordingProvider(InMemoryFileSystem tree) : IFtpFileSystemProvider
    {
        public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.AtomicUploads;

        public List<string> Begun { get; } = [];

        public int Renames;

        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => ValueTask.FromResult<IFtpFileSystem>(new Store(tree.GetSubtree(user.HomeDirectory), this));

        private sealed class Store(InMemoryFileSystem inner, AtomicRecordingProvider owner) : IFtpFileSystem, IFtpAtomicUploadFileSystem
        {
            public ValueTask<IFtpUpload> BeginUploadAsync(string path, CancellationToken cancellationToken)
            {
                if (path.Contains("refused", StringComparison.Ordinal))
                {
                    throw new FtpException(FtpReplyCode.FileNameNotAllowed, "The store does not take that name.");
                }

                owner.Begun.Add(path);
                return inner.BeginUploadAsync(path, cancellationToken);
            }

            public ValueTask<FtpFileInfo?> GetInfoAsync(string path, CancellationToken cancellationToken) => inner.GetInfoAsync(path, cancellationToken);

            public IAsyncEnumerable<FtpFileInfo> ListAsync(string path, CancellationToken cancellationToken) => inner.ListAsync(path, cancellationToken);

            public ValueTask<Stream> OpenReadAsync(string path, long offset, CancellationToken cancellationToken) => inner.OpenReadAsync(path, offset, cancellationToken);

            public ValueTask<Stream> OpenWriteAsync(string path, FtpWriteMode mode, long offset, CancellationToken cancellationToken)
                => throw new InvalidOperationException("STOR of an atomic provider goes through BeginUploadAsync.");

            public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) => inner.CreateDirectoryAsync(path, cancellationToken);

            public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) => inner.DeleteFileAsync(path, cancellationToken);

            public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) => inner.DeleteDirectoryAsync(path, cancellationToken);

            public ValueTask RenameAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref owner.Renames);
                return inner.RenameAsync(sourcePath, destinationPath, cancellationToken);
            }
        }
    }
}
