using System.Net;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>SITE CHMOD, SITE UTIME, SITE HELP and the application's SITE commands.</summary>
public sealed class SiteCommandTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(siteCommands: [new("whoami", WhoAmI, "WHOAMI [<anything>]")]);
        await _server.WriteFileAsync("/home/alice/a.txt", "alice's"u8.ToArray());
        await _server.WriteFileAsync("/home/bob/b.txt", "bob's"u8.ToArray());
        await _server.WriteFileAsync("/pub/p.txt", "public"u8.ToArray());
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task SITE_CHMOD_sets_the_mode_that_MLST_reports()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("SITE CHMOD 640 a.txt", 200)).Text.Should().Be("Mode of \"/a.txt\" set to 0640.");
        await client.ExpectAsync("OPTS MLST type;unix.mode;", 200);
        (await client.ExpectAsync("MLST a.txt", 250)).Lines[1].Should().Contain("unix.mode=0640;");
        await client.ExpectAsync("MKD dir", 257);
        await client.ExpectAsync("site chmod 0700 dir", 200);
        (await client.ExpectAsync("MLST dir", 250)).Lines[1].Should().Contain("unix.mode=0700;");
        await client.ExpectAsync("SITE CHMOD 4755 a.txt", 501);
        await client.ExpectAsync("SITE CHMOD rwx a.txt", 501);
        await client.ExpectAsync("SITE CHMOD 644", 501);
        (await client.ExpectAsync("SITE CHMOD 644 missing.txt", 550)).Text.Should().Be("No such file or directory.");
        await client.ExpectAsync("SITE CHMOD 644 /", 550);
    }

    [Fact]
    public async Task SITE_CHMOD_is_refused_to_anonymous_and_to_users_without_write_permission()
    {
        await using (var anonymous = await _server.LoginAsync("anonymous", "me@example.com"))
        {
            (await anonymous.ExpectAsync("SITE CHMOD 666 p.txt", 550)).Text.Should().Be("Permission denied: anonymous users cannot change modes.");
        }

        await using (var bob = await _server.LoginAsync("bob", "hunter2"))
        {
            await bob.ExpectAsync("SITE CHMOD 666 b.txt", 550);
            await bob.ExpectAsync("SITE UTIME 20200101000000 b.txt", 550);
        }

        (await _server.FileSystem.GetInfoAsync("/pub/p.txt", default))!.UnixMode.Should().BeNull();
        (await _server.FileSystem.GetInfoAsync("/home/bob/b.txt", default))!.UnixMode.Should().BeNull();
    }

    [Fact]
    public async Task SITE_UTIME_sets_the_modification_time_in_each_form_clients_send()
    {
        await using var client = await _server.LoginAsync();
        (await client.ExpectAsync("SITE UTIME 20240102030405 a.txt", 200)).Text.Should().Be("Modification time of \"/a.txt\" set to 20240102030405.");
        (await client.ExpectAsync("MDTM a.txt", 213)).Text.Should().Be("20240102030405");
        await client.ExpectAsync("SITE UTIME a.txt 20230102030405", 200);
        (await client.ExpectAsync("MDTM a.txt", 213)).Text.Should().Be("20230102030405");
        await client.ExpectAsync("SITE UTIME a.txt 20000101000000 20220102030405 20000101000000 UTC", 200);
        (await client.ExpectAsync("MDTM a.txt", 213)).Text.Should().Be("20220102030405");
        await client.ExpectAsync("SITE UTIME a.txt", 501);
        await client.ExpectAsync("SITE UTIME 20241301000000 a.txt", 501);
        await client.ExpectAsync("SITE UTIME 20240102030405 missing.txt", 550);
    }

    [Fact]
    public async Task SITE_HELP_lists_built_in_and_added_commands_and_unknown_ones_get_502()
    {
        await using var client = await _server.ConnectAsync();
        await client.ExpectAsync("SITE HELP", 530);
        await client.LoginAsync("alice", "secret");
        var help = await client.ExpectAsync("SITE HELP", 214);
        help.Lines.Should().Equal(
            "214-The following SITE commands are recognized:",
            " SITE CHMOD <octal mode> <path>",
            " SITE UTIME <YYYYMMDDhhmmss> <path> | SITE UTIME <path> <YYYYMMDDhhmmss> | SITE UTIME <path> <atime> <mtime> <ctime> UTC",
            " SITE HELP [<command>]",
            " SITE WHOAMI [<anything>]",
            "214 Help okay.");
        (await client.ExpectAsync("SITE HELP chmod", 214)).Text.Should().Be("Syntax: SITE CHMOD <octal mode> <path>");
        await client.ExpectAsync("SITE HELP NOPE", 501);
        (await client.ExpectAsync("SITE NOPE x", 502)).Text.Should().Be("SITE NOPE not understood; SITE HELP lists the SITE commands.");
        await client.ExpectAsync("SITE", 501);
        var all = await client.ExpectAsync("HELP", 214);
        all.All.Should().Contain("SITE");
        all.Text.Should().Be("Help okay; SITE HELP lists the SITE commands.");
        (await client.ExpectAsync("HELP SITE", 214)).Text.Should().Contain("SITE HELP");
    }

    [Fact]
    public async Task A_filesystem_without_the_capabilities_answers_SITE_CHMOD_and_UTIME_with_502_and_does_not_list_them()
    {
        var provider = new PlainFileSystemProvider(_server.FileSystem);
        await using var server = await TestServer.StartAsync(fileSystemProvider: provider);
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("SITE CHMOD 644 a.txt", 502)).Text.Should().Be("SITE CHMOD is not supported by this filesystem.");
        await client.ExpectAsync("SITE UTIME 20240102030405 a.txt", 502);
        (await client.ExpectAsync("SITE HELP", 214)).Lines.Should().Equal("214-The following SITE commands are recognized:", " SITE HELP [<command>]", "214 Help okay.");
    }

    [Fact]
    public async Task AllowSiteChmod_false_answers_SITE_CHMOD_with_502_and_leaves_it_out_of_SITE_HELP()
    {
        await using var server = await TestServer.StartAsync(o => o.AllowSiteChmod = false);
        await server.WriteFileAsync("/home/alice/a.txt", "a"u8.ToArray());
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("SITE CHMOD 600 a.txt", 502)).Text.Should().Be("SITE CHMOD is disabled on this server.");
        (await server.FileSystem.GetInfoAsync("/home/alice/a.txt", default))!.UnixMode.Should().BeNull();
        (await client.ExpectAsync("SITE HELP", 214)).All.Should().NotContain("CHMOD").And.Contain("SITE UTIME");
    }

    [Fact]
    public async Task SITE_CHMOD_on_the_physical_filesystem_changes_the_host_file_mode()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Unix modes only.
        }

        using var root = new ScratchDirectory("site-chmod");
        Directory.CreateDirectory(Path.Combine(root.Path, "home", "alice"));
        var file = root.Write(Path.Combine("home", "alice", "f.txt"), "x");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var server = await TestServer.StartAsync(fileSystemProvider: new PhysicalFileSystemProvider(root.Path));
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("SITE CHMOD 600 f.txt", 200);
        File.GetUnixFileMode(file).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await client.ExpectAsync("OPTS MLST type;unix.mode;", 200);
        (await client.ExpectAsync("MLST f.txt", 250)).Lines[1].Should().Contain("unix.mode=0600;");
        (await client.ExpectAsync("SITE HELP CHMOD", 214)).Code.Should().Be(214);
    }

    [Fact]
    public async Task An_application_command_gets_the_user_and_argument_and_its_reply_cannot_forge_lines()
    {
        await using var server = await TestServer.StartAsync(siteCommands:
        [
            new("WHOAMI", WhoAmI, null),
            new("Multi", (_, _) => ValueTask.FromResult(FtpSiteReply.Create(250, "one\r\n226 forged\nthree\u0007")), null),
            new("Busy", (_, _) => ValueTask.FromResult(FtpSiteReply.Create(450, "try later")), null),
        ]);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("CWD /home", 550);
        (await client.ExpectAsync("SITE whoami  hello  world", 200)).Text.Should().Be("alice in / says 'hello  world'");
        (await client.ExpectAsync("SITE MULTI", 250)).Lines.Should().Equal("250-one", " 226 forged", "250 three?");
        (await client.ExpectAsync("SITE busy", 450)).Text.Should().Be("try later");
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_failing_or_late_application_command_is_answered_451_and_logged_and_the_session_goes_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        var ignoring = new TaskCompletionSource<FtpSiteReply>();
        await using var server = await TestServer.StartAsync(o => o.Limits.DataStallTimeout = TimeSpan.FromSeconds(20), time, loggerFactory: factory, siteCommands:
        [
            new("BOOM", (_, _) => throw new InvalidOperationException("broken"), null),
            new("SLOW", async (_, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return FtpSiteReply.Ok("never");
            }, null),
            new("DEAF", (_, _) => new ValueTask<FtpSiteReply>(ignoring.Task), null),
        ]);
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("SITE BOOM", 451)).Text.Should().Be("SITE BOOM failed: local error in processing.");
        logs.CountOf(90).Should().Be(1);
        logs.Entries.Should().Contain(e => e.EventId.Id == 90 && e.Exception is InvalidOperationException);

        foreach (var name in new[] { "SLOW", "DEAF" })
        {
            await client.SendAsync("SITE " + name);
            var reply = client.ReadReplyAsync();
            await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => reply.IsCompleted);
            (await reply).Code.Should().Be(451);
            (await reply).Text.Should().Be($"SITE {name} did not finish in time.");
        }

        logs.CountOf(91).Should().Be(2);
        ignoring.SetException(new IOException("late failure"));
        await client.ExpectAsync("NOOP", 200);
    }

    [Theory]
    [InlineData("chmod", "SITE CHMOD is built in")]
    [InlineData("two words", "must be 1 to 32")]
    public async Task An_application_command_that_takes_a_built_in_or_bad_name_fails_the_start(string name, string message)
    {
        var start = async () => await TestServer.StartAsync(siteCommands: [new(name, WhoAmI, null)]);
        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage($"*AddSiteCommand*{message}*");
    }

    [Fact]
    public async Task AddSiteCommand_registers_through_the_host_and_refuses_a_name_added_twice()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0)))
            .UseInMemoryFileSystem()
            .AddLocalUsers(u => u.Add("carol", FtpPasswordHasher.Hash("pw"), "/home/carol"))
            .AddSiteCommand("WHOAMI", WhoAmI);
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var server = host.Services.GetRequiredService<FtpServer>();
            await using (var client = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "carol", "pw"))
            {
                (await client.ExpectAsync("SITE WHOAMI", 200)).Text.Should().Be("carol in / says ''");
            }

            await host.StopAsync();
        }

        var twice = Host.CreateApplicationBuilder();
        twice.Logging.ClearProviders();
        twice.Services.AddFtpServer(o => o.Endpoints.Add(new IPEndPoint(IPAddress.Loopback, 0))).UseInMemoryFileSystem()
            .AddSiteCommand("WHOAMI", WhoAmI).AddSiteCommand("whoami", WhoAmI);
        using var failing = twice.Build();
        var start = async () => await failing.StartAsync();
        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*SITE WHOAMI is added twice*");
    }

    [Fact]
    public async Task The_sample_adds_SITE_WHOAMI_and_SITE_DU()
    {
        using var host = Samples.SiteCommands.SiteCommandsSample.Build(0);
        await host.StartAsync();
        try
        {
            var server = host.Services.GetRequiredService<FtpServer>();
            await using var client = await FtpTestClient.LoginAsync(server.EndPoints[0].Port, "alice", "alice-pw");
            await client.StoreAsync("STOR a.bin", new byte[1000]);
            await client.ExpectAsync("MKD docs", 257);
            await client.StoreAsync("STOR docs/b.bin", new byte[234]);
            (await client.ExpectAsync("SITE DU", 200)).Text.Should().Be("1234 bytes in /");
            (await client.ExpectAsync("SITE DU docs", 200)).Text.Should().Be("234 bytes in /docs");
            await client.ExpectAsync("SITE DU ../..", 501);
            await client.ExpectAsync("SITE DU nope", 550);
            (await client.ExpectAsync("SITE WHOAMI", 200)).Lines.Should().Equal("200-alice in /", " Permissions: All", "200 From: 127.0.0.1");
            (await client.ExpectAsync("SITE HELP", 214)).Lines.Should().Contain([" SITE DU [<path>]", " SITE WHOAMI"]);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static ValueTask<FtpSiteReply> WhoAmI(FtpSiteCommandContext context, CancellationToken cancellationToken)
        => ValueTask.FromResult(FtpSiteReply.Ok($"{context.UserName} in {context.CurrentDirectory} says '{context.Argument}'"));
}
