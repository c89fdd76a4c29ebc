// SITE commands of the application's own, beside the built-in SITE CHMOD, SITE UTIME and SITE HELP.
using System.Net;
using Ftp.Embedded;
using Ftp.Embedded.Samples.SiteCommands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2121;
using var host = SiteCommandsSample.Build(port);
await host.StartAsync();
Console.WriteLine($"FTP on {host.Services.GetRequiredService<FtpServer>().EndPoints[0]}: alice/alice-pw. Try SITE HELP, SITE WHOAMI, " +
                  "SITE DU [<path>]. Ctrl+C stops.");
await host.WaitForShutdownAsync();

namespace Ftp.Embedded.Samples.SiteCommands
{
    public static class SiteCommandsSample
    {
        public static IHost Build(int port)
        {
            var builder = Host.CreateApplicationBuilder();
            var files = new InMemoryFileSystem();
            builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, port)))
                .UseInMemoryFileSystem(files)
                .AddLocalUsers(u => u.Add("alice", FtpPasswordHasher.Hash("alice-pw"), "/alice"))
                // SITE WHOAMI: who the session is logged in as, where, and with which rights.
                .AddSiteCommand("WHOAMI", (site, ct) => ValueTask.FromResult(FtpSiteReply.Ok(
                    $"{site.UserName} in {site.CurrentDirectory}\nPermissions: {site.User.Permissions}\nFrom: {site.Session.RemoteEndPoint.Address}")))
                // SITE DU [path]: bytes below a directory of the user's tree. The argument is client text: it is checked
                // against the user's home here, as the engine checks nothing but the login.
                .AddSiteCommand("DU", (site, ct) => DiskUsageAsync(files, site, ct), syntax: "DU [<path>]");
            return builder.Build();
        }

        private static async ValueTask<FtpSiteReply> DiskUsageAsync(InMemoryFileSystem files, FtpSiteCommandContext site, CancellationToken cancellationToken)
        {
            var relative = site.Argument.Trim();
            if (relative.Contains("..", StringComparison.Ordinal) || relative.Contains('\\', StringComparison.Ordinal))
            {
                return FtpSiteReply.Create(501, "DU takes a path without '..'.");
            }

            var virtualPath = relative.StartsWith('/') ? relative : $"{site.CurrentDirectory.TrimEnd('/')}/{relative}".TrimEnd('/');
            var home = site.User.HomeDirectory.TrimEnd('/');
            var full = home + (virtualPath.Length == 0 ? "" : virtualPath);
            if (await files.GetInfoAsync(full.Length == 0 ? "/" : full, cancellationToken) is not { IsDirectory: true })
            {
                return FtpSiteReply.Create(550, "No such directory.");
            }

            var bytes = await SumAsync(files, full.Length == 0 ? "/" : full, cancellationToken);
            return FtpSiteReply.Ok($"{bytes} bytes in {(virtualPath.Length == 0 ? "/" : virtualPath)}");
        }

        private static async Task<long> SumAsync(InMemoryFileSystem files, string directory, CancellationToken cancellationToken)
        {
            long total = 0;
            await foreach (var entry in files.ListAsync(directory, cancellationToken))
            {
                var path = directory.TrimEnd('/') + "/" + entry.Name;
                total += entry.IsDirectory ? await SumAsync(files, path, cancellationToken) : entry.Length;
            }

            return total;
        }
    }
}
