using System.Net;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Every limit at its value (N: allowed) and one past it (N+1: refused), and the defences around logins.</summary>
public sealed class AbuseTests
{
    private static readonly IPAddress OtherAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task The_global_session_limit_admits_N_and_refuses_N_plus_1_until_one_leaves()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessions = 2);
        await using var first = await server.ConnectAsync();
        await using var second = await server.ConnectAsync();
        await using (var third = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false))
        {
            (await third.ExpectAsync(421)).Text.Should().Be("Too many users, try again later.");
            await third.ExpectClosedAsync();
        }

        await second.ExpectAsync("QUIT", 221);
        await second.ExpectClosedAsync();
        await LifetimeTests.WaitForAsync(() => server.Server.ActiveSessions == 1);
        await using var fourth = await server.LoginAsync();
        await first.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task The_per_address_limit_does_not_touch_other_addresses()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessionsPerIp = 1);
        await using var first = await server.ConnectAsync();
        await using (var second = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false))
        {
            await second.ExpectAsync(421);
        }

        await using var other = await FtpTestClient.ConnectAsync(server.Port, source: OtherAddress);
        await other.ExpectAsync("USER alice", 331);
        await other.ExpectAsync("PASS secret", 230);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_session_that_quit_frees_its_place_before_its_close_has_finished(bool perAddress)
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            if (perAddress)
            {
                o.Limits.MaxSessionsPerIp = 1;
            }
            else
            {
                o.Limits.MaxSessions = 1;
            }
        });
        await using var first = await FtpTestClient.LoginAsync(server.Port);
        await first.ExpectAsync("QUIT", 221);
        // The server's FIN: it is now waiting (up to a second) for this client to close, and this client does not.
        await first.ExpectClosedAsync();

        await using var second = await FtpTestClient.ConnectAsync(server.Port);
        await second.ExpectAsync("USER alice", 331);
        await second.ExpectAsync("PASS secret", 230);
        await using (var third = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false))
        {
            await third.ExpectAsync(421);
        }
    }

    [Fact]
    public async Task The_failed_login_delay_doubles_with_each_failure()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.FailedLoginDelay = TimeSpan.FromSeconds(2);
            o.Limits.MaxFailedLogins = 5;
        }, time);
        await using var client = await server.ConnectAsync();

        await client.ExpectAsync("USER alice", 331);
        await client.SendAsync("PASS wrong");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(500), () => client.Socket.Available > 0, 20);
        await client.ExpectAsync(530);

        await client.ExpectAsync("USER alice", 331);
        await client.SendAsync("PASS wrong");
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // the server is waiting on its delay timer by now
        time.Advance(TimeSpan.FromSeconds(2.5));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        client.Socket.Available.Should().Be(0, "the second failure waits 4 s, not 2 s");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromMilliseconds(500), () => client.Socket.Available > 0, 20);
        await client.ExpectAsync(530);
    }

    [Fact]
    public async Task MaxFailedLogins_minus_one_failures_still_allow_a_login()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxFailedLogins = 3);
        await using var client = await server.ConnectAsync();
        for (var i = 0; i < 2; i++)
        {
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS wrong", 530);
        }

        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
    }

    [Fact]
    public async Task An_address_with_too_many_failures_across_connections_is_banned_then_let_back_in()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.MaxFailedLogins = 10;
            o.Security.Ban.Enabled = true;
            o.Security.Ban.MaxFailures = 3;
            o.Security.Ban.Window = TimeSpan.FromMinutes(5);
            o.Security.Ban.Duration = TimeSpan.FromMinutes(10);
        }, time);
        var bans = new List<FtpAddressBannedEventArgs>();
        server.Server.Events.AddressBanned += (_, e) => { lock (bans) { bans.Add(e); } };

        await using (var first = await server.ConnectAsync())
        {
            await first.ExpectAsync("USER alice", 331);
            await first.ExpectAsync("PASS wrong", 530);
            await first.ExpectAsync("USER bob", 331);
            await first.ExpectAsync("PASS wrong", 530);
        }

        // N-1 failures: still welcome.
        await using (var second = await server.ConnectAsync())
        {
            await second.ExpectAsync("USER alice", 331);
            (await second.ExpectAsync("PASS wrong", 530)).Text.Should().Be("Login incorrect.");
            (await second.ExpectAsync(421)).Text.Should().Contain("Too many failed logins from your address");
            await second.ExpectClosedAsync();
        }

        lock (bans)
        {
            bans.Should().ContainSingle();
            bans[0].Address.Should().Be(IPAddress.Loopback);
            bans[0].Failures.Should().Be(3);
            bans[0].Until.Should().Be(time.GetUtcNow() + TimeSpan.FromMinutes(10));
        }

        await using (var banned = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false))
        {
            (await banned.ExpectAsync(421)).Text.Should().Be("Too many failed logins from your address; try again later.");
            await banned.ExpectClosedAsync();
        }

        await using (var other = await FtpTestClient.ConnectAsync(server.Port, source: OtherAddress))
        {
            await other.ExpectAsync("USER alice", 331);
            await other.ExpectAsync("PASS secret", 230);
        }

        time.Advance(TimeSpan.FromMinutes(10));
        await using var back = await server.LoginAsync();
    }

    [Fact]
    public async Task Failures_outside_the_window_do_not_add_up_to_a_ban()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.MaxFailedLogins = 10;
            o.Limits.LoginTimeout = TimeSpan.FromHours(1);
            o.Security.Ban.Enabled = true;
            o.Security.Ban.MaxFailures = 2;
            o.Security.Ban.Window = TimeSpan.FromMinutes(1);
        }, time);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS wrong", 530);
        time.Advance(TimeSpan.FromMinutes(1));
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS wrong", 530);
        await client.ExpectAsync("NOOP", 200);
        await using var next = await server.LoginAsync();
    }

    [Fact]
    public async Task Bans_are_off_by_default()
    {
        await using var server = await TestServer.StartAsync();
        for (var connection = 0; connection < 4; connection++)
        {
            await using var client = await server.ConnectAsync();
            for (var i = 0; i < 3; i++)
            {
                await client.ExpectAsync("USER alice", 331);
                await client.ExpectAsync("PASS wrong", 530);
            }

            await client.ExpectAsync(421);
        }

        await using var honest = await server.LoginAsync();
    }

    [Fact]
    public async Task Bytes_trickling_in_do_not_extend_the_login_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.LoginTimeout = TimeSpan.FromSeconds(10), time);
        await using var client = await server.ConnectAsync();
        foreach (var b in "USER alice"u8.ToArray().Take(9))
        {
            await client.SendRawAsync([b]);
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        // Nine seconds in (N-1): still open.
        client.Socket.Available.Should().Be(0);
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 5);
        (await client.ExpectAsync(421)).Text.Should().Contain("Login timeout");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task A_hanging_authenticator_is_cut_by_the_login_timeout_and_others_log_in_meanwhile()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.LoginTimeout = TimeSpan.FromSeconds(10), time,
            extraAuthenticators: [new HangingAuthenticator()]);
        await using var client = await server.ConnectAsync();
        await client.ExpectAsync("USER hang", 331);
        await client.SendAsync("PASS x");

        await using (var other = await server.LoginAsync())
        {
            await other.ExpectAsync("NOOP", 200);
        }

        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 15);
        (await client.ExpectAsync(421)).Text.Should().Contain("Login timeout");
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task An_authenticator_that_throws_gets_421_and_is_not_counted_as_a_failed_login()
    {
        await using var server = await TestServer.StartAsync(extraAuthenticators: [new ThrowingAuthenticator()]);
        var failures = 0;
        server.Server.Events.LoginFailed += (_, _) => Interlocked.Increment(ref failures);
        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("USER boom", 331);
            (await client.ExpectAsync("PASS x", 421)).Text.Should().Be("Login service not available, try again later; closing control connection.");
            await client.ExpectClosedAsync();
        }

        failures.Should().Be(0);
        await using var honest = await server.LoginAsync();
        await honest.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_filesystem_provider_that_returns_null_gets_421_and_the_server_goes_on()
    {
        await using var server = await TestServer.StartAsync(fileSystemProvider: new NullProvider());
        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS secret", 421);
            await client.ExpectClosedAsync();
        }

        await using var next = await server.ConnectAsync();
        await next.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task Repeated_PASV_holds_one_port_so_other_clients_still_get_one()
    {
        var ports = TestPorts.FreeRange(2);
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = ports);
        await using var greedy = await server.LoginAsync();
        for (var i = 0; i < 20; i++)
        {
            await greedy.ExpectAsync("PASV", 227);
        }

        await using var second = await server.LoginAsync();
        await second.ExpectAsync("PASV", 227);

        // N = 2 ports, both held: the third client is refused until one is given back.
        await using var third = await server.LoginAsync();
        await third.ExpectAsync("PASV", 425);
        await greedy.ExpectAsync("QUIT", 221);
        await greedy.ExpectClosedAsync();
        await LifetimeTests.WaitForAsync(() => server.Server.ActiveSessions == 2);
        await third.ExpectAsync("PASV", 227);
    }

    [Fact]
    public async Task A_client_that_stops_reading_replies_is_cut_after_the_reply_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Limits.ReplyTimeout = TimeSpan.FromSeconds(30);
            o.Limits.IdleTimeout = TimeSpan.FromHours(1);
            o.Limits.DataStallTimeout = TimeSpan.FromHours(1);
        }, time);
        await using var client = await FtpTestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);

        // Far more reply bytes than the socket buffers hold, and never read.
        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("HELP\r\n", 40_000)));
        _ = Task.Run(async () =>
        {
            try
            {
                await client.Socket.SendAsync(flood, SocketFlags.None);
            }
            catch (SocketException)
            {
            }
        });
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        time.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        server.Server.ActiveSessions.Should().Be(1, "20 s is within the reply timeout");

        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(2), () => server.Server.ActiveSessions == 0, 40);
        server.Server.ActiveSessions.Should().Be(0);
        await using var honest = await server.LoginAsync();
    }

    [Fact]
    public async Task Ten_thousand_pipelined_commands_are_all_answered_in_order()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.LoginAsync();
        var commands = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            commands.Append(i % 2 == 0 ? "NOOP\r\n" : "PWD\r\n");
        }

        var send = client.SendRawAsync(Encoding.ASCII.GetBytes(commands.ToString()));
        for (var i = 0; i < 10_000; i++)
        {
            var reply = await client.ReadReplyAsync();
            reply.Code.Should().Be(i % 2 == 0 ? 200 : 257);
        }

        await send;
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task Paths_at_the_length_limit_work_and_one_longer_get_553()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxPathLength = 64);
        await using var client = await server.LoginAsync();
        var atLimit = "/" + new string('a', 63);
        var overLimit = "/" + new string('b', 64);
        await client.ExpectAsync($"MKD {atLimit}", 257);
        await client.ExpectAsync($"MKD {overLimit}", 553);
        (await server.FileSystem.GetInfoAsync("/home/alice" + atLimit, CancellationToken.None)).Should().NotBeNull();
    }

    [Theory]
    [InlineData("REST 99999999999999999999")]
    [InlineData("REST -1")]
    [InlineData("REST 1e9")]
    public async Task Absurd_restart_offsets_get_501(string command)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.LoginAsync();
        await client.ExpectAsync(command, 501);
    }

    [Fact]
    public async Task A_restart_offset_past_the_end_gets_554_without_touching_the_file()
    {
        await using var server = await TestServer.StartAsync();
        await server.WriteFileAsync("/home/alice/f.bin", [1, 2, 3]);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("REST 9223372036854775807", 350);
        using (await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("RETR f.bin", 554);
        }

        (await server.ReadFileAsync("/home/alice/f.bin")).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task Uploads_up_to_the_quota_complete_and_one_byte_more_gets_552_keeping_the_old_file()
    {
        var quota = new FixedQuota(1000);
        await using var server = await TestServer.StartAsync(quota: quota);
        await server.WriteFileAsync("/home/alice/keep.bin", [9, 9, 9]);
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().Contain(" AVBL");
        (await client.ExpectAsync("AVBL", 213)).Text.Should().Be("1000");

        var exact = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await client.StoreAsync("STOR exact.bin", exact);
        (await server.ReadFileAsync("/home/alice/exact.bin")).Should().Equal(exact);

        using (var data = await client.OpenPassiveAsync())
        {
            await client.ExpectAsync("STOR keep.bin", 150);
            try
            {
                await FtpTestClient.SendAllAsync(data, new byte[1001]);
                data.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The server may cut the data connection before the last byte is sent.
            }

            (await client.ExpectAsync(552)).Text.Should().Contain("quota");
        }

        (await server.ReadFileAsync("/home/alice/keep.bin")).Should().Equal(9, 9, 9);
        var names = await server.FileSystem.ListAsync("/home/alice", CancellationToken.None).Select(e => e.Name).ToListAsync();
        names.Should().BeEquivalentTo(["keep.bin", "exact.bin"], "the partial upload was removed");
        quota.Paths.Should().Contain("/keep.bin");
    }

    [Fact]
    public async Task A_used_up_quota_refuses_uploads_before_any_data_connection()
    {
        await using var server = await TestServer.StartAsync(quota: new FixedQuota(0));
        await using var client = await server.LoginAsync();
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR x.bin", 552);
        await client.ExpectAsync("APPE x.bin", 552);
        (await client.ExpectAsync("AVBL", 213)).Text.Should().Be("0");
        (await server.ReadFileAsync("/home/alice/x.bin")).Should().BeNull();
    }

    [Fact]
    public async Task AVBL_refuses_read_only_users_and_missing_paths()
    {
        await using var server = await TestServer.StartAsync(quota: new FixedQuota(5));
        await using (var bob = await server.LoginAsync("bob", "hunter2"))
        {
            await bob.ExpectAsync("AVBL", 550);
        }

        await using var alice = await server.LoginAsync();
        await alice.ExpectAsync("AVBL /nope", 550);
        (await alice.ExpectAsync("AVBL /", 213)).Text.Should().Be("5");
    }

    [Fact]
    public async Task Without_a_quota_or_free_space_AVBL_is_not_offered()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("FEAT", 211)).Lines.Should().NotContain(" AVBL");
        await client.ExpectAsync("AVBL", 550);
    }

    [Fact]
    public async Task Shutdown_lets_a_running_transfer_finish_within_the_timeout()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.ShutdownTimeout = TimeSpan.FromSeconds(60));
        var content = Enumerable.Range(0, 8 * 1024 * 1024).Select(i => (byte)(i * 7)).ToArray();
        await server.WriteFileAsync("/home/alice/big.bin", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);

        var stop = server.Server.StopAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        stop.IsCompleted.Should().BeFalse("the transfer is still running");
        (await FtpTestClient.ReadAllAsync(data)).Should().Equal(content);
        await client.ExpectAsync(226);
        (await client.ExpectAsync(421)).Text.Should().Contain("shutting down");
        await stop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Shutdown_past_its_timeout_cuts_the_transfer_with_426_then_421_and_reports_it()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
        await server.WriteFileAsync("/home/alice/big.bin", new byte[32 * 1024 * 1024]);
        FtpTransferEventArgs? ended = null;
        server.Server.Events.TransferEnded += (_, e) => ended = e;
        await using var client = await server.LoginAsync();
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);

        // The client never reads the data connection: the transfer cannot finish on its own.
        await server.Server.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        (await client.ExpectAsync(426)).Text.Should().Contain("server shutting down");
        (await client.ExpectAsync(421)).Text.Should().Contain("shutting down");
        await client.ExpectClosedAsync();
        ended.Should().NotBeNull();
        ended!.Completed.Should().BeFalse();
        ended.Path.Should().Be("/big.bin");
        ended.Bytes.Should().BeLessThan(32 * 1024 * 1024);
    }

    [Fact]
    public async Task A_cancelled_stop_token_cuts_transfers_at_once()
    {
        await using var server = await TestServer.StartAsync(o => o.Limits.ShutdownTimeout = TimeSpan.FromMinutes(10));
        await server.WriteFileAsync("/home/alice/big.bin", new byte[32 * 1024 * 1024]);
        await using var client = await server.LoginAsync();
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        await server.Server.StopAsync(now.Token).WaitAsync(TimeSpan.FromSeconds(30));
        await client.ExpectAsync(426);
        await client.ExpectAsync(421);
    }

    private sealed class FixedQuota(long available) : IFtpQuota
    {
        public List<string> Paths { get; } = [];

        public ValueTask<long?> GetAvailableBytesAsync(FtpUser user, string path, CancellationToken cancellationToken)
        {
            lock (Paths)
            {
                Paths.Add(path);
            }

            return ValueTask.FromResult<long?>(user.Name == "alice" ? available : null);
        }
    }

    private sealed class NullProvider : IFtpFileSystemProvider
    {
        public ValueTask<IFtpFileSystem> GetFileSystemAsync(FtpUser user, CancellationToken cancellationToken)
            => ValueTask.FromResult<IFtpFileSystem>(null!);
    }

    private sealed class HangingAuthenticator : IFtpAuthenticator
    {
        public async ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return null;
        }
    }

    private sealed class ThrowingAuthenticator : IFtpAuthenticator
    {
        public ValueTask<FtpUser?> AuthenticateAsync(FtpLoginContext login, CancellationToken cancellationToken)
            => throw new InvalidOperationException("the user database is down");
    }
}
