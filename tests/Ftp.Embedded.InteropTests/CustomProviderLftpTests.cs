using System.Net;

namespace Ftp.Embedded.InteropTests;

/// <summary>lftp against a provider of the application's own, as the library is meant to be used.</summary>
public sealed class CustomProviderLftpTests
{
    [Fact]
    public async Task Mirror_R_onto_a_custom_provider_keeps_modification_times()
    {
        var tree = new InMemoryFileSystem();
        await tree.CreateDirectoryAsync("/home", default);
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        var users = new FtpLocalUserOptions().Add("alice", FtpPasswordHasher.Hash("secret"), "/home/alice");
        await using var server = FtpServer.Create(options, new ApplicationProvider(tree),
            [new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users))]);
        await server.StartAsync(default);

        var source = Directory.CreateTempSubdirectory("ftp-mirror-").FullName;
        try
        {
            var times = new Dictionary<string, DateTime>();
            for (var i = 0; i < 3; i++)
            {
                var file = Path.Combine(source, $"f{i}.txt");
                await File.WriteAllTextAsync(file, $"content {i}");
                var time = new DateTime(2021, 3, 4 + i, 5, 6, 7, DateTimeKind.Utc);
                File.SetLastWriteTimeUtc(file, time);
                times[$"f{i}.txt"] = time;
            }

            (await Client.RunAsync("lftp",
            [
                "-c",
                "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 20; set ftp:ssl-allow no; " +
                $"open -u alice,secret -p {server.EndPoints[0].Port} 127.0.0.1; mirror -R {source} /up",
            ])).ShouldSucceed();

            foreach (var (name, time) in times)
            {
                var info = await tree.GetInfoAsync($"/home/alice/up/{name}", default);
                info.Should().NotBeNull(name);
                info!.LastWriteTime.UtcDateTime.Should().Be(time, $"lftp sets {name}'s time with MFMT, which FEAT announced before login");
            }
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    /// <summary>The application's own provider type: the engine knows it only through the seam.</summary>
    private sealed class ApplicationProvider(InMemoryFileSystem tree) : IFtpFileSystemProvider
    {
        public FtpFileSystemCapabilities Capabilities => FtpFileSystemCapabilities.ModificationTime;

        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => ValueTask.FromResult<IFtpFileSystem>(tree.GetSubtree(user.HomeDirectory));
    }
}
