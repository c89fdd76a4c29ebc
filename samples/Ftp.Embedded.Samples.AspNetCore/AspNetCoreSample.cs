using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ftp.Embedded.Samples.AspNetCore;

/// <summary>The FTP server inside an ASP.NET Core app: one DI container, one process, a status endpoint beside it.</summary>
public static class AspNetCoreSample
{
    public static WebApplication Build(string[] args, int ftpPort, string httpUrl)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls(httpUrl);
        var uploads = new UploadLog();
        builder.Services.AddSingleton(uploads);
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, ftpPort)))
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
