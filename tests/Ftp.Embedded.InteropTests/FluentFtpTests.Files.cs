using System.Net;
using FluentFTP;
using FluentFTP.Exceptions;

namespace Ftp.Embedded.InteropTests;

public sealed partial class FluentFtpTests
{
    private static readonly DateTime Old = new(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc);

    [Fact]
    public async Task GetListing_over_MLSD_gives_names_types_sizes_permissions_and_times_to_the_second()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var times = await MakeListingFolderAsync("mlsd", recent: new DateTime(2024, 2, 29, 12, 34, 56, DateTimeKind.Utc), cts.Token);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        // unix.mode is offered but not sent by default (FEAT: no '*' after it); FluentFTP reads it into Chmod when present.
        (await ftp.Client.Execute("OPTS MLST type;size;modify;perm;unix.mode;", cts.Token)).Code.Should().Be("200");

        var listing = (await ftp.Client.GetListing("/mlsd", cts.Token)).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();

        listing.Select(i => (i.Name, i.FullName, i.Type, i.Modified)).Should().Equal(
            ("a.txt", "/mlsd/a.txt", FtpObjectType.File, times["a.txt"]),
            ("empty.bin", "/mlsd/empty.bin", FtpObjectType.File, times["empty.bin"]),
            ("sub", "/mlsd/sub", FtpObjectType.Directory, times["sub"]));
        listing[0].Size.Should().Be(10);
        listing[1].Size.Should().Be(0);
        listing[0].Chmod.Should().Be(Chmod(Path.Combine(server.Home, "mlsd", "a.txt")));
        listing[2].Chmod.Should().Be(Chmod(Path.Combine(server.Home, "mlsd", "sub")));
        ftp.Log.Should().Contain("Command:  MLSD /mlsd").And.NotContain("Command:  LIST");
    }

    /// <summary>
    /// LIST forced, parsed with FluentFTP's Unix parser: an entry from the last six months shows hours and minutes,
    /// an older one the year (so midnight of that day).
    /// </summary>
    [Fact]
    public async Task GetListing_over_LIST_gives_names_types_sizes_and_times()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var now = DateTime.UtcNow;
        var recent = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddDays(-2);
        var times = await MakeListingFolderAsync("list", recent, cts.Token);
        await using var ftp = await ConnectAsync(server.Port, cts.Token, c => c.ListingDataType = FtpDataType.Binary);
        ftp.Client.Config.ListingParser = FtpParser.Unix;

        var listing = (await ftp.Client.GetListing("/list", FtpListOption.ForceList, cts.Token)).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();

        listing.Select(i => (i.Name, i.FullName, i.Type, i.Size, i.Modified)).Should().Equal(
            ("a.txt", "/list/a.txt", FtpObjectType.File, 10L, recent),
            ("empty.bin", "/list/empty.bin", FtpObjectType.File, 0L, Old.Date),
            ("sub", "/list/sub", FtpObjectType.Directory, 4096L, times["sub"].Date));
        listing[0].Chmod.Should().Be(Chmod(Path.Combine(server.Home, "list", "a.txt")));
        ftp.Log.Should().Contain("Command:  TYPE I").And.Contain("Command:  LIST /list").And.NotContain("Command:  MLSD");
    }

    [Fact]
    public async Task SetModifiedTime_then_GetModifiedTime()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        await ftp.Client.UploadBytes("mfmt"u8.ToArray(), "/mfmt.txt", FtpRemoteExists.Overwrite, token: cts.Token);
        var time = new DateTime(2020, 2, 29, 23, 59, 58, DateTimeKind.Utc);

        await ftp.Client.SetModifiedTime("/mfmt.txt", time, cts.Token);

        (await ftp.Client.GetModifiedTime("/mfmt.txt", cts.Token)).Should().Be(time);
        File.GetLastWriteTimeUtc(Path.Combine(server.Home, "mfmt.txt")).Should().Be(time);
        ftp.Log.Should().Contain("Command:  MFMT 20200229235958 /mfmt.txt").And.Contain("Response: 213 Modify=20200229235958; /mfmt.txt")
            .And.Contain("Response: 213 20200229235958");
    }

    [Fact]
    public async Task Directories_are_created_renamed_moved_and_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        var disk = Path.Combine(server.Home, "tree");

        (await ftp.Client.CreateDirectory("/tree/a/b/c", force: true, cts.Token)).Should().BeTrue();
        Directory.Exists(Path.Combine(disk, "a", "b", "c")).Should().BeTrue();
        (await ftp.Client.DirectoryExists("/tree/a/b/c", cts.Token)).Should().BeTrue();
        (await ftp.Client.DirectoryExists("/tree/missing", cts.Token)).Should().BeFalse();
        (await ftp.Client.CreateDirectory("/tree/a", cts.Token)).Should().BeFalse("it exists already");
        await ftp.Client.UploadBytes("x"u8.ToArray(), "/tree/a/b/file.txt", FtpRemoteExists.Overwrite, token: cts.Token);

        // RMD alone is not recursive: a directory with something in it stays.
        (await ftp.Client.Execute("RMD /tree/a/b", cts.Token)).Code.Should().Be("550");
        Directory.Exists(Path.Combine(disk, "a", "b")).Should().BeTrue();
        await ftp.Client.DeleteDirectory("/tree/a/b/c", cts.Token);
        Directory.Exists(Path.Combine(disk, "a", "b", "c")).Should().BeFalse();
        File.Exists(Path.Combine(disk, "a", "b", "file.txt")).Should().BeTrue();

        await ftp.Client.Rename("/tree/a", "/tree/renamed", cts.Token);
        Directory.Exists(Path.Combine(disk, "a")).Should().BeFalse();
        File.ReadAllText(Path.Combine(disk, "renamed", "b", "file.txt")).Should().Be("x");
        (await ftp.Client.MoveDirectory("/tree/renamed", "/moved", FtpRemoteExists.Skip, cts.Token)).Should().BeTrue();
        File.ReadAllText(Path.Combine(server.Home, "moved", "b", "file.txt")).Should().Be("x");

        // FluentFTP's DeleteDirectory empties the tree first (a listing, DELE and RMD for each entry).
        await ftp.Client.DeleteDirectory("/moved", cts.Token);
        Directory.Exists(Path.Combine(server.Home, "moved")).Should().BeFalse();
        (await ftp.Client.DirectoryExists("/moved", cts.Token)).Should().BeFalse();
        Directory.EnumerateFileSystemEntries(disk).Should().BeEmpty();
    }

    [Fact]
    public async Task Files_are_renamed_moved_sized_and_deleted()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var ftp = await ConnectAsync(server.Port, cts.Token);
        var disk = Path.Combine(server.Home, "files");
        await ftp.Client.UploadBytes("12345"u8.ToArray(), "/files/one.txt", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token);
        await ftp.Client.UploadBytes("other"u8.ToArray(), "/files/sub/taken.txt", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token);

        (await ftp.Client.FileExists("/files/one.txt", cts.Token)).Should().BeTrue();
        (await ftp.Client.FileExists("/files/none.txt", cts.Token)).Should().BeFalse();
        (await ftp.Client.GetFileSize("/files/one.txt", token: cts.Token)).Should().Be(5);
        (await ftp.Client.GetFileSize("/files/none.txt", token: cts.Token)).Should().Be(-1);

        await ftp.Client.Rename("/files/one.txt", "/files/two.txt", cts.Token);
        File.Exists(Path.Combine(disk, "one.txt")).Should().BeFalse();
        (await ftp.Client.MoveFile("/files/two.txt", "/files/sub/three.txt", FtpRemoteExists.Overwrite, cts.Token)).Should().BeTrue();
        File.ReadAllText(Path.Combine(disk, "sub", "three.txt")).Should().Be("12345");
        (await ftp.Client.MoveFile("/files/sub/three.txt", "/files/sub/taken.txt", FtpRemoteExists.Skip, cts.Token)).Should().BeFalse();
        File.ReadAllText(Path.Combine(disk, "sub", "taken.txt")).Should().Be("other");
        (await ftp.Client.MoveFile("/files/sub/three.txt", "/files/sub/taken.txt", FtpRemoteExists.Overwrite, cts.Token)).Should().BeTrue();
        File.ReadAllText(Path.Combine(disk, "sub", "taken.txt")).Should().Be("12345");
        File.Exists(Path.Combine(disk, "sub", "three.txt")).Should().BeFalse();

        await ftp.Client.DeleteFile("/files/sub/taken.txt", cts.Token);
        File.Exists(Path.Combine(disk, "sub", "taken.txt")).Should().BeFalse();
        (await ftp.Client.FileExists("/files/sub/taken.txt", cts.Token)).Should().BeFalse();
        var deleteMissing = () => ftp.Client.DeleteFile("/files/sub/taken.txt", cts.Token);
        (await deleteMissing.Should().ThrowAsync<FtpCommandException>()).Which.CompletionCode.Should().Be("550");
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("ünïcödé 日本語 ✓")]
    [InlineData("hash#1")]
    [InlineData("100%")]
    public async Task Names_with_spaces_unicode_hash_and_percent(string stem)
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        // FluentFTP refuses any path with '%' by default (FtpSanitizeException: "URL encoded chars that might be used for
        // FTP injection"), before sending anything; the server takes such names as they are.
        await using var ftp = await ConnectAsync(server.Port, cts.Token, c => c.SanitizeUrlEncoding = false);
        var folder = $"/dir {stem}";
        var file = $"{folder}/{stem}.txt";
        var content = Bytes(1000, stem.Length);

        (await ftp.Client.CreateDirectory(folder, cts.Token)).Should().BeTrue();
        (await ftp.Client.UploadBytes(content, file, FtpRemoteExists.Overwrite, token: cts.Token)).Should().Be(FtpStatus.Success);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"dir {stem}", $"{stem}.txt"), cts.Token)).Should().Equal(content);

        (await ftp.Client.GetListing(folder, cts.Token)).Select(i => (i.Name, i.FullName)).Should().Equal(($"{stem}.txt", file));
        (await ftp.Client.GetListing(folder, FtpListOption.ForceList, cts.Token)).Select(i => i.Name).Should().Equal($"{stem}.txt");
        (await ftp.Client.GetNameListing(folder, cts.Token)).Should().ContainSingle().Which.Should().Be($"{stem}.txt", "NLST of a directory sends bare names");
        (await ftp.Client.DownloadBytes(file, cts.Token)).Should().Equal(content);
        (await ftp.Client.FileExists(file, cts.Token)).Should().BeTrue();
        (await ftp.Client.GetFileSize(file, token: cts.Token)).Should().Be(content.Length);

        await ftp.Client.Rename(file, $"{folder}/{stem} renamed.txt", cts.Token);
        File.Exists(Path.Combine(server.Home, $"dir {stem}", $"{stem} renamed.txt")).Should().BeTrue();
        await ftp.Client.DeleteDirectory(folder, cts.Token);
        Directory.Exists(Path.Combine(server.Home, $"dir {stem}")).Should().BeFalse();
    }

    /// <summary>The server over <see cref="InMemoryFileSystem"/>, as an application's own tests would embed it.</summary>
    [Fact]
    public async Task Works_over_the_in_memory_filesystem()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var files = new InMemoryFileSystem();
        await files.CreateDirectoryAsync("/home", cts.Token);
        await files.CreateDirectoryAsync("/home/alice", cts.Token);
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        var users = new FtpLocalUserOptions().Add("alice", FtpPasswordHasher.Hash("secret"), "/home/alice");
        await using var memoryServer = FtpServer.Create(options, new InMemoryFileSystemProvider(files),
            [new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users))]);
        await memoryServer.StartAsync(cts.Token);
        var content = Bytes((1024 * 1024) + 17, 99);

        await using (var ftp = await ConnectAsync(memoryServer.EndPoints[0].Port, cts.Token))
        {
            (await ftp.Client.UploadBytes(content, "/reports/today.bin", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token))
                .Should().Be(FtpStatus.Success);
            var modified = new DateTime(2022, 12, 31, 23, 0, 1, DateTimeKind.Utc);
            await ftp.Client.SetModifiedTime("/reports/today.bin", modified, cts.Token);
            (await ftp.Client.GetListing("/reports", cts.Token)).Select(i => (i.Name, i.Type, i.Size, i.Modified))
                .Should().Equal(("today.bin", FtpObjectType.File, (long)content.Length, modified));
            (await ftp.Client.DownloadBytes("/reports/today.bin", cts.Token)).Should().Equal(content);
        }

        var info = await files.GetInfoAsync("/home/alice/reports/today.bin", cts.Token);
        info.Should().NotBeNull();
        info!.Length.Should().Be(content.Length);
        await using var stored = await files.OpenReadAsync("/home/alice/reports/today.bin", 0, cts.Token);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy, cts.Token);
        copy.ToArray().Should().Equal(content);
    }

    /// <summary>Makes <c>a.txt</c> (10 bytes, <paramref name="recent"/>), <c>empty.bin</c> (0 bytes, 2001) and <c>sub/</c>.</summary>
    private async Task<Dictionary<string, DateTime>> MakeListingFolderAsync(string name, DateTime recent, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(server.Home, name);
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(folder, "a.txt"), "0123456789"u8.ToArray(), cancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(folder, "empty.bin"), [], cancellationToken);
        var times = new Dictionary<string, DateTime>
        {
            ["a.txt"] = recent,
            ["empty.bin"] = Old,
            ["sub"] = new(2023, 5, 6, 7, 8, 9, DateTimeKind.Utc),
        };
        File.SetLastWriteTimeUtc(Path.Combine(folder, "a.txt"), times["a.txt"]);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "empty.bin"), times["empty.bin"]);
        Directory.SetLastWriteTimeUtc(Path.Combine(folder, "sub"), times["sub"]);
        return times;
    }

    private static int Chmod(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return Directory.Exists(path) ? 755 : 644;
        }

        var mode = (int)File.GetUnixFileMode(path);
        return (((mode >> 6) & 7) * 100) + (((mode >> 3) & 7) * 10) + (mode & 7);
    }
}
