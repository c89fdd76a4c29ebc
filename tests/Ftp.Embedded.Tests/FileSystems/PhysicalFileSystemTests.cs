namespace Ftp.Embedded.Tests.FileSystems;

public sealed class PhysicalFileSystemContractTests : FileSystemContractTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ftp-physical-").FullName;

    public PhysicalFileSystemContractTests() => FileSystem = new PhysicalFileSystem(_root);

    protected override IFtpFileSystem FileSystem { get; }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

public sealed class PhysicalFileSystemJailTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("ftp-jail-").FullName;
    private readonly string _root;
    private readonly string _outside;
    private readonly PhysicalFileSystem _fs;

    public PhysicalFileSystemJailTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "top secret");
        File.WriteAllText(Path.Combine(_root, "inside.txt"), "inside");
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "escape-file"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape-dir"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "sub", "relative-escape"), "../../outside/secret.txt");
        File.CreateSymbolicLink(Path.Combine(_root, "good-link"), Path.Combine(_root, "inside.txt"));
        _fs = new PhysicalFileSystem(_root);
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Theory]
    [InlineData("/escape-file")]
    [InlineData("/escape-dir")]
    [InlineData("/escape-dir/secret.txt")]
    [InlineData("/sub/relative-escape")]
    public async Task Links_that_lead_outside_the_root_look_missing(string path)
    {
        (await _fs.GetInfoAsync(path, default)).Should().BeNull();
        var read = async () => await _fs.OpenReadAsync(path, 0, default);
        await read.Should().ThrowAsync<FileNotFoundException>();
    }

    [Fact]
    public async Task Writing_through_an_escaping_link_is_refused_and_the_target_is_untouched()
    {
        var write = async () => await _fs.OpenWriteAsync("/escape-file", FtpWriteMode.Create, 0, default);
        await write.Should().ThrowAsync<UnauthorizedAccessException>();
        var intoDir = async () => await _fs.OpenWriteAsync("/escape-dir/new.txt", FtpWriteMode.Create, 0, default);
        await intoDir.Should().ThrowAsync<DirectoryNotFoundException>();
        var mkdir = async () => await _fs.CreateDirectoryAsync("/escape-dir/new", default);
        await mkdir.Should().ThrowAsync<DirectoryNotFoundException>();
        var list = async () => { await foreach (var _ in _fs.ListAsync("/escape-dir", default)) { } };
        await list.Should().ThrowAsync<DirectoryNotFoundException>();
        File.ReadAllText(Path.Combine(_outside, "secret.txt")).Should().Be("top secret");
        File.Exists(Path.Combine(_outside, "new.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Writing_through_a_dangling_link_that_leads_outside_is_refused_and_creates_nothing_there()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "dangling"), Path.Combine(_outside, "planted.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "sub", "dangling-dir"), Path.Combine(_outside, "nodir"));

        var write = async () => await _fs.OpenWriteAsync("/dangling", FtpWriteMode.Create, 0, default);
        await write.Should().ThrowAsync<UnauthorizedAccessException>();
        var intoDir = async () => await _fs.OpenWriteAsync("/sub/dangling-dir/x.txt", FtpWriteMode.Create, 0, default);
        await intoDir.Should().ThrowAsync<DirectoryNotFoundException>();
        (await _fs.GetInfoAsync("/dangling", default)).Should().BeNull();
        File.Exists(Path.Combine(_outside, "planted.txt")).Should().BeFalse();
        Directory.Exists(Path.Combine(_outside, "nodir")).Should().BeFalse();
    }

    [Fact]
    public async Task Paths_below_the_root_resolve_with_links_inside_it()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real", "deep"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "alias"), Path.Combine(_root, "real"));
        await using (var stream = await _fs.OpenWriteAsync("/alias/deep/f.txt", FtpWriteMode.Create, 0, default))
        {
            await stream.WriteAsync("via link"u8.ToArray());
        }

        File.ReadAllText(Path.Combine(_root, "real", "deep", "f.txt")).Should().Be("via link");
        (await _fs.GetInfoAsync("/alias/deep/f.txt", default))!.Length.Should().Be(8);
        (await _fs.GetInfoAsync("/alias/deep/missing/x", default)).Should().BeNull();
    }

    [Fact]
    public async Task Listings_leave_out_escaping_links_and_keep_good_ones()
    {
        var names = new List<string>();
        await foreach (var entry in _fs.ListAsync("/", default))
        {
            names.Add(entry.Name);
        }

        names.Should().BeEquivalentTo("inside.txt", "sub", "good-link");
    }

    [Fact]
    public async Task Links_inside_the_root_are_followed()
    {
        var info = await _fs.GetInfoAsync("/good-link", default);
        info!.Length.Should().Be(6);
        info.IsSymbolicLink.Should().BeTrue();
        await using var stream = await _fs.OpenReadAsync("/good-link", 0, default);
        new StreamReader(stream).ReadToEnd().Should().Be("inside");
    }

    [Fact]
    public async Task Escaping_links_cannot_be_deleted_or_renamed_and_their_targets_stay()
    {
        var delete = async () => await _fs.DeleteFileAsync("/escape-file", default);
        await delete.Should().ThrowAsync<UnauthorizedAccessException>();
        var rename = async () => await _fs.RenameAsync("/escape-file", "/moved", default);
        await rename.Should().ThrowAsync<UnauthorizedAccessException>();
        File.ReadAllText(Path.Combine(_outside, "secret.txt")).Should().Be("top secret");
    }

    [Fact]
    public async Task The_provider_jails_each_user_to_its_home()
    {
        Directory.CreateDirectory(Path.Combine(_root, "home", "alice"));
        File.WriteAllText(Path.Combine(_root, "home", "alice", "a.txt"), "a");
        var provider = new PhysicalFileSystemProvider(_root);
        var alice = await provider.GetFileSystemAsync(new FtpUser("alice", "/home/alice", FtpPermissions.All), default);
        (await alice.GetInfoAsync("/a.txt", default)).Should().NotBeNull();
        (await alice.GetInfoAsync("/inside.txt", default)).Should().BeNull();

        var strict = new PhysicalFileSystemProvider(_root) { CreateHomeDirectories = false };
        var missing = async () => await strict.GetFileSystemAsync(new FtpUser("bob", "/home/bob", FtpPermissions.All), default);
        await missing.Should().ThrowAsync<DirectoryNotFoundException>();
        Directory.Exists(Path.Combine(_root, "home", "bob")).Should().BeFalse();
        var climbing = async () => await provider.GetFileSystemAsync(new FtpUser("eve", "/home/../../outside", FtpPermissions.All), default);
        await climbing.Should().ThrowAsync<ArgumentException>();
        var viaLink = async () => await provider.GetFileSystemAsync(new FtpUser("eve", "/escape-dir", FtpPermissions.All), default);
        await viaLink.Should().ThrowAsync<UnauthorizedAccessException>("a link leading outside is never a home, nor created through");
        var viaLinkStrict = async () => await strict.GetFileSystemAsync(new FtpUser("eve", "/escape-dir", FtpPermissions.All), default);
        await viaLinkStrict.Should().ThrowAsync<DirectoryNotFoundException>();
    }

    [Fact]
    public async Task The_provider_creates_a_missing_home_with_its_parents_inside_the_root()
    {
        var provider = new PhysicalFileSystemProvider(_root);
        var bob = await provider.GetFileSystemAsync(new FtpUser("bob", "/home/bob/ftp", FtpPermissions.All), default);
        Directory.Exists(Path.Combine(_root, "home", "bob", "ftp")).Should().BeTrue();
        await using (var stream = await bob.OpenWriteAsync("/x.txt", FtpWriteMode.Create, 0, default))
        {
            await stream.WriteAsync("x"u8.ToArray());
        }

        File.ReadAllText(Path.Combine(_root, "home", "bob", "ftp", "x.txt")).Should().Be("x");
        // A second login finds it and creates nothing more.
        var again = await provider.GetFileSystemAsync(new FtpUser("bob", "/home/bob/ftp", FtpPermissions.All), default);
        (await again.GetInfoAsync("/x.txt", default)).Should().NotBeNull();

        File.WriteAllText(Path.Combine(_root, "afile"), "");
        var blocked = async () => await provider.GetFileSystemAsync(new FtpUser("carol", "/afile/home", FtpPermissions.All), default);
        await blocked.Should().ThrowAsync<DirectoryNotFoundException>();
    }

    [Fact]
    public void A_missing_root_is_an_error() => FluentActions.Invoking(() => new PhysicalFileSystem(Path.Combine(_base, "nope")))
        .Should().Throw<DirectoryNotFoundException>();
}

public sealed class PhysicalFileSystemListingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ftp-listing-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Listings_report_what_the_operating_system_reports_for_each_entry()
    {
        var time = new DateTime(2024, 2, 29, 13, 14, 15, 123, DateTimeKind.Utc);
        File.WriteAllBytes(Path.Combine(_root, "a.bin"), new byte[12345]);
        File.SetLastWriteTimeUtc(Path.Combine(_root, "a.bin"), time);
        File.WriteAllText(Path.Combine(_root, "name with spaces ü.txt"), "x");
        Directory.CreateDirectory(Path.Combine(_root, "dir"));
        Directory.SetLastWriteTimeUtc(Path.Combine(_root, "dir"), time.AddDays(-1));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_root, "a.bin"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.SetUser);
        }

        var fs = new PhysicalFileSystem(_root);
        var entries = new Dictionary<string, FtpFileInfo>();
        await foreach (var entry in fs.ListAsync("/", default))
        {
            entries.Add(entry.Name, entry);
        }

        entries.Keys.Should().BeEquivalentTo("a.bin", "name with spaces ü.txt", "dir");
        foreach (var (name, entry) in entries)
        {
            // Whatever path the listing takes, it must agree with the single-entry view and with the BCL.
            var single = await fs.GetInfoAsync("/" + name, default);
            entry.Should().BeEquivalentTo(single, o => o.Excluding(e => e!.LastWriteTime));
            entry.LastWriteTime.Should().Be(single!.LastWriteTime);
        }

        entries["a.bin"].Length.Should().Be(12345);
        entries["a.bin"].IsDirectory.Should().BeFalse();
        entries["a.bin"].LastWriteTime.Should().Be(new DateTimeOffset(time));
        entries["dir"].IsDirectory.Should().BeTrue();
        entries["dir"].Length.Should().Be(0);
        entries["dir"].LastWriteTime.Should().Be(new DateTimeOffset(time.AddDays(-1)));
        if (!OperatingSystem.IsWindows())
        {
            entries["a.bin"].UnixMode.Should().Be(Convert.ToInt32("4640", 8));
        }
    }
}
