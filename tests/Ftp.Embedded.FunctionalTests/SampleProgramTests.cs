using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Ftp.Embedded.Samples.CustomAuthentication;
using Ftp.Embedded.Samples.CustomFileSystem;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Runs each sample's own code: the minimal program as a process, the others through the host they build.</summary>
public sealed partial class SampleProgramTests
{
    [Fact]
    public async Task The_minimal_program_serves_its_readme_anonymously()
    {
        // Run it from its own build output, with its own dependencies, as `dotnet run` would.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testOutput.Parent!.Name;
        var repository = testOutput;
        while (!File.Exists(Path.Combine(repository.FullName, "Ftp.Embedded.sln")))
        {
            repository = repository.Parent!;
        }

        var dll = Path.Combine(repository.FullName, "samples", "Ftp.Embedded.Samples.Minimal", "bin", configuration, testOutput.Name, "Ftp.Embedded.Samples.Minimal.dll");
        File.Exists(dll).Should().BeTrue(dll);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("0");
        using var process = Process.Start(info)!;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            var port = int.Parse(Endpoint().Match(line!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            await using var client = await FtpTestClient.LoginAsync(port, "anonymous", "guest@");
            await client.ExpectAsync("TYPE I", 200);
            (await client.RetrieveAsync("RETR readme.txt")).Should().Equal("Hello from Ftp.Embedded.\n"u8.ToArray());
            await client.ExpectAsync("DELE readme.txt", 550);
            await client.ExpectAsync("QUIT", 221);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            process.ExitCode.Should().Be(0);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Custom_authentication_gives_each_account_its_root_permissions_and_data_rights()
    {
        using var host = CustomAuthenticationSample.Build(0);
        await host.StartAsync();
        try
        {
            var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            await using (var alice = await FtpTestClient.LoginAsync(port, "alice", "alice-pw"))
            {
                await alice.ExpectAsync("TYPE I", 200);
                await alice.StoreAsync("STOR a.txt", "alice's"u8.ToArray());
                await alice.ExpectAsync($"PORT 127,0,0,1,{51210 >> 8},{51210 & 255}", 200);
            }

            await using (var bob = await FtpTestClient.LoginAsync(port, "bob", "bob-pw"))
            {
                (await bob.ListAsync("NLST")).Should().BeEmpty("bob's root is his own");
                await bob.ExpectAsync("MKD x", 550);
                await bob.ExpectAsync($"PORT 127,0,0,1,{51210 >> 8},{51210 & 255}", 504);
                await bob.ExpectAsync("EPSV", 229);
            }

            await using var carol = await FtpTestClient.ConnectAsync(port);
            await carol.ExpectAsync("USER carol", 331);
            await carol.ExpectAsync("PASS carol-pw", 530);
            await carol.ExpectAsync("USER alice", 331);
            await carol.ExpectAsync("PASS wrong", 530);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_SQLite_filesystem_stores_lists_renames_and_maps_errors()
    {
        var database = Path.Combine(Path.GetTempPath(), $"ftp-sample-{Guid.NewGuid():N}.db");
        try
        {
            using var host = CustomFileSystemSample.Build($"Data Source={database};Pooling=False", 0);
            await host.StartAsync();
            try
            {
                var port = host.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
                await using var client = await FtpTestClient.LoginAsync(port, "alice", "alice-pw");
                var content = TransferTests.RandomBytes(300_000, 11);
                await client.ExpectAsync("TYPE I", 200);
                await client.ExpectAsync("MKD docs", 257);
                await client.StoreAsync("STOR docs/data.bin", content);
                TransferTests.SameBytes(await client.RetrieveAsync("RETR docs/data.bin"), content);
                await client.ExpectAsync("REST 100000", 350);
                TransferTests.SameBytes(await client.RetrieveAsync("RETR docs/data.bin"), content[100_000..]);
                await client.StoreAsync("APPE docs/data.bin", "tail"u8.ToArray());
                (await client.ExpectAsync("SIZE docs/data.bin", 213)).Text.Should().Be("300004");
                (await client.ListAsync("MLSD docs")).Should().Contain("type=file;size=300004;");
                await client.ExpectAsync("MFMT 20200102030405 docs/data.bin", 213);
                (await client.ExpectAsync("MDTM docs/data.bin", 213)).Text.Should().Be("20200102030405");
                await client.ExpectAsync("RNFR docs", 350);
                await client.ExpectAsync("RNTO papers", 250);
                (await client.ExpectAsync("SIZE papers/data.bin", 213)).Text.Should().Be("300004");
                await client.ExpectAsync("RMD papers", 550);
                await client.ExpectAsync("DELE papers/data.bin", 250);
                await client.ExpectAsync("RMD papers", 250);
                await client.ExpectAsync("CWD missing", 550);
                await client.ExpectAsync("DELE missing", 550);

                // The application's own rule, thrown as FtpException, reaches the client as its reply code.
                using var data = await client.OpenPassiveAsync();
                await client.ExpectAsync("STOR huge.bin", 150);
                try
                {
                    await FtpTestClient.SendAllAsync(data, new byte[SqliteFileSystem.MaxFileSize + 1]);
                }
                catch (SocketException)
                {
                }
                catch (OperationCanceledException)
                {
                }

                data.Close();
                (await client.ExpectAsync(552)).Text.Should().Contain("limited to 64 MiB");
                (await client.ListAsync("NLST")).Should().BeEmpty();
            }
            finally
            {
                await host.StopAsync();
            }
        }
        finally
        {
            File.Delete(database);
        }
    }

    [Fact]
    public void The_SQLite_sample_keeps_its_database_in_a_data_folder_that_git_ignores()
    {
        var path = CustomFileSystemSample.DatabasePath([]);
        path.Should().Be(Path.Combine("ftp-data", "files.db"));
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository.FullName, "Ftp.Embedded.sln")))
        {
            repository = repository.Parent!;
        }

        File.ReadAllLines(Path.Combine(repository.FullName, ".gitignore")).Should().Contain(CustomFileSystemSample.DataFolder + "/");
        CustomFileSystemSample.DatabasePath(["mine.db"]).Should().Be("mine.db");
    }

    [Fact]
    public async Task The_ASP_NET_Core_app_shares_its_container_with_the_FTP_server()
    {
        await using var app = Ftp.Embedded.Samples.AspNetCore.AspNetCoreSample.Build(["--Ftp:Endpoints:0", "127.0.0.1:0", "--urls=http://127.0.0.1:0"]);
        await app.StartAsync();
        try
        {
            var ftpPort = app.Services.GetRequiredService<FtpServer>().EndPoints[0].Port;
            await using (var client = await FtpTestClient.LoginAsync(ftpPort, "alice", "alice-pw"))
            {
                await client.ExpectAsync("TYPE I", 200);
                await client.StoreAsync("STOR report.csv", "a,b\n"u8.ToArray());
            }

            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(15) };
            var status = await http.GetStringAsync(new Uri("/status", UriKind.Relative));
            status.Should().Contain($"127.0.0.1:{ftpPort}").And.Contain("\"path\":\"/report.csv\"").And.Contain("\"bytes\":4");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task The_ASP_NET_Core_app_takes_its_ports_from_configuration_with_defaults()
    {
        await using (var configured = Ftp.Embedded.Samples.AspNetCore.AspNetCoreSample.Build(["--Ftp:Endpoints:0=127.0.0.1:2122", "--urls", "http://127.0.0.1:8080"]))
        {
            configured.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FtpServerOptions>>().Value.Endpoints.Should().Equal(IPEndPoint.Parse("127.0.0.1:2122"));
            configured.Configuration["urls"].Should().Be("http://127.0.0.1:8080");
        }

        await using var defaults = Ftp.Embedded.Samples.AspNetCore.AspNetCoreSample.Build([]);
        defaults.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FtpServerOptions>>().Value.Endpoints.Should().Equal(IPEndPoint.Parse("127.0.0.1:2121"));
        defaults.Configuration["urls"].Should().Be("http://127.0.0.1:5080");
    }

    [GeneratedRegex(@"ftp://[^:]+:(\d+)/")]
    private static partial Regex Endpoint();
}
