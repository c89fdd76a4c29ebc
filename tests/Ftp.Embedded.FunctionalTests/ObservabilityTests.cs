using System.Diagnostics;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Metrics, activities, logs and the transfer log after scripted sessions.</summary>
public sealed class ObservabilityTests
{
    private const string WrongPassword = "Not-The-Pa55word";

    /// <summary>Counts the sessions that ended, so a test asserts only once everything a session records is recorded.</summary>
    private sealed class SessionCounter
    {
        private int _ended;

        public SessionCounter(FtpServer server) => server.Events.SessionEnded += (_, _) => Interlocked.Increment(ref _ended);

        public Task WaitForAsync(int ended) => LifetimeTests.WaitForAsync(() => Volatile.Read(ref _ended) >= ended);
    }

    /// <summary>
    /// alice logs in, downloads, uploads, starts an upload and aborts it, quits; a second client fails to log in; a third
    /// connection is over the limit.
    /// </summary>
    private static async Task RunScriptAsync(TestServer server, byte[] download, byte[] upload)
    {
        await using var alice = await server.LoginAsync();
        await using (var intruder = await server.ConnectAsync())
        {
            await intruder.ExpectAsync("USER alice", 331);
            await intruder.ExpectAsync($"PASS {WrongPassword}", 530);

            await using (var refused = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false))
            {
                await refused.ExpectAsync(421);
                await refused.ExpectClosedAsync();
            }

            await intruder.ExpectAsync("QUIT", 221);
        }

        await alice.ExpectAsync("TYPE I", 200);
        (await alice.RetrieveAsync("RETR get.bin")).Should().Equal(download);
        await alice.StoreAsync("STOR put.bin", upload);
        using (var data = await alice.OpenPassiveAsync())
        {
            await alice.ExpectAsync("STOR aborted.bin", 150);
            await alice.ExpectAsync("ABOR", 426);
            await alice.ExpectAsync(226);
        }

        await alice.ExpectAsync("QUIT", 221);
    }

    [Fact]
    public async Task Metrics_count_commands_transfers_logins_and_refusals_exactly()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessions = 2, meterFactory: meters);
        var sessions = new SessionCounter(server.Server);
        await server.WriteFileAsync("/home/alice/get.bin", new byte[1000]);

        await RunScriptAsync(server, new byte[1000], new byte[500]);
        await sessions.WaitForAsync(2);

        var commands = metrics.Of("ftp.server.commands")
            .GroupBy(m => $"{m.Tag("ftp.command")} {m.Tag("ftp.reply.class")}")
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value));
        commands.Should().BeEquivalentTo(new Dictionary<string, double>
        {
            ["USER 3xx"] = 2,
            ["PASS 2xx"] = 1,
            ["PASS 5xx"] = 1,
            ["QUIT 2xx"] = 2,
            ["TYPE 2xx"] = 1,
            ["EPSV 2xx"] = 3,
            ["RETR 2xx"] = 1,
            ["STOR 2xx"] = 1,
            ["STOR 4xx"] = 1, // the aborted upload ends with 426
            ["ABOR 2xx"] = 1,
        });

        metrics.Of("ftp.server.transfers").Should().HaveCount(3);
        metrics.Sum("ftp.server.transfers", ("ftp.transfer.direction", "download"), ("ftp.transfer.outcome", "completed")).Should().Be(1);
        metrics.Sum("ftp.server.transfers", ("ftp.transfer.direction", "upload"), ("ftp.transfer.outcome", "completed")).Should().Be(1);
        metrics.Sum("ftp.server.transfers", ("ftp.transfer.direction", "upload"), ("ftp.transfer.outcome", "aborted")).Should().Be(1);
        metrics.Sum("ftp.server.transfer.bytes", ("ftp.transfer.direction", "download")).Should().Be(1000);
        metrics.Sum("ftp.server.transfer.bytes", ("ftp.transfer.direction", "upload")).Should().Be(500);
        metrics.Of("ftp.server.transfer.duration").Select(m => (m.Tag("ftp.transfer.direction"), m.Tag("ftp.transfer.outcome")))
            .Should().BeEquivalentTo([("download", "completed"), ("upload", "completed"), ("upload", "aborted")]);
        metrics.Of("ftp.server.transfer.duration").Should().OnlyContain(m => m.Value >= 0);

        metrics.Sum("ftp.server.login.failures").Should().Be(1);
        metrics.Of("ftp.server.sessions.refused").Should().ContainSingle()
            .Which.Tag("ftp.refusal.reason").Should().Be("max_sessions");

        metrics.Of("ftp.server.active_sessions").Select(m => m.Value).Should().BeEquivalentTo([1.0, 1, -1, -1]);
        metrics.Of("ftp.server.session.duration").Should().HaveCount(2, "the refused connection was never a session");
        metrics.Of("ftp.server.tls.handshakes").Should().BeEmpty();
        metrics.Observe("ftp.server.passive_ports.in_use").Should().Be(0);
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_are_counted_by_reason()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessionsPerIp = 1, meterFactory: meters);
        await using var first = await server.ConnectAsync();
        await using var second = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false);
        await second.ExpectAsync(421);
        metrics.Of("ftp.server.sessions.refused").Should().ContainSingle()
            .Which.Tag("ftp.refusal.reason").Should().Be("max_sessions_per_ip");
    }

    [Fact]
    public async Task Connections_from_a_banned_address_are_counted_as_banned()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Security.Ban.Enabled = true;
            o.Security.Ban.MaxFailures = 1;
        }, meterFactory: meters);
        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS wrong", 530);
            await client.ExpectAsync(421);
        }

        await using var banned = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false);
        await banned.ExpectAsync(421);
        metrics.Of("ftp.server.sessions.refused").Should().ContainSingle()
            .Which.Tag("ftp.refusal.reason").Should().Be("banned");
        metrics.Of("ftp.server.login.failures").Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Passive_ports_in_use_follow_listeners(bool range)
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(o =>
        {
            if (range)
            {
                o.Passive.PortRange = TestPorts.FreeRange(3);
            }
        }, meterFactory: meters);
        await using var first = await server.LoginAsync();
        await using var second = await server.LoginAsync();
        metrics.Observe("ftp.server.passive_ports.in_use").Should().Be(0);
        await first.ExpectAsync("EPSV", 229);
        await second.ExpectAsync("PASV", 227);
        metrics.Observe("ftp.server.passive_ports.in_use").Should().Be(2);
        await first.ExpectAsync("ABOR", 225);
        metrics.Observe("ftp.server.passive_ports.in_use").Should().Be(1);
        await second.ExpectAsync("EPSV", 229);
        metrics.Observe("ftp.server.passive_ports.in_use").Should().Be(1, "a new listener replaces the one PASV opened");
    }

    [Fact]
    public async Task TLS_handshakes_are_counted_by_channel_and_outcome()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(o => o.Tls.Certificate = TestCertificate.Instance, meterFactory: meters);
        var sessions = new SessionCounter(server.Server);
        await server.WriteFileAsync("/home/alice/s.bin", new byte[100]);

        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("AUTH TLS", 234);
            await client.UpgradeToTlsAsync();
            await client.ExpectAsync("USER alice", 331);
            await client.ExpectAsync("PASS secret", 230);
            await client.ExpectAsync("PBSZ 0", 200);
            await client.ExpectAsync("PROT P", 200);
            using var socket = await client.OpenPassiveAsync();
            await client.SendAsync("RETR s.bin");
            await using (var tls = await FtpTestClient.ClientTlsAsync(new NetworkStream(socket, ownsSocket: false)))
            {
                await client.ExpectAsync(150);
                await tls.CopyToAsync(Stream.Null);
            }

            await client.ExpectAsync(226);
            await client.ExpectAsync("QUIT", 221);
        }

        await using (var plain = await server.ConnectAsync())
        {
            // Not a TLS client: the handshake fails and the server closes the connection.
            await plain.ExpectAsync("AUTH TLS", 234);
            await plain.SendAsync("this is not a ClientHello");
            await plain.ExpectClosedAsync();
        }

        await sessions.WaitForAsync(2);
        metrics.Sum("ftp.server.tls.handshakes", ("ftp.tls.channel", "control"), ("ftp.tls.outcome", "success")).Should().Be(1);
        metrics.Sum("ftp.server.tls.handshakes", ("ftp.tls.channel", "data"), ("ftp.tls.outcome", "success")).Should().Be(1);
        metrics.Sum("ftp.server.tls.handshakes", ("ftp.tls.channel", "control"), ("ftp.tls.outcome", "failure")).Should().Be(1);
        metrics.Of("ftp.server.tls.handshakes").Should().HaveCount(3);
    }

    [Fact]
    public async Task Unknown_verbs_share_one_tag_value()
    {
        using var meters = new TestMeterFactory();
        using var metrics = new MetricRecorder(meters);
        await using var server = await TestServer.StartAsync(meterFactory: meters);
        var sessions = new SessionCounter(server.Server);
        await using (var client = await server.ConnectAsync())
        {
            await client.ExpectAsync("XYZZY", 500);
            await client.ExpectAsync("PLUGH 1", 500);
            await client.ExpectAsync("NOOP", 200);
            await client.ExpectAsync("QUIT", 221);
        }

        await sessions.WaitForAsync(1);
        metrics.Of("ftp.server.commands").Select(m => $"{m.Tag("ftp.command")} {m.Tag("ftp.reply.class")}")
            .Should().Equal("_OTHER 5xx", "_OTHER 5xx", "NOOP 2xx", "QUIT 2xx");
    }

    [Fact]
    public async Task Sessions_and_transfers_are_activities_with_their_tags()
    {
        using var activities = new ActivityRecorder();
        await using var server = await TestServer.StartAsync();
        var sessions = new SessionCounter(server.Server);
        await server.WriteFileAsync("/home/alice/get.bin", new byte[1000]);
        string? currentInSession = null;
        string? currentInTransfer = null;
        server.Server.Events.SessionStarted += (_, _) => currentInSession = Activity.Current?.OperationName;
        server.Server.Events.TransferEnded += (_, _) => currentInTransfer = Activity.Current?.OperationName;

        int clientPort;
        await using (var alice = await server.LoginAsync())
        {
            clientPort = ((System.Net.IPEndPoint)alice.Socket.LocalEndPoint!).Port;
            await alice.ExpectAsync("TYPE I", 200);
            await alice.RetrieveAsync("RETR get.bin");
            await alice.StoreAsync("STOR up load.bin", new byte[300]);
            using (var data = await alice.OpenPassiveAsync())
            {
                await alice.ExpectAsync("STOR aborted.bin", 150);
                await alice.ExpectAsync("ABOR", 426);
                await alice.ExpectAsync(226);
            }

            await alice.ExpectAsync("QUIT", 221);
        }

        await sessions.WaitForAsync(1);
        var session = activities.Sessions(server.Port).Should().ContainSingle().Subject;
        session.Kind.Should().Be(ActivityKind.Server);
        session.ParentSpanId.Should().Be(default(ActivitySpanId), "a session is a root");
        session.GetTagItem("client.address").Should().Be("127.0.0.1");
        session.GetTagItem("client.port").Should().Be(clientPort);
        session.GetTagItem("server.port").Should().Be(server.Port);
        session.GetTagItem("ftp.user").Should().Be("alice");
        session.Status.Should().Be(ActivityStatusCode.Unset);
        currentInSession.Should().Be("ftp.session");
        currentInTransfer.Should().Be("ftp.transfer");

        var transfers = activities.ChildrenOf(session);
        transfers.Should().HaveCount(3).And.OnlyContain(a => a.OperationName == "ftp.transfer");
        transfers.Select(a => new
        {
            Direction = a.GetTagItem("ftp.transfer.direction"),
            Path = a.GetTagItem("ftp.path"),
            Bytes = a.GetTagItem("ftp.transfer.bytes"),
            Outcome = a.GetTagItem("ftp.transfer.outcome"),
        }).Should().BeEquivalentTo(
        [
            new { Direction = (object?)"download", Path = (object?)"/get.bin", Bytes = (object?)1000L, Outcome = (object?)"completed" },
            new { Direction = (object?)"upload", Path = (object?)"/up load.bin", Bytes = (object?)300L, Outcome = (object?)"completed" },
            new { Direction = (object?)"upload", Path = (object?)"/aborted.bin", Bytes = (object?)0L, Outcome = (object?)"aborted" },
        ], o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task The_activity_current_when_the_server_started_is_not_the_parent_of_sessions()
    {
        using var activities = new ActivityRecorder();
        using var source = new ActivitySource(FtpTelemetry.ActivitySourceName);
        TestServer server;
        using (var outer = source.StartActivity("test.outer"))
        {
            outer.Should().NotBeNull();
            server = await TestServer.StartAsync();
        }

        await using (server)
        {
            var sessions = new SessionCounter(server.Server);
            await using (var first = await server.LoginAsync())
            {
                await using var second = await server.LoginAsync();
                await second.ExpectAsync("QUIT", 221);
                await first.ExpectAsync("QUIT", 221);
            }

            await sessions.WaitForAsync(2);
            var recorded = activities.Sessions(server.Port);
            recorded.Should().HaveCount(2);
            recorded.Should().OnlyContain(a => a.ParentSpanId == default(ActivitySpanId) && a.Parent == null);
            recorded[0].TraceId.Should().NotBe(recorded[1].TraceId, "each session is its own trace");
        }
    }

    [Fact]
    public async Task Logs_tell_sessions_logins_and_transfers_and_never_the_password()
    {
        var logs = new LogCapture();
        await using var server = await TestServer.StartAsync(o => o.Limits.MaxSessions = 2, loggerFactory: logs);
        var sessions = new SessionCounter(server.Server);
        await server.WriteFileAsync("/home/alice/get.bin", new byte[1000]);

        await RunScriptAsync(server, new byte[1000], new byte[500]);
        await sessions.WaitForAsync(2);

        logs.Entries.Should().NotContain(e => e.Message.Contains(WrongPassword, StringComparison.Ordinal)
                                              || e.Message.Contains("secret", StringComparison.Ordinal)
                                              || e.State.Values.Any(v => v != null && v.ToString()!.Contains(WrongPassword, StringComparison.Ordinal)));
        logs.WithId(4).Should().HaveCount(2, "one start line per session");
        var aliceEnd = logs.WithId(5).Should().ContainSingle(e => (string?)e["UserName"] == "alice").Subject;
        aliceEnd["Commands"].Should().Be(11L);
        aliceEnd["BytesUploaded"].Should().Be(500L);
        aliceEnd["BytesDownloaded"].Should().Be(1000L);
        aliceEnd["Duration"].Should().BeOfType<TimeSpan>();
        var intruderEnd = logs.WithId(5).Should().ContainSingle(e => e["UserName"] == null).Subject;
        intruderEnd["Commands"].Should().Be(3L);

        logs.WithId(7).Should().ContainSingle().Which["UserName"].Should().Be("alice");
        var failed = logs.WithId(8).Should().ContainSingle().Subject;
        failed.Level.Should().Be(LogLevel.Warning);
        failed["UserName"].Should().Be("alice");

        logs.WithId(12).Select(e => $"{e["UserName"]} {e["Direction"]} {e["Path"]} {e["Bytes"]} {e["Outcome"]}")
            .Should().Equal("alice Download /get.bin 1000 completed", "alice Upload /put.bin 500 completed", "alice Upload /aborted.bin 0 aborted");
        logs.WithId(6).Should().Contain(e => (string?)e["Verb"] == "PASS")
            .And.OnlyContain(e => (string?)e["Verb"] != "PASS" || (string?)e["Argument"] == "****");
    }

    [Fact]
    public async Task The_transfer_log_has_one_xferlog_line_per_transfer()
    {
        var directory = Directory.CreateTempSubdirectory("ftp-xferlog-");
        try
        {
            var path = Path.Combine(directory.FullName, "xferlog");
            var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 4, 8, 12, 30, TimeSpan.Zero));
            var ended = new List<FtpTransferEventArgs>();
            await using (var server = await TestServer.StartAsync(o => o.TransferLogPath = path, timeProvider: time))
            {
                server.Server.Events.TransferEnded += (_, e) => { lock (ended) { ended.Add(e); } };
                await server.WriteFileAsync("/home/alice/my file.txt", new byte[1234]);
                await using var alice = await server.LoginAsync();
                (await alice.RetrieveAsync("RETR my file.txt")).Should().HaveCount(1234);
                await alice.ExpectAsync("TYPE I", 200);
                using (var data = await alice.OpenPassiveAsync())
                {
                    await alice.ExpectAsync("STOR part.bin", 150);
                    await FtpTestClient.SendAllAsync(data, new byte[10_000]);
                    await alice.ExpectAsync("ABOR", 426);
                    await alice.ExpectAsync(226);
                }

                await alice.ExpectAsync("QUIT", 221);
                await LifetimeTests.WaitForAsync(() => { lock (ended) { return ended.Count == 2; } });
            }

            // Stopping the server wrote and closed the log.
            var upload = ended[1].Bytes;
            (await File.ReadAllTextAsync(path)).Should().Be(
                "Mon Mar  4 08:12:30 2024 1 127.0.0.1 1234 /my_file.txt a _ o r alice ftp 0 * c\n" +
                $"Mon Mar  4 08:12:30 2024 1 127.0.0.1 {upload} /part.bin b _ i r alice ftp 0 * i\n");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_transfer_log_in_a_missing_directory_fails_the_start()
    {
        var missing = Path.Combine(Path.GetTempPath(), "ftp-no-such-dir-" + Guid.NewGuid().ToString("N"), "xferlog");
        var start = () => TestServer.StartAsync(o => o.TransferLogPath = missing);
        (await start.Should().ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>())
            .Which.Message.Should().Contain("Ftp:TransferLogPath").And.Contain("does not exist");
    }
}
