// The smallest embedding: no host, no DI. Anonymous read-only FTP over an in-memory tree until Enter (or end of input).
using System.Net;
using Ftp.Embedded;
using Microsoft.Extensions.Options;

var files = new InMemoryFileSystem();
await using (var readme = await files.OpenWriteAsync("/readme.txt", FtpWriteMode.Create, 0, CancellationToken.None))
{
    await readme.WriteAsync("Hello from Ftp.Embedded.\n"u8.ToArray());
}

var options = new FtpServerOptions();
options.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2121));
var anonymous = new AnonymousAuthenticator(Options.Create(new FtpAnonymousOptions { HomeDirectory = "/" }));

await using var server = FtpServer.Create(options, new InMemoryFileSystemProvider(files), [anonymous]);
await server.StartAsync(CancellationToken.None);
Console.WriteLine($"Anonymous FTP on ftp://{server.EndPoints[0]}/ - press Enter to stop.");
Console.ReadLine();
