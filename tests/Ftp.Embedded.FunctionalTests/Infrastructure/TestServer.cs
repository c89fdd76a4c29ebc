using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>A real server on 127.0.0.1 and a free port, over the in-memory filesystem, with alice/secret and anonymous.</summary>
public sealed class TestServer : IAsyncDisposable
{
    // Hashing is slow on purpose; hash the test passwords once for the whole run.
    private static readonly Lazy<string> AliceHash = new(() => FtpPasswordHasher.Hash("secret"));
    private static readonly Lazy<string> BobHash = new(() => FtpPasswordHasher.Hash("hunter2"));

    private TestServer(FtpServer server, InMemoryFileSystem fileSystem, FtpServerOptions options)
    {
        Server = server;
        FileSystem = fileSystem;
        Options = options;
    }

    public FtpServer Server { get; }

    public InMemoryFileSystem FileSystem { get; }

    public FtpServerOptions Options { get; }

    public int Port => Server.EndPoints[0].Port;

    public static async Task<TestServer> StartAsync(
        Action<FtpServerOptions>? configure = null,
        TimeProvider? timeProvider = null,
        Action<FtpAnonymousOptions>? anonymous = null,
        IFtpFileSystemProvider? fileSystemProvider = null,
        IEnumerable<IFtpAuthenticator>? extraAuthenticators = null,
        IMeterFactory? meterFactory = null,
        ILoggerFactory? loggerFactory = null,
        IFtpQuota? quota = null,
        IReadOnlyList<TestSiteCommand>? siteCommands = null)
    {
        var options = new FtpServerOptions();
        options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        options.Limits.FailedLoginDelay = TimeSpan.Zero;
        configure?.Invoke(options);

        var anonymousOptions = new FtpAnonymousOptions { HomeDirectory = "/pub" };
        anonymous?.Invoke(anonymousOptions);
        var users = new FtpLocalUserOptions();
        users.Add("alice", AliceHash.Value, "/home/alice");
        users.Add("bob", BobHash.Value, "/home/bob", FtpPermissions.Read);

        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/pub", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home/alice", CancellationToken.None);
        await fileSystem.CreateDirectoryAsync("/home/bob", CancellationToken.None);

        var authenticators = new List<IFtpAuthenticator>
        {
            new AnonymousAuthenticator(Microsoft.Extensions.Options.Options.Create(anonymousOptions)),
            new LocalUserAuthenticator(Microsoft.Extensions.Options.Options.Create(users)),
        };
        authenticators.AddRange(extraAuthenticators ?? []);
        var provider = fileSystemProvider ?? new InMemoryFileSystemProvider(fileSystem);
        // FtpServer.Create takes no meter factory (hosts pass theirs through AddFtpServer); tests use the same constructor.
        var server = meterFactory is null && siteCommands is null
            ? FtpServer.Create(options, provider, authenticators, loggerFactory: loggerFactory, timeProvider: timeProvider, quota: quota)
            : new FtpServer(new Internal.Hosting.ServerServices(options, provider, authenticators, new DefaultDataChannelPolicy(options))
            {
                LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance,
                TimeProvider = timeProvider ?? TimeProvider.System,
                MeterFactory = meterFactory,
                Quota = quota,
                SiteCommands = siteCommands?.Select(c => new Internal.Commands.SiteCommandRegistration(c.Name, c.Handler, c.Syntax)).ToArray() ?? [],
            });
        await server.StartAsync(CancellationToken.None);
        return new TestServer(server, fileSystem, options);
    }

    public async Task WriteFileAsync(string path, byte[] content)
    {
        await using var stream = await FileSystem.OpenWriteAsync(path, FtpWriteMode.Create, 0, CancellationToken.None);
        await stream.WriteAsync(content);
    }

    public async Task<byte[]?> ReadFileAsync(string path)
    {
        if (await FileSystem.GetInfoAsync(path, CancellationToken.None) is null)
        {
            return null;
        }

        await using var stream = await FileSystem.OpenReadAsync(path, 0, CancellationToken.None);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    public Task<FtpTestClient> LoginAsync(string user = "alice", string password = "secret") => FtpTestClient.LoginAsync(Port, user, password);

    public Task<FtpTestClient> ConnectAsync() => FtpTestClient.ConnectAsync(Port);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>An application SITE command, as <c>AddSiteCommand</c> registers it.</summary>
public sealed record TestSiteCommand(string Name, Func<FtpSiteCommandContext, CancellationToken, ValueTask<FtpSiteReply>> Handler, string? Syntax);

/// <summary>Advances a fake clock until <paramref name="condition"/> holds, for heartbeat-driven deadlines.</summary>
public static class FakeClock
{
    /// <remarks>
    /// Between steps the server's threads get a moment to act on the tick (a session may still be finishing the
    /// previous command, when deadlines are not checked); the loop ends on the condition, not on a duration.
    /// </remarks>
    public static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition, int maxSteps = 100)
    {
        for (var i = 0; i < maxSteps * 3 && !condition(); i++)
        {
            time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }
    }
}
