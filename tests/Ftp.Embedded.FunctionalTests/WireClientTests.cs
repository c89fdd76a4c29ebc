using System.Net;
using System.Net.Sockets;
using System.Text;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>
/// The shared wire client (tests/Shared/FtpWire) itself: what the functional tests do not reach through the server,
/// i.e. active mode through <see cref="FtpWireClient.OpenActiveAsync"/>, reply framing against a scripted peer, and
/// the parsing of 227, 229 and 257 replies.
/// </summary>
public sealed class WireClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenActiveAsync_announces_a_listener_the_server_connects_to(bool extended)
    {
        await using var server = await TestServer.StartAsync();
        var content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("active mode\r\n", 5000)));
        await server.WriteFileAsync("/home/alice/act.txt", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var listener = await client.OpenActiveAsync(extended);
        listener.EndPoint.Address.Should().Be(IPAddress.Loopback);
        await client.SendAsync("RETR act.txt");
        using var data = await listener.AcceptAsync();
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(data)).Should().Equal(content);
        await client.ExpectAsync(226);
    }

    [Fact]
    public async Task Strict_framing_refuses_a_bare_LF_and_lenient_framing_takes_it()
    {
        using var peer = FtpActiveListener.Listen(IPAddress.Loopback);
        var scripted = ServeAsync(peer, "220 bare LF\n", connections: 2);
        var strict = () => FtpWireClient.ConnectAsync(peer.EndPoint, new FtpWireOptions());
        await strict.Should().ThrowAsync<InvalidDataException>().WithMessage("*CRLF*");

        await using (var lenient = await FtpWireClient.ConnectAsync(peer.EndPoint, new FtpWireOptions { Strict = false }))
        {
            lenient.IsSecure.Should().BeFalse();
        }

        await scripted;
    }

    [Fact]
    public async Task A_multi_line_reply_ends_at_its_code_and_a_space()
    {
        using var peer = FtpActiveListener.Listen(IPAddress.Loopback);
        var scripted = ServeAsync(peer, "220-Welcome\r\n 220 indented, not the end\r\n220-still going\r\n220 Ready\r\n214 next\r\n");
        await using var client = await FtpWireClient.ConnectAsync(peer.EndPoint, new FtpWireOptions { ExpectGreeting = false });
        var reply = await client.ReadReplyAsync();
        reply.Code.Should().Be(220);
        reply.Lines.Should().Equal("220-Welcome", " 220 indented, not the end", "220-still going", "220 Ready");
        reply.Text.Should().Be("Ready");
        (await client.ReadReplyAsync()).All.Should().Be("214 next");
        client.Close();
        await scripted;
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_refused_and_one_at_the_limit_is_read()
    {
        using var peer = FtpActiveListener.Listen(IPAddress.Loopback);
        var atLimit = "200 " + new string('a', 64 - 4 - 2) + "\r\n";
        var scripted = ServeAsync(peer, atLimit + "200 " + new string('b', 64 - 4 - 1) + "\r\n");
        await using var client = await FtpWireClient.ConnectAsync(peer.EndPoint, new FtpWireOptions { ExpectGreeting = false, BufferSize = 16, MaxLineLength = 64 });
        (await client.ReadReplyAsync()).All.Should().Be(atLimit[..^2]);
        await client.Awaiting(c => c.ReadReplyAsync()).Should().ThrowAsync<InvalidDataException>().WithMessage("*longer than 64 bytes*");
        client.Close();
        await scripted;
    }

    [Fact]
    public async Task A_reply_that_does_not_come_is_a_timeout_and_a_closed_connection_is_an_IOException()
    {
        using var peer = FtpActiveListener.Listen(IPAddress.Loopback);
        var accepted = peer.AcceptAsync();
        await using var client = await FtpWireClient.ConnectAsync(peer.EndPoint, new FtpWireOptions { ExpectGreeting = false, Timeout = TimeSpan.FromMilliseconds(50) });
        using var server = await accepted;
        (await client.Awaiting(c => c.ReadReplyAsync()).Should().ThrowAsync<FtpWireTimeoutException>())
            .Which.Should().BeAssignableTo<OperationCanceledException>();

        server.Shutdown(SocketShutdown.Send);
        client.Timeout = FtpTestClient.DefaultTimeout;
        await client.Awaiting(c => c.ReadReplyAsync()).Should().ThrowAsync<IOException>();
        (await client.ExpectClosedAsync()).Should().BeTrue();
    }

    [Theory]
    [InlineData("227 Entering Passive Mode (127,0,0,1,4,1).", "127.0.0.1", 1025)]
    [InlineData("227 Entering Passive Mode ( 10, 1, 2, 3, 255, 255 )", "10.1.2.3", 65535)]
    [InlineData("227 Entering Passive Mode 192,168,0,9,0,21", "192.168.0.9", 21)]
    public void TryParsePasv_reads_the_address_and_port(string line, string address, int port)
    {
        FtpWireParser.TryParsePasv(line, out var parsedAddress, out var parsedPort).Should().BeTrue();
        parsedAddress.Should().Be(IPAddress.Parse(address));
        parsedPort.Should().Be(port);
    }

    [Theory]
    [InlineData("227 Entering Passive Mode (127,0,0,1,256,1).")]
    [InlineData("227 Entering Passive Mode (127,0,0,1,4).")]
    [InlineData("227 Entering Passive Mode (127,0,0,1,4,x).")]
    [InlineData("227")]
    public void TryParsePasv_refuses_what_is_not_six_bytes(string line)
        => FtpWireParser.TryParsePasv(line, out _, out _).Should().BeFalse();

    [Theory]
    [InlineData("229 Entering Extended Passive Mode (|||50000|)", 50000)]
    [InlineData("229 Extended (!!!1!)", 1)]
    public void TryParseEpsv_reads_the_port_with_any_delimiter(string line, int port)
    {
        FtpWireParser.TryParseEpsv(line, out var parsed).Should().BeTrue();
        parsed.Should().Be(port);
    }

    [Theory]
    [InlineData("229 Entering Extended Passive Mode (|||0|)")]
    [InlineData("229 Entering Extended Passive Mode (|||65536|)")]
    [InlineData("229 Entering Extended Passive Mode (||50000|)")]
    [InlineData("229 Entering Extended Passive Mode (|||50000|")]
    [InlineData("229 Entering Extended Passive Mode (||||)")]
    public void TryParseEpsv_refuses_a_missing_or_impossible_port(string line)
        => FtpWireParser.TryParseEpsv(line, out _).Should().BeFalse();

    [Fact]
    public void ParsePwd_undoes_doubled_quotes_and_the_commands_are_formatted_as_RFC_959_and_2428_say()
    {
        FtpWireParser.ParsePwd("257 \"/a \"\"b\"\" c\" is the current directory").Should().Be("/a \"b\" c");
        FtpWireParser.PortCommand(new IPEndPoint(IPAddress.Loopback, 1025)).Should().Be("PORT 127,0,0,1,4,1");
        FtpWireParser.EprtCommand(new IPEndPoint(IPAddress.IPv6Loopback, 50000)).Should().Be("EPRT |2|::1|50000|");
    }

    /// <summary>Accepts <paramref name="connections"/> connections on <paramref name="peer"/>, one after the other: sends each <paramref name="script"/>, then reads until the client closes.</summary>
    private static async Task ServeAsync(FtpActiveListener peer, string script, int connections = 1)
    {
        for (var i = 0; i < connections; i++)
        {
            using var socket = await peer.AcceptAsync();
            await FtpTestClient.SendAllAsync(socket, Encoding.ASCII.GetBytes(script));
            using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
            try
            {
                await FtpTestClient.DrainAsync(socket, new byte[256], cts.Token);
            }
            catch (SocketException)
            {
                // The client reset the connection: it closed with bytes unread.
            }
        }
    }
}
