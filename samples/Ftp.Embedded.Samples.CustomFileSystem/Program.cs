using System.Net;
using Ftp.Embedded;
using Ftp.Embedded.Samples.CustomFileSystem;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var database = args.Length > 0 ? args[0] : "ftp-files.db";
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2121;
using var host = CustomFileSystemSample.Build($"Data Source={database}", port);
await host.StartAsync();
Console.WriteLine($"FTP on {host.Services.GetRequiredService<FtpServer>().EndPoints[0]} storing files in {Path.GetFullPath(database)}; log in as alice/alice-pw. Ctrl+C stops.");
await host.WaitForShutdownAsync();

namespace Ftp.Embedded.Samples.CustomFileSystem
{
    public static class CustomFileSystemSample
    {
        public static IHost Build(string connectionString, int port)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSingleton(new SqliteFileSystemProvider(connectionString));
            builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, port)))
                .UseFileSystem<SqliteFileSystemProvider>()
                .AddLocalUsers(u => u.Add("alice", FtpPasswordHasher.Hash("alice-pw"), home: "/home/alice"));
            return builder.Build();
        }
    }
}
