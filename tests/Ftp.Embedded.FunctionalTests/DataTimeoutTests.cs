using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ftp.Embedded.FunctionalTests;

public sealed class DataTimeoutTests
{
    [Fact]
    public async Task A_data_connection_that_never_comes_gets_425_after_the_connect_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.DataConnectTimeout = TimeSpan.FromSeconds(10), time);
        await server.WriteFileAsync("/home/alice/x.bin", new byte[10]);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("EPSV", 229);
        await client.SendAsync("RETR x.bin");
        (await client.ExpectAsync("STAT", 213)).Text.Should().Contain("0 bytes transferred", "the transfer waits for its data connection");
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 30);
        (await client.ExpectAsync(425)).Text.Should().Contain("timed out");
        await client.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_stalled_upload_gets_426_after_the_stall_timeout()
    {
        var time = new FakeTimeProvider();
        await using var server = await TestServer.StartAsync(o => o.Limits.DataStallTimeout = TimeSpan.FromSeconds(20), time);
        await using var client = await server.LoginAsync();
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("STOR stall.bin", 150);
        await FtpTestClient.SendAllAsync(data, new byte[100]);
        await FakeClock.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => client.Socket.Available > 0, 40);
        (await client.ExpectAsync(426)).Text.Should().Contain("no data moved");
        await client.ExpectAsync("NOOP", 200);
        (await server.ReadFileAsync("/home/alice/stall.bin")).Should().BeNull("an atomic upload that failed leaves nothing behind");
    }

    [Fact]
    public async Task A_passive_connection_from_another_address_is_refused()
    {
        await using var server = await TestServer.StartAsync();
        await server.WriteFileAsync("/home/alice/x.bin", "secret"u8.ToArray());
        await using var client = await server.LoginAsync();
        var reply = await client.ExpectAsync("EPSV", 229);
        var port = int.Parse(reply.Text.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);
        // The server listens on 127.0.0.1; a thief connecting from 127.0.0.2 is closed without data.
        using var thief = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        thief.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.2"), 0));
        await thief.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await client.SendAsync("RETR x.bin");
        (await FtpTestClient.ReadAllAsync(thief)).Should().BeEmpty();
        using var honest = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await honest.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(honest)).Should().Equal("secret"u8.ToArray());
        await client.ExpectAsync(226);
    }
}
