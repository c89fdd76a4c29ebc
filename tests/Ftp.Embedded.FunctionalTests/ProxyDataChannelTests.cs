using System.Net;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// The PROXY protocol on data connections, over real sockets: the balancer is 127.0.0.1 (trusted), the client behind it
/// is 127.0.0.3 by the control connection's header. A passive data connection from the balancer carries its own header,
/// whose source the passive peer check compares with the session's client; the active target check uses the client too.
/// </summary>
public sealed class ProxyDataChannelTests
{
    private const string ClientAddress = "127.0.0.3";

    private static void TrustLoopback(FtpServerOptions o) => o.Proxy.TrustedNetworks.Add("127.0.0.1/32");

    private static byte[] V1(string source, int destinationPort) => Encoding.ASCII.GetBytes($"PROXY TCP4 {source} 127.0.0.1 40000 {destinationPort}\r\n");

    /// <summary>A control connection from the balancer whose header says the client is 127.0.0.3; logged in as alice.</summary>
    private static async Task<FtpTestClient> ProxiedLoginAsync(TestServer server)
    {
        var client = await FtpTestClient.ConnectAsync(server.Port, expectGreeting: false);
        await client.Stream.WriteAsync(V1(ClientAddress, server.Port));
        await client.ExpectAsync(220);
        await client.LoginAsync("alice", "secret");
        await client.ExpectAsync("TYPE I", 200);
        return client;
    }

    /// <summary>EPSV, then a data connection from the balancer that starts with <paramref name="header"/>.</summary>
    private static async Task<(Socket Data, int Port)> ProxiedDataAsync(FtpTestClient client, byte[] header, byte[]? after = null)
    {
        var port = PortOf(await client.ExpectAsync("EPSV", 229));
        var data = await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), null, FtpTestClient.DefaultTimeout);
        await FtpTestClient.SendAllAsync(data, [.. header, .. after ?? []]);
        return (data, port);
    }

    private static int PortOf(FtpReply reply) => int.Parse(reply.Text.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_passive_download_through_the_balancer_is_accepted_from_the_client_its_header_names()
    {
        var logs = new CapturingLoggerProvider(LogLevel.Debug, LogLevel.Debug);
        using var factory = logs.CreateFactory();
        await using var server = await TestServer.StartAsync(TrustLoopback, loggerFactory: factory);
        await server.WriteFileAsync("/home/alice/f.bin", "through the balancer"u8.ToArray());
        await using var client = await ProxiedLoginAsync(server);

        var (data, _) = await ProxiedDataAsync(client, V1(ClientAddress, 0));
        using (data)
        {
            await client.ExpectAsync("RETR f.bin", 150);
            (await FtpTestClient.ReadAllAsync(data)).Should().Equal("through the balancer"u8.ToArray());
            await client.ExpectAsync(226);
        }

        logs.Entries.Should().Contain(e => e.EventId.Id == 74 && e.Message.Contains("from trusted proxy 127.0.0.1:", StringComparison.Ordinal)
                                           && e.Message.EndsWith("is from client 127.0.0.3:40000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_bytes_that_arrive_with_the_header_are_stored_first()
    {
        await using var server = await TestServer.StartAsync(TrustLoopback);
        await using var client = await ProxiedLoginAsync(server);
        var content = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();

        await client.SendAsync("EPSV");
        var port = PortOf(await client.ExpectAsync(229));
        using (var data = await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), null, FtpTestClient.DefaultTimeout))
        {
            // Header and the first bytes of the file in one send, before STOR: the server reads them together.
            await FtpTestClient.SendAllAsync(data, [.. V1(ClientAddress, port), .. content.AsSpan(0, 1000)]);
            await client.ExpectAsync("STOR up.bin", 150);
            await FtpTestClient.SendAllAsync(data, content[1000..]);
            data.Shutdown(SocketShutdown.Send);
            await client.ExpectAsync(226);
        }

        (await server.ReadFileAsync("/home/alice/up.bin")).Should().Equal(content);
    }

    [Fact]
    public async Task A_header_naming_another_client_is_closed_and_the_listener_waits_for_the_right_one()
    {
        await using var server = await TestServer.StartAsync(TrustLoopback);
        await server.WriteFileAsync("/home/alice/f.bin", "mine"u8.ToArray());
        await using var client = await ProxiedLoginAsync(server);

        var (thief, port) = await ProxiedDataAsync(client, V1("127.0.0.9", 0));
        using (thief)
        {
            await client.SendAsync("RETR f.bin");
            (await FtpTestClient.ReadAllAsync(thief)).Should().BeEmpty("the passive peer check sees 127.0.0.9, not the session's 127.0.0.3");
        }

        using var data = await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), null, FtpTestClient.DefaultTimeout);
        await FtpTestClient.SendAllAsync(data, V1(ClientAddress, port));
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(data)).Should().Equal("mine"u8.ToArray());
        await client.ExpectAsync(226);
    }

    [Theory]
    [InlineData("PROXY TCP4 127.0.0.3 127.0.0.1 40000 70000\r\n")] // malformed
    [InlineData("PROXY TCP4 127.0.0.3 127.0.0.1 40000 21\n")] // no CR
    [InlineData("\r\n\r\n\0\r\nQUIT\n\x20\x00\x00\x00")] // v2 LOCAL
    public async Task A_bad_or_LOCAL_header_on_a_data_connection_gets_425_and_the_session_goes_on(string header)
    {
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var server = await TestServer.StartAsync(TrustLoopback, loggerFactory: factory);
        await server.WriteFileAsync("/home/alice/f.bin", "again"u8.ToArray());
        await using var client = await ProxiedLoginAsync(server);

        var (data, _) = await ProxiedDataAsync(client, Encoding.Latin1.GetBytes(header));
        using (data)
        {
            await client.ExpectAsync("RETR f.bin", 425);
            (await FtpTestClient.ReadAllAsync(data)).Should().BeEmpty();
        }

        logs.CountOf(73).Should().Be(1);
        await client.ExpectAsync("NOOP", 200);
        var (good, _) = await ProxiedDataAsync(client, V1(ClientAddress, 0));
        using (good)
        {
            await client.ExpectAsync("RETR f.bin", 150);
            (await FtpTestClient.ReadAllAsync(good)).Should().Equal("again"u8.ToArray());
            await client.ExpectAsync(226);
        }
    }

    [Fact]
    public async Task A_trusted_peer_that_sends_no_header_on_a_data_connection_gets_425_after_the_header_timeout()
    {
        var time = new FakeTimeProvider();
        var logs = new CapturingLoggerProvider();
        using var factory = logs.CreateFactory();
        await using var server = await TestServer.StartAsync(o =>
        {
            TrustLoopback(o);
            o.Proxy.HeaderTimeout = TimeSpan.FromSeconds(5);
        }, timeProvider: time, loggerFactory: factory);
        await server.WriteFileAsync("/home/alice/f.bin", "late"u8.ToArray());
        await using var client = await ProxiedLoginAsync(server);

        var (data, _) = await ProxiedDataAsync(client, []);
        using (data)
        {
            await client.SendAsync("RETR f.bin");
            var reply = client.ReadReplyAsync();
            var deadline = DateTime.UtcNow + FtpTestClient.DefaultTimeout;
            while (!reply.IsCompleted && DateTime.UtcNow < deadline)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(reply, Task.Delay(20));
            }

            (await reply).Code.Should().Be(425);
            time.GetUtcNow().Should().BeBefore(time.Start + TimeSpan.FromSeconds(30), "the header timeout ended the wait, not the data-connect timeout");
        }

        logs.Entries.Should().Contain(e => e.EventId.Id == 73 && e.Message.Contains("no complete header within 5 s", StringComparison.Ordinal));
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_data_connection_from_an_untrusted_peer_is_not_read_for_a_header()
    {
        await using var server = await TestServer.StartAsync(TrustLoopback);
        // The control connection's header names 127.0.0.3; the client reaches the passive port directly from there.
        await using var client = await ProxiedLoginAsync(server);
        var port = PortOf(await client.ExpectAsync("EPSV", 229));
        var content = V1("127.0.0.9", port);
        using (var data = await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), IPAddress.Parse(ClientAddress), FtpTestClient.DefaultTimeout))
        {
            await client.ExpectAsync("STOR looks-like-a-header.txt", 150);
            await FtpTestClient.SendAllAsync(data, content);
            data.Shutdown(SocketShutdown.Send);
            await client.ExpectAsync(226);
        }

        (await server.ReadFileAsync("/home/alice/looks-like-a-header.txt")).Should().Equal(content, "a direct client's bytes are its file");
    }

    [Fact]
    public async Task Active_mode_connects_only_to_the_client_the_control_header_names()
    {
        await using var server = await TestServer.StartAsync(TrustLoopback);
        await server.WriteFileAsync("/home/alice/f.bin", "active"u8.ToArray());
        await using var client = await ProxiedLoginAsync(server);

        using var balancer = FtpWire.FtpActiveListener.Listen(IPAddress.Loopback);
        await client.ExpectAsync(balancer.EprtCommand, 504);
        await client.ExpectAsync(balancer.PortCommand, 504);

        using var listener = FtpWire.FtpActiveListener.Listen(IPAddress.Parse(ClientAddress));
        await client.ExpectAsync(listener.EprtCommand, 200);
        await client.SendAsync("RETR f.bin");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        using var active = await listener.Socket.AcceptAsync(cts.Token);
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(active)).Should().Equal("active"u8.ToArray());
        await client.ExpectAsync(226);
    }
}
