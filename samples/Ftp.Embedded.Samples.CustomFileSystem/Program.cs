using System.Net;
using Ftp.Embedded;
using Ftp.Embedded.Samples.CustomFileSystem;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var database = CustomFileSystemSample.DatabasePath(args);
var port = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2121;
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(database))!);
using var host = CustomFileSystemSample.Build($"Data Source={database}", port);
await host.StartAsync();
Console.WriteLine($"FTP on {host.Services.GetRequiredService<FtpServer>().EndPoints[0]} storing files in {Path.GetFullPath(database)}; log in as alice/alice-pw. Ctrl+C stops.");
await host.WaitForShutdownAsync();

namespace Ftp.Embedded.Samples.CustomFileSystem
{
    public static class CustomFileSystemSample
    {
        /// <summary>The sample's data folder, relative to the working directory; .gitignore lists it.</summary>
        public const string DataFolder = "ftp-data";

        /// <summary>The database file: the first argument, or files.db in <see cref="DataFolder"/>.</summary>
        public static string DatabasePath(string[] args) => args.Length > 0 ? args[0] : Path.Combine(DataFolder, "files.db");

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
