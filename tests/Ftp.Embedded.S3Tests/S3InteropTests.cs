using FluentFTP;

namespace Ftp.Embedded.S3Tests;

/// <summary>curl, lftp and FluentFTP against a server over RGW, compared byte for byte.</summary>
[Collection(RgwGroup.Name)]
public sealed class S3InteropTests(RgwFixture rgw) : IAsyncLifetime
{
    private readonly string _local = Directory.CreateTempSubdirectory("ftp-s3-interop-").FullName;
    private S3TestServer _server = null!;

    private string Url => $"ftp://127.0.0.1:{_server.Port}";

    public async Task InitializeAsync() => _server = await S3TestServer.StartAsync(rgw);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_local, recursive: true);
    }

    [Theory]
    [InlineData("epsv")]
    [InlineData("pasv")]
    [InlineData("port")]
    public async Task Curl_uploads_and_downloads_byte_exact(string mode)
    {
        string[] modeArgs = mode switch
        {
            "pasv" => ["--disable-epsv"],
            "port" => ["--ftp-port", "127.0.0.1", "--disable-eprt"],
            _ => [],
        };
        var content = Bytes(9 * 1024 * 1024 + 11, mode.Length);
        await File.WriteAllBytesAsync(Path.Combine(_local, "up.bin"), content);

        (await Curl([.. modeArgs, "-T", Path.Combine(_local, "up.bin"), $"{Url}/{mode}.bin"])).ShouldSucceed();
        (await Curl([.. modeArgs, "-o", Path.Combine(_local, "down.bin"), $"{Url}/{mode}.bin"])).ShouldSucceed();

        (await ObjectAsync(mode + ".bin")).SequenceEqual(content).Should().BeTrue("the object holds exactly the uploaded bytes");
        (await File.ReadAllBytesAsync(Path.Combine(_local, "down.bin"))).SequenceEqual(content).Should().BeTrue();
        (await Curl([.. modeArgs, "--list-only", $"{Url}/"])).ShouldSucceed().Output.Should().Contain(mode + ".bin");
    }

    [Fact]
    public async Task Lftp_mirror_R_then_mirror_gives_back_the_same_tree()
    {
        var source = Path.Combine(_local, "source");
        var files = new Dictionary<string, byte[]>
        {
            ["empty.txt"] = [],
            ["a.txt"] = "alpha\n"u8.ToArray(),
            ["sub/b.bin"] = Bytes(300_000, 1),
            ["sub/deeper/c.bin"] = Bytes(6 * 1024 * 1024 + 3, 2),
        };
        foreach (var (name, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source, name))!);
            await File.WriteAllBytesAsync(Path.Combine(source, name), content);
        }

        Directory.CreateDirectory(Path.Combine(source, "sub", "nothing"));
        var back = Path.Combine(_local, "back");

        (await Lftp($"mirror -R {source} /tree")).ShouldSucceed();
        (await Lftp($"mirror /tree {back}")).ShouldSucceed();

        Tree(back).Should().Equal(Tree(source));
        foreach (var (name, content) in files)
        {
            (await File.ReadAllBytesAsync(Path.Combine(back, name))).SequenceEqual(content).Should().BeTrue(name);
        }
    }

    [Fact]
    public async Task FluentFTP_uploads_downloads_and_lists()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var content = Bytes(1024 * 1024 + 5, 3);
        await using var ftp = new AsyncFtpClient("127.0.0.1", "alice", "secret", _server.Port, new FtpConfig
        {
            ConnectTimeout = 20_000,
            ReadTimeout = 20_000,
            DataConnectionConnectTimeout = 20_000,
            DataConnectionReadTimeout = 20_000,
        });
        await ftp.Connect(cts.Token);

        (await ftp.UploadBytes(content, "/dir/f.bin", FtpRemoteExists.Overwrite, createRemoteDir: true, token: cts.Token)).Should().Be(FtpStatus.Success);
        var down = await ftp.DownloadBytes("/dir/f.bin", cts.Token);
        var listing = await ftp.GetListing("/", cts.Token);
        var inside = await ftp.GetListing("/dir", cts.Token);

        down.SequenceEqual(content).Should().BeTrue();
        (await ObjectAsync("dir/f.bin")).SequenceEqual(content).Should().BeTrue();
        listing.Should().ContainSingle(i => i.Name == "dir" && i.Type == FtpObjectType.Directory);
        inside.Should().ContainSingle(i => i.Name == "f.bin" && i.Type == FtpObjectType.File && i.Size == content.Length);
    }

    private static Task<Tool.Result> Curl(params string[] arguments)
        => Tool.RunAsync("curl", ["--silent", "--show-error", "--max-time", "60", "-u", "alice:secret", .. arguments]);

    private Task<Tool.Result> Lftp(string command)
        => Tool.RunAsync("lftp", "-c", "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; " +
                                       $"open -u alice,secret -p {_server.Port} 127.0.0.1; {command}");

    private async Task<byte[]> ObjectAsync(string name)
    {
        using var response = await rgw.Client.GetObjectAsync(_server.Bucket, S3TestServer.Home + name);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Every file (with its size) and directory below <paramref name="root"/>, relative and sorted.</summary>
    private static List<string> Tree(string root)
        => [.. Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p) + (Directory.Exists(p) ? "/" : " " + new FileInfo(p).Length))
            .Order(StringComparer.Ordinal)];

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
