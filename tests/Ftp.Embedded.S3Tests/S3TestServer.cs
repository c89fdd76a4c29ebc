using System.Net;
using Ftp.Embedded.S3;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.S3Tests;

/// <summary>A real server on 127.0.0.1 over <see cref="S3FileSystemProvider"/>: user alice (password secret), home /home/alice.</summary>
public sealed class S3TestServer : IAsyncDisposable
{
    public const string Home = "home/alice/";
    private readonly FtpServer _server;

    private S3TestServer(FtpServer server, S3FileSystemProvider provider, string bucket)
    {
        _server = server;
        Provider = provider;
        Bucket = bucket;
    }

    public S3FileSystemProvider Provider { get; }

    public string Bucket { get; }

    public int Port => _server.EndPoints[0].Port;

    /// <summary>Starts a server over <paramref name="options"/>, or over a new bucket of <paramref name="rgw"/>.</summary>
    public static async Task<S3TestServer> StartAsync(RgwFixture rgw, S3FileSystemOptions? options = null, ILoggerFactory? loggerFactory = null, string home = "/home/alice")
    {
        options ??= rgw.Options(await rgw.CreateBucketAsync());
        var provider = new S3FileSystemProvider(options, loggerFactory);
        var serverOptions = new FtpServerOptions();
        serverOptions.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0));
        serverOptions.Limits.FailedLoginDelay = TimeSpan.Zero;
        var server = FtpServer.Create(serverOptions, provider, [new Authenticator(home)]);
        await server.StartAsync(CancellationToken.None);
        return new S3TestServer(server, provider, options.BucketName);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Provider.Dispose();
    }

    private sealed class Authenticator(string home) : IFtpAuthenticator
    {
        public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
            => ValueTask.FromResult(login is { UserName: "alice", Password: "secret" } ? new FtpUser("alice", home, FtpPermissions.All) : null);
    }
}
