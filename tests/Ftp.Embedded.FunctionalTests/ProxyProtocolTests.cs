using System.Net;
using System.Text;
using Ftp.Embedded.Internal.Transport;
using Microsoft.Extensions.Time.Testing;
using Client = Ftp.Embedded.FunctionalTests.InMemoryTransportTests.Client;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>The PROXY protocol over the in-memory transport: whose address a session gets, and what is closed unseen.</summary>
public sealed class ProxyProtocolTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly IPEndPoint Balancer = new(IPAddress.Parse("10.0.0.5"), 40001);
    private static readonly IPEndPoint Stranger = new(IPAddress.Parse("203.0.113.9"), 40002);

    private static void TrustBalancer(FtpServerOptions o) => o.Proxy.TrustedNetworks.Add("10.0.0.0/24");

    private static byte[] V2(byte versionCommand, byte family, byte[] payload)
        => [.. "\r\n\r\n\0\r\nQUIT\n"u8, versionCommand, family, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];

    private static byte[] V2Tcp6(string source, int port)
    {
        byte[] destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        byte[] tlv = [0x01, 0x00, 0x03, (byte)'f', (byte)'t', (byte)'p'];
        return V2(0x21, 0x21, [.. IPAddress.Parse(source).GetAddressBytes(), .. destination, (byte)(port >> 8), (byte)port, 0, 21, .. tlv]);
    }

    private static Task<FtpSessionInfo> NextSession(InMemoryTransportTests.InMemoryServer server)
    {
        var started = new TaskCompletionSource<FtpSessionInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Events.SessionStarted += (_, e) => started.TrySetResult(e.Session);
        return started.Task;
    }

    [Fact]
    public async Task A_v1_header_gives_the_session_the_client_s_address_and_what_follows_it_is_read_as_commands()
    {
        await using var server = await InMemoryTransportTests.StartAsync(TrustBalancer);
        var started = NextSession(server);
        await using var client = new Client(server.Listener.Connect(Balancer));

        await client.SendBytesAsync(Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\nUSER alice\r\n"));
        (await client.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        (await started.WaitAsync(Bound)).RemoteEndPoint.Should().Be(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000));
        (await client.ReadAsync()).Should().Equal("331 User name okay, need password.");
        (await client.CommandAsync("PASS secret")).Should().Equal("230 User logged in, proceed.");
        (await client.CommandAsync("PWD")).Should().Equal("257 \"/\" is the current directory.");
    }

    [Fact]
    public async Task The_per_address_limit_counts_the_v2_header_s_address_not_the_balancer_s()
    {
        await using var server = await InMemoryTransportTests.StartAsync(o =>
        {
            TrustBalancer(o);
            o.Limits.MaxSessionsPerIp = 1;
        });
        var started = NextSession(server);

        await using var one = new Client(server.Listener.Connect(Balancer));
        await one.SendBytesAsync(V2Tcp6("2001:db8::7", 1234));
        (await one.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        (await started.WaitAsync(Bound)).RemoteEndPoint.Should().Be(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 1234));

        await using var other = new Client(server.Listener.Connect(new IPEndPoint(Balancer.Address, 40003)));
        await other.SendBytesAsync(V2Tcp6("2001:db8::8", 1234));
        (await other.ReadAsync()).Should().Equal(["220 Ftp.Embedded ready"], "another client behind the same balancer");
        (await other.CommandAsync("USER alice")).Should().Equal("331 User name okay, need password.");

        await using var again = new Client(server.Listener.Connect(new IPEndPoint(Balancer.Address, 40004)));
        await again.SendBytesAsync(V2Tcp6("2001:db8::7", 1235));
        (await again.ReadAsync()).Should().Equal("421 Too many connections from your address, try again later.");
    }

    [Fact]
    public async Task A_v2_LOCAL_health_check_is_closed_without_a_greeting_or_a_session()
    {
        await using var server = await InMemoryTransportTests.StartAsync(TrustBalancer);
        var started = NextSession(server);
        await using var check = new Client(server.Listener.Connect(Balancer));

        await check.SendBytesAsync(V2(0x20, 0x00, []));
        (await check.ReadToEndAsync()).Should().BeEmpty();
        started.IsCompleted.Should().BeFalse();
    }

    [Theory]
    [InlineData("USER alice\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 70000\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\n")]
    public async Task A_trusted_peer_without_a_valid_header_is_closed_without_a_greeting(string start)
    {
        await using var server = await InMemoryTransportTests.StartAsync(TrustBalancer);
        var started = NextSession(server);
        await using var client = new Client(server.Listener.Connect(Balancer));

        await client.SendBytesAsync(Encoding.ASCII.GetBytes(start));
        (await client.ReadToEndAsync()).Should().BeEmpty();
        started.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_trusted_peer_that_sends_no_header_is_closed_after_the_header_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await InMemoryTransportTests.StartAsync(o =>
        {
            TrustBalancer(o);
            o.Proxy.HeaderTimeout = TimeSpan.FromSeconds(5);
        }, time: time);
        await using var client = new Client(server.Listener.Connect(Balancer));
        await client.SendBytesAsync("PROXY TCP4 192.0.2.7"u8.ToArray());

        var closed = client.ReadToEndAsync();
        var deadline = DateTime.UtcNow + Bound;
        while (!closed.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(closed, Task.Delay(20));
        }

        (await closed).Should().BeEmpty("no greeting: the connection closes without a session");
    }

    [Fact]
    public async Task An_untrusted_peer_s_header_is_not_honoured()
    {
        await using var server = await InMemoryTransportTests.StartAsync(TrustBalancer);
        var started = NextSession(server);
        await using var client = new Client(server.Listener.Connect(Stranger));

        (await client.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        (await started.WaitAsync(Bound)).RemoteEndPoint.Should().Be(Stranger);
        (await client.CommandAsync("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21")).Should().Equal("500 'PROXY': command not understood.");
    }

    [Fact]
    public async Task When_proxies_are_required_an_untrusted_peer_is_closed_without_a_greeting()
    {
        await using var server = await InMemoryTransportTests.StartAsync(o =>
        {
            TrustBalancer(o);
            o.Proxy.Required = true;
        });
        await using var stranger = new Client(server.Listener.Connect(Stranger));
        (await stranger.ReadToEndAsync()).Should().BeEmpty();

        await using var proxied = new Client(server.Listener.Connect(Balancer));
        await proxied.SendBytesAsync("PROXY TCP4 192.0.2.7 10.0.0.1 50000 21\r\n"u8.ToArray());
        (await proxied.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
    }

    [Fact]
    public async Task Without_trusted_networks_a_connection_from_anywhere_is_served_as_before()
    {
        await using var server = await InMemoryTransportTests.StartAsync();
        var started = NextSession(server);
        await using var client = new Client(server.Listener.Connect(Balancer));
        (await client.ReadAsync()).Should().Equal("220 Ftp.Embedded ready");
        (await started.WaitAsync(Bound)).RemoteEndPoint.Should().Be(Balancer);
    }
}
