using System.Net;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ftp.Embedded.FunctionalTests;

public sealed class HostingTests
{
    [Fact]
    public async Task AddFtpServer_runs_a_server_with_the_generic_host()
    {
        var fileSystem = new InMemoryFileSystem();
        await fileSystem.CreateDirectoryAsync("/pub", default);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)))
            .UseInMemoryFileSystem(fileSystem)
            .AddAnonymous()
            .AddLocalUsers(u => u.Add("carol", FtpPasswordHasher.Hash("pw"), "/home/carol"));
        builder.Services.AddFtpServer();
        using var host = builder.Build();
        host.Services.GetServices<IHostedService>().Should().ContainSingle(s => s.GetType().Name == "FtpHostedService");
        await host.StartAsync();
        var server = host.Services.GetRequiredService<FtpServer>();
        await using (var client = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "carol", "pw"))
        {
            await client.ExpectAsync("MKD made-by-carol", 257);
        }

        (await fileSystem.GetInfoAsync("/home/carol/made-by-carol", default)).Should().NotBeNull();
        await using (var anonymous = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "anonymous", "x@y"))
        {
            await anonymous.ExpectAsync("MKD nope", 550);
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Missing_filesystem_registration_fails_with_a_clear_message()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)));
        using var host = builder.Build();
        var start = async () => await host.StartAsync();
        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*UsePhysicalFileSystem*");
    }

    [Fact]
    public async Task Options_without_endpoints_fail_on_start_with_what_to_fix()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFtpServer().UseInMemoryFileSystem();
        using var host = builder.Build();
        var start = async () => await host.StartAsync();
        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>()).WithMessage("*Endpoints*");
    }

    [Fact]
    public async Task A_server_without_an_authenticator_warns_at_start_that_nobody_can_log_in()
    {
        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0))).UseInMemoryFileSystem();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            logs.Entries.Should().ContainSingle(e => e.EventId.Id == 60).Which.Should().Match<CapturedLog>(e =>
                e.Level == LogLevel.Warning && e.Message.StartsWith("No authenticator is registered: nobody can log in.", StringComparison.Ordinal));
        }
        finally
        {
            await host.StopAsync();
        }

        // With an authenticator there is no such warning.
        var quiet = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(loggerFactory: quiet.CreateFactory());
        quiet.CountOf(60).Should().Be(0);
    }
}
