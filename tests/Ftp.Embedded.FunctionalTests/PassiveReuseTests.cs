using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using FtpWire;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>A session keeps its passive listener between transfers: same port, same peer check, closed when given up.</summary>
public sealed class PassiveReuseTests
{
    private static readonly IPAddress OtherAddress = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task PASV_and_EPSV_after_a_transfer_answer_the_same_port_and_every_transfer_is_byte_exact()
    {
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = TestPorts.FreeRange(3));
        var content = RandomBytes(70_000, 1);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);

        var first = await client.ExpectAsync("PASV", 227);
        await StoreAsync(client, first, "a.bin", content);
        var second = await client.ExpectAsync("PASV", 227);
        PasvPort(second).Should().Be(PasvPort(first));
        (await RetrieveAsync(client, second, "RETR a.bin")).Should().Equal(content);
        var third = await client.ExpectAsync("EPSV", 229);
        EpsvPort(third).Should().Be(PasvPort(first));
        (await RetrieveAsync(client, third, "RETR a.bin")).Should().Equal(content);
        (await server.ReadFileAsync("/home/alice/a.bin")).Should().Equal(content);
    }

    [Fact]
    public async Task A_reused_listener_still_refuses_a_connection_from_another_address()
    {
        await using var server = await TestServer.StartAsync();
        await server.WriteFileAsync("/home/alice/x.bin", "secret"u8.ToArray());
        await using var client = await server.LoginAsync();
        var first = await client.ExpectAsync("EPSV", 229);
        (await RetrieveAsync(client, first, "RETR x.bin")).Should().Equal("secret"u8.ToArray());

        var port = EpsvPort(await client.ExpectAsync("EPSV", 229));
        port.Should().Be(EpsvPort(first));
        using var thief = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        thief.Bind(new IPEndPoint(OtherAddress, 0));
        await thief.ConnectAsync(IPAddress.Loopback, port);
        await client.SendAsync("RETR x.bin");
        (await FtpTestClient.ReadAllAsync(thief)).Should().BeEmpty();
        using var honest = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await honest.ConnectAsync(IPAddress.Loopback, port);
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(honest)).Should().Equal("secret"u8.ToArray());
        await client.ExpectAsync(226);
    }

    [Fact]
    public async Task A_connection_left_waiting_on_the_idle_listener_is_never_given_to_the_next_transfer()
    {
        await using var server = await TestServer.StartAsync();
        await server.WriteFileAsync("/home/alice/x.bin", "secret"u8.ToArray());
        await using var client = await server.LoginAsync();
        var first = await client.ExpectAsync("EPSV", 229);
        (await RetrieveAsync(client, first, "RETR x.bin")).Should().Equal("secret"u8.ToArray());

        // Connected to the idle listener with no transfer to serve: the next EPSV closes that listener (resetting it).
        using var stale = await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, EpsvPort(first)), null, FtpTestClient.DefaultTimeout);
        var next = await client.ExpectAsync("EPSV", 229);
        (await RetrieveAsync(client, next, "RETR x.bin")).Should().Equal("secret"u8.ToArray());
        var leftOver = async () => await FtpTestClient.ReadAllAsync(stale);
        (await leftOver.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionReset);
    }

    [Fact]
    public async Task PORT_after_PASV_closes_the_listener()
    {
        await using var server = await TestServer.StartAsync();
        var content = RandomBytes(5_000, 2);
        await server.WriteFileAsync("/home/alice/p.bin", content);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        var pasv = await client.ExpectAsync("PASV", 227);
        (await RetrieveAsync(client, pasv, "RETR p.bin")).Should().Equal(content);
        var port = PasvPort(pasv);

        // The listener is idle, kept for the next PASV: PORT gives it up.
        using var active = await client.OpenActiveAsync();
        var refused = async () => await FtpTestClient.ConnectDataAsync(new IPEndPoint(IPAddress.Loopback, port), null, FtpTestClient.DefaultTimeout);
        (await refused.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        await client.SendAsync("RETR p.bin");
        using var data = await active.AcceptAsync();
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(data)).Should().Equal(content);
        await client.ExpectAsync(226);
    }

    [Fact]
    public async Task An_idle_sessions_port_is_taken_back_when_the_range_is_used_up()
    {
        var (from, _) = TestPorts.FreeRange(1);
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = (from, from));
        await server.WriteFileAsync("/home/alice/f", "f"u8.ToArray());
        await using var idle = await server.LoginAsync();
        await using var other = await server.LoginAsync();
        var held = await idle.ExpectAsync("EPSV", 229);
        (await RetrieveAsync(idle, held, "RETR f")).Should().Equal("f"u8.ToArray());

        var taken = await other.ExpectAsync("EPSV", 229);
        EpsvPort(taken).Should().Be(from);
        (await RetrieveAsync(other, taken, "RETR f")).Should().Equal("f"u8.ToArray());

        // Now the other session's listener is the idle one: it gives the port back in turn.
        var again = await idle.ExpectAsync("EPSV", 229);
        EpsvPort(again).Should().Be(from);
        (await RetrieveAsync(idle, again, "RETR f")).Should().Equal("f"u8.ToArray());
        (await other.ExpectAsync("EPSV", 229)).Text.Should().Contain($"|||{from}|");
    }

    private static async Task StoreAsync(FtpTestClient client, FtpReply passive, string name, byte[] content)
    {
        using var data = await client.ConnectPassiveAsync(passive);
        await client.ExpectAsync("STOR " + name, 150);
        await FtpTestClient.SendAllAsync(data, content);
        data.Shutdown(SocketShutdown.Send);
        await client.ExpectAsync(226);
    }

    private static async Task<byte[]> RetrieveAsync(FtpTestClient client, FtpReply passive, string command)
    {
        using var data = await client.ConnectPassiveAsync(passive);
        await client.ExpectAsync(command, 150);
        var bytes = await FtpTestClient.ReadAllAsync(data);
        await client.ExpectAsync(226);
        return bytes;
    }

    private static int PasvPort(FtpReply reply) => FtpWireParser.ParsePassivePort(reply);

    private static int EpsvPort(FtpReply reply) => int.Parse(reply.Text.Split('|')[3], CultureInfo.InvariantCulture);

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
