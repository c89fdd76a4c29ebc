// The FTP server in a generic host with OpenTelemetry: the Ftp.Embedded meter and activity source exported to the
// console (swap AddConsoleExporter for AddOtlpExporter to send them to a collector). Runs until Enter, end of input or Ctrl+C.
using System.Net;
using Ftp.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2121;

var files = new InMemoryFileSystem();
await using (var readme = await files.OpenWriteAsync("/readme.txt", FtpWriteMode.Create, 0, CancellationToken.None))
{
    await readme.WriteAsync("Hello from Ftp.Embedded, with telemetry.\n"u8.ToArray());
}

var builder = Host.CreateApplicationBuilder();
builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, port)))
    .UseInMemoryFileSystem(files)
    .AddAnonymous(a => a.HomeDirectory = "/")
    .AddLocalUsers(u => u.Add("alice", FtpPasswordHasher.Hash("alice-pw"), home: "/"));

// The host registers an IMeterFactory; the server creates its meter through it, and OpenTelemetry listens by name.
builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("ftp-embedded-sample"))
    .WithTracing(tracing => tracing
        .AddSource(FtpTelemetry.ActivitySourceName)
        .AddConsoleExporter())
    .WithMetrics(metrics => metrics
        .AddMeter(FtpTelemetry.MeterName)
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 30_000));

using var host = builder.Build();
await host.StartAsync();
var server = host.Services.GetRequiredService<FtpServer>();
Console.WriteLine($"FTP on ftp://{server.EndPoints[0]}/ (alice / alice-pw, or anonymous) - press Enter to stop.");

var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
await Task.WhenAny(Task.Run(Console.ReadLine), Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping));
await host.StopAsync();
// Disposing the host flushes the exporters: the last metrics are printed on the way out.
