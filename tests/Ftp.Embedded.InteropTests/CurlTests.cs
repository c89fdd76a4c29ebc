namespace Ftp.Embedded.InteropTests;

public sealed class CurlTests(InteropServer server) : IClassFixture<InteropServer>
{
    private static Task<Client.Result> Curl(params string[] arguments)
        => Client.RunAsync("curl", ["--silent", "--show-error", "--max-time", "60", "-u", "alice:secret", .. arguments]);

    [Theory]
    [InlineData("epsv")]
    [InlineData("pasv")]
    [InlineData("eprt")]
    [InlineData("port")]
    public async Task Lists_downloads_and_uploads(string mode)
    {
        var modeArgs = mode switch
        {
            "pasv" => new[] { "--disable-epsv" },
            "eprt" => ["--ftp-port", "127.0.0.1"],
            "port" => ["--ftp-port", "127.0.0.1", "--disable-eprt"],
            _ => [],
        };
        var dir = server.NewLocalDirectory();
        var content = Client.RandomBytes(3 * 1024 * 1024 + 11, mode.Length);
        var name = $"curl-{mode}.bin";
        await File.WriteAllBytesAsync(Path.Combine(dir, "up.bin"), content);

        (await Curl([.. modeArgs, "-T", Path.Combine(dir, "up.bin"), $"{server.Url}/{name}"])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, name))).Should().Equal(content);

        (await Curl([.. modeArgs, "-o", Path.Combine(dir, "down.bin"), $"{server.Url}/{name}"])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(dir, "down.bin"))).Should().Equal(content);

        var list = (await Curl([.. modeArgs, $"{server.Url}/"])).ShouldSucceed();
        list.Output.Should().MatchRegex($@"-rw-r--r-- +1 ftp +ftp +{content.Length} \w{{3}} \d\d \d\d:\d\d {name}");

        var names = (await Curl([.. modeArgs, "--list-only", $"{server.Url}/"])).ShouldSucceed();
        names.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Should().Contain(name);
    }

    [Fact]
    public async Task Resumes_a_download_and_an_upload()
    {
        var dir = server.NewLocalDirectory();
        var content = Client.RandomBytes(2 * 1024 * 1024, 99);
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "resume.bin"), content);
        await File.WriteAllBytesAsync(Path.Combine(dir, "partial.bin"), content[..700_000]);
        (await Curl("-C", "-", "-o", Path.Combine(dir, "partial.bin"), $"{server.Url}/resume.bin")).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(dir, "partial.bin"))).Should().Equal(content);

        await File.WriteAllBytesAsync(Path.Combine(server.Home, "resume-up.bin"), content[..1_000_000]);
        await File.WriteAllBytesAsync(Path.Combine(dir, "full.bin"), content);
        (await Curl("-C", "-", "-T", Path.Combine(dir, "full.bin"), $"{server.Url}/resume-up.bin")).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "resume-up.bin"))).Should().Equal(content);
    }

    [Fact]
    public async Task Anonymous_can_download_but_not_upload()
    {
        var dir = server.NewLocalDirectory();
        var ok = await Client.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", $"{server.Url}/readme.txt"]);
        ok.ShouldSucceed().Output.Should().Be("Welcome.\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "x.txt"), "x");
        var denied = await Client.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", "-T", Path.Combine(dir, "x.txt"), $"{server.Url}/x.txt"]);
        denied.ExitCode.Should().NotBe(0);
        denied.Error.Should().Contain("550");
        File.Exists(Path.Combine(server.Root, "pub", "x.txt")).Should().BeFalse();
    }

    [Fact]
    public async Task Wrong_password_fails_with_530()
    {
        var result = await Client.RunAsync("curl", ["--silent", "--show-error", "--max-time", "30", "-u", "alice:wrong", $"{server.Url}/"]);
        result.ExitCode.Should().Be(67, "curl exits 67 when the login is denied");
    }
}
