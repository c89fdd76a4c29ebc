using System.Net;

namespace Ftp.Embedded.InteropTests;

/// <summary>The same server with a self-signed certificate, AUTH TLS on the main endpoint and implicit FTPS on a second one.</summary>
public sealed class TlsInteropServer : InteropServer
{
    public int ImplicitPort => Server.EndPoints[1].Port;

    protected override void Configure(FtpServerOptions options)
    {
        options.Tls.Certificate = Ftp.Embedded.Samples.Server.SelfSignedCertificate.Create();
        options.Tls.ImplicitEndpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
    }
}

public sealed class TlsInteropTests(TlsInteropServer server) : IClassFixture<TlsInteropServer>
{
    // Passive only: curl 7.88 (Debian 12) never starts TLS on an active data connection it accepted (it logs
    // "sa_addr inet_ntop() failed with errno 97" and sends in clear); lftp and ftplib cover active FTPS below.
    [Theory]
    [InlineData("explicit", false)]
    [InlineData("implicit", false)]
    public async Task Curl_uploads_lists_and_downloads_over_FTPS(string mode, bool active)
    {
        var url = mode == "implicit" ? $"ftps://127.0.0.1:{server.ImplicitPort}" : server.Url;
        string[] common = ["--silent", "--show-error", "--max-time", "60", "--insecure", "-u", "alice:secret", .. (mode == "explicit" ? new[] { "--ssl-reqd" } : []),
            .. (active ? new[] { "--ftp-port", "127.0.0.1" } : [])];
        var dir = server.NewLocalDirectory();
        var content = Client.RandomBytes(2 * 1024 * 1024 + 9, mode.Length + (active ? 1 : 0));
        var name = $"curl-tls-{mode}-{active}.bin";
        await File.WriteAllBytesAsync(Path.Combine(dir, "up.bin"), content);

        (await Client.RunAsync("curl", [.. common, "-T", Path.Combine(dir, "up.bin"), $"{url}/{name}"])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, name))).Should().Equal(content);
        (await Client.RunAsync("curl", [.. common, "-o", Path.Combine(dir, "down.bin"), $"{url}/{name}"])).ShouldSucceed();
        (await File.ReadAllBytesAsync(Path.Combine(dir, "down.bin"))).Should().Equal(content);
        (await Client.RunAsync("curl", [.. common, $"{url}/"])).ShouldSucceed().Output.Should().Contain(name);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Lftp_mirrors_over_FTPS(bool passive)
    {
        var source = server.NewLocalDirectory();
        for (var i = 0; i < 5; i++)
        {
            Directory.CreateDirectory(Path.Combine(source, "sub"));
            await File.WriteAllBytesAsync(Path.Combine(source, i % 2 == 0 ? "" : "sub", $"f{i}.bin"), Client.RandomBytes(50_000 * i, i));
        }

        var remote = passive ? "tls-passive" : "tls-active";
        var settings = $"set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-force true; set ftp:ssl-protect-data true; " +
                       $"set ssl:verify-certificate no; set ftp:passive-mode {(passive ? "on" : "off")}; open -u alice,secret -p {server.Port} 127.0.0.1";
        (await Client.RunAsync("lftp", ["-c", $"{settings}; mkdir {remote}; mirror -R {source} {remote}"])).ShouldSucceed();
        var target = server.NewLocalDirectory();
        (await Client.RunAsync("lftp", ["-c", $"{settings}; mirror {remote} {target}"])).ShouldSucceed();
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            (await File.ReadAllBytesAsync(Path.Combine(target, relative))).Should().Equal(await File.ReadAllBytesAsync(file), relative);
            (await File.ReadAllBytesAsync(Path.Combine(server.Home, remote, relative))).Should().Equal(await File.ReadAllBytesAsync(file), relative);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Python_FTP_TLS_with_prot_p_round_trips(bool passive)
    {
        var script = $$"""
            import ftplib, io, random, ssl
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            ftp = ftplib.FTP_TLS(context=context)
            ftp.connect("127.0.0.1", {{server.Port}}, timeout=30)
            ftp.login("alice", "secret")
            ftp.prot_p()
            ftp.set_pasv({{(passive ? "True" : "False")}})
            for size in (0, 1, 700000):
                data = random.Random(size).randbytes(size)
                name = "py-tls-%d-{{passive}}.bin" % size
                ftp.storbinary("STOR " + name, io.BytesIO(data))
                out = io.BytesIO()
                ftp.retrbinary("RETR " + name, out.write)
                assert out.getvalue() == data, name
            assert "py-tls-1-{{passive}}.bin" in ftp.nlst()
            ftp.quit()
            print("ok")
            """;
        var result = (await Client.RunAsync("python3", ["-c", script])).ShouldSucceed();
        result.Output.Trim().Should().Be("ok");
        (await File.ReadAllBytesAsync(Path.Combine(server.Home, $"py-tls-700000-{passive}.bin"))).Should().HaveCount(700000);
    }
}
