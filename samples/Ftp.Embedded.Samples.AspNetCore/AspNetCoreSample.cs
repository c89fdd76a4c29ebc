using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.Samples.AspNetCore;

/// <summary>The FTP server inside an ASP.NET Core app: one DI container, one process, a status endpoint beside it.</summary>
public static class AspNetCoreSample
{
    /// <summary>Where FTP listens when <c>Ftp:Endpoints</c> is not configured.</summary>
    public static readonly IPEndPoint DefaultFtpEndPoint = new(IPAddress.Loopback, 2121);

    /// <summary>Where HTTP listens when ASP.NET Core's <c>urls</c> (or <c>http_ports</c>, <c>Kestrel:Endpoints</c>) is not configured.</summary>
    public const string DefaultHttpUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Builds the app. Both ports come from configuration, so appsettings.json, environment variables
    /// (<c>Ftp__Endpoints__0=0.0.0.0:21</c>, <c>ASPNETCORE_URLS</c>) and the command line
    /// (<c>--Ftp:Endpoints:0 127.0.0.1:2122 --urls http://127.0.0.1:8080</c>) all set them.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]) && string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
            && string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultHttpUrl);
        }

        var uploads = new UploadLog();
        builder.Services.AddSingleton(uploads);
        // Configuration (Ftp:Endpoints) is applied before this code, which only fills in the default.
        builder.Services.AddFtpServer(o =>
            {
                if (o.Endpoints.Count == 0)
                {
                    o.Endpoints.Add(DefaultFtpEndPoint);
                }
            })
            .UseInMemoryFileSystem()
            .AddLocalUsers(u => u.Add("alice", FtpPasswordHasher.Hash("alice-pw"), home: "/home/alice"));

        var app = builder.Build();
        var ftp = app.Services.GetRequiredService<FtpServer>();
        // The application reacts to uploads as they complete, through the same container.
        ftp.Events.TransferEnded += (_, e) =>
        {
            if (e is { Direction: FtpTransferDirection.Upload, Completed: true })
            {
                uploads.Add(e.User.Name, e.Path, e.Bytes);
            }
        };

        app.MapGet("/status", () => new
        {
            ftpEndpoints = ftp.EndPoints.Select(e => e.ToString()),
            activeSessions = ftp.ActiveSessions,
            uploads = uploads.Snapshot(),
        });
        return app;
    }
}

/// <summary>What the web side knows of FTP uploads.</summary>
public sealed class UploadLog
{
    private readonly List<object> _entries = [];

    public void Add(string user, string path, long bytes)
    {
        lock (_entries)
        {
            _entries.Add(new { user, path, bytes });
        }
    }

    public object[] Snapshot()
    {
        lock (_entries)
        {
            return [.. _entries];
        }
    }
}
