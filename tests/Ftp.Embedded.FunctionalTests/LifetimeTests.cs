using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

public sealed class LifetimeTests
{
    [Fact]
    public async Task An_idle_session_gets_421_after_the_idle_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.IdleTimeout = TimeSpan.FromSeconds(30), time);
        await using var client = await server.LoginAsync();
        time.Advance(TimeSpan.FromSeconds(20));
        await client.ExpectAsync("NOOP", 200);
        time.Advance(TimeSpan.FromSeconds(20));
        await client.ExpectAsync("NOOP", 200);
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 40);
        var reply = await client.ExpectAsync(421);
        reply.Text.Should().Contain("Timeout");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_client_that_never_logs_in_is_closed_after_the_login_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.LoginTimeout = TimeSpan.FromSeconds(10), time);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER alice", 331);
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 30);
        (await client.ExpectAsync(421)).Text.Should().Contain("Login timeout");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_failed_login_is_answered_only_after_the_delay()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.FailedLoginDelay = TimeSpan.FromSeconds(2), time);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER alice", 331);
        await client.SendAsync("PASS wrong");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // absence of a reply: a slow machine cannot make this pass wrongly
        client.Socket.Available.Should().Be(0, "the 530 waits for the failed-login delay");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(500), () => client.Socket.Available > 0, 20);
        await client.ExpectAsync(530);
    }

    [Fact]
    public async Task StopAsync_sends_421_to_open_sessions_and_stops_accepting()
    {
        var server = await TestServer.StartAsync();
        var port = server.Port;
        await using var idle = await server.LoginAsync();
        await using var anonymous = await server.ConnectAsync();
        await server.Server.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        (await idle.ExpectAsync(421)).Text.Should().Contain("shutting down");
        await idle.ExpectClosedAsync();
        await anonymous.ExpectAsync(421);
        server.Server.ActiveSessions.Should().Be(0);
        var connect = async () => await FtpTestClient.ConnectAsync(port);
        await connect.Should().ThrowAsync<System.Net.Sockets.SocketException>();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_get_421_before_any_command()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessionsPerIp = 2);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using var third = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false);
        (await third.ExpectAsync(421)).Text.Should().Contain("Too many connections from your address");
        await third.ExpectClosedAsync();
        await first.ExpectAsync("QUIT", 221);
        await first.ExpectClosedAsync();
        await WaitForAsync(() => server.Server.ActiveSessions == 1);
        await using var fourth = await server.ConnectAsync();
    }

    [Fact]
    public async Task Connections_over_the_global_limit_get_421()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessions = 1);
        await using var first = await server.ConnectAsync();
        await using var second = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false);
        (await second.ExpectAsync(421)).Text.Should().Contain("Too many users");
    }

    [Fact]
    public async Task Events_report_sessions_and_logins()
    {
        await using var server = await TestServer.StartAsync();
        var log = new List<string>();
        server.Server.Events.SessionStarted += (_, e) => { lock (log) { log.Add("start"); } };
        server.Server.Events.LoginFailed += (_, e) => { lock (log) { log.Add("fail " + e.UserName); } };
        server.Server.Events.LoginSucceeded += (_, e) => { lock (log) { log.Add("login " + e.Session.User!.Name); } };
        server.Server.Events.SessionEnded += (_, e) => { lock (log) { log.Add("end"); } };
        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS no", 530);
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS secret", 230);
            await client.ExpectAsync("QUIT", 221);
            await client.ExpectClosedAsync();
        }

        await WaitForAsync(() => { lock (log) { return log.Count == 4; } });
        log.Should().Equal("start", "fail alice", "login alice", "end");
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), cts.Token);
        }
    }
}
