using System.Diagnostics;
using System.Globalization;

namespace Ftp.Embedded.InteropTests;

/// <summary>The interop server with server-wide rate limits of 256 KiB/s each way.</summary>
public sealed class RateLimitedServer : InteropServer
{
    public const int Rate = 256 * 1024;

    protected override void Configure(FtpServerOptions options)
    {
        options.Limits.MaxDownloadRate = Rate;
        options.Limits.MaxUploadRate = Rate;
    }
}

/// <summary>
/// Real clients through a rate-limited server: files arrive byte-exact, and a 768 KiB transfer at 256 KiB/s takes more
/// than 2 s (about 2.9 s: the bucket starts with a tenth of a second's worth) and is not faster than the limit allows.
/// Downloads come from disk, so they take the sendfile path in slices.
/// </summary>
public sealed class RateLimitTests(RateLimitedServer server) : IClassFixture<RateLimitedServer>
{
    private const int Size = 3 * RateLimitedServer.Rate;

    [Fact]
    public async Task Curl_downloads_and_uploads_byte_exact_at_the_limit()
    {
        var dir = server.NewLocalDirectory();
        var content = Client.RandomBytes(Size, 5);
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "limited.bin"), content);

        var clock = Stopwatch.StartNew();
        var down = (await Curl("-o", Path.Combine(dir, "down.bin"), "-w", "%{speed_download}", $"{server.Url}/limited.bin")).ShouldSucceed();
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2));
        double.Parse(down.Output, CultureInfo.InvariantCulture).Should().BeLessThan(RateLimitedServer.Rate * 1.25);
        (await File.ReadAllBytesAsync(Path.Combine(dir, "down.bin"))).Should().Equal(content);

        await File.WriteAllBytesAsync(Path.Combine(dir, "up.bin"), content);
        clock.Restart();
        var up = (await Curl("-T", Path.Combine(dir, "up.bin"), "-w", "%{speed_upload}", $"{server.Url}/limited-up.bin")).ShouldSucceed();
        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2));
        double.Parse(up.Output, CultureInfo.InvariantCulture).Should().BeLessThan(RateLimitedServer.Rate * 1.25);
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, "limited-up.bin"))).Should().Equal(content);
    }

    [Fact]
    public async Task Lftp_downloads_byte_exact_at_the_limit()
    {
        var dir = server.NewLocalDirectory();
        var content = Client.RandomBytes(Size, 6);
        await File.WriteAllBytesAsync(Path.Combine(server.Home, "limited-lftp.bin"), content);

        var clock = Stopwatch.StartNew();
        (await Client.RunAsync("lftp",
        [
            "-c",
            "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; " +
            $"open -u alice,secret -p {server.Port} 127.0.0.1; get limited-lftp.bin -o {Path.Combine(dir, "lftp.bin")}",
        ])).ShouldSucceed();

        clock.Elapsed.Should().BeGreaterThan(TimeSpan.FromSeconds(2));
        (await File.ReadAllBytesAsync(Path.Combine(dir, "lftp.bin"))).Should().Equal(content);
    }

    private static Task<Client.Result> Curl(params string[] arguments)
        => Client.RunAsync("curl", ["--silent", "--show-error", "--max-time", "60", "-u", "alice:secret", .. arguments]);
}
