using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

public sealed class DataChannelTests
{
    [Fact]
    public async Task Passive_ports_come_from_the_range_and_exhaustion_gets_425()
    {
        var (from, to) = TestPorts.FreeRange(2);
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = (from, to));
        await using var first = await server.LoginAsync();
        await using var second = await server.LoginAsync();
        await using var third = await server.LoginAsync();
        var ports = new[]
        {
            PortOf(await first.ExpectAsync("EPSV", 229)),
            PortOf(await second.ExpectAsync("EPSV", 229)),
        };
        ports.Should().BeEquivalentTo([from, to]);
        (await third.ExpectAsync("EPSV", 425)).Text.Should().Contain("no passive port is free");
        await third.ExpectAsync("NOOP", 200);

        // A session that replaces its listener keeps one port; one that aborts frees it for others.
        PortOf(await first.ExpectAsync("EPSV", 229)).Should().BeOneOf(from, to);
        await second.ExpectAsync("ABOR", 225);
        PortOf(await third.ExpectAsync("EPSV", 229)).Should().Be(ports[1]);
    }

    [Fact]
    public async Task A_port_freed_by_a_finished_transfer_is_reused()
    {
        var (from, to) = TestPorts.FreeRange(2);
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = (from, from));
        await server.WriteFileAsync("/home/alice/f", "f"u8.ToArray());
        await using var client = await server.LoginAsync();
        for (var i = 0; i < 3; i++)
        {
            (await client.RetrieveAsync("RETR f")).Should().Equal("f"u8.ToArray());
        }

        _ = to;
    }

    [Fact]
    public async Task PASV_advertises_the_configured_public_address()
    {
        await using var server = await TestServer.StartAsync(o => o.Passive.PublicAddress = IPAddress.Parse("203.0.113.7"));
        await using var client = await server.LoginAsync();
        (await client.ExpectAsync("PASV", 227)).Text.Should().MatchRegex(@"^Entering Passive Mode \(203,0,113,7,\d+,\d+\)\.$");
    }

    [Fact]
    public async Task Active_mode_can_be_disabled()
    {
        await using var server = await TestServer.StartAsync(o => o.Active.Enabled = false);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("PORT 127,0,0,1,200,10", 502);
        await client.ExpectAsync("EPRT |1|127.0.0.1|51210|", 502);
    }

    [Fact]
    public async Task Over_IPv6_EPSV_and_EPRT_work_and_PASV_is_refused()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        });
        await server.WriteFileAsync("/home/alice/six.txt", "over IPv6"u8.ToArray());
        await using var client = await FtpTestClient.ConnectAsync(server.Port, IPAddress.IPv6Loopback);
        await client.ExpectAsync("USER alice", 331);
        await client.ExpectAsync("PASS secret", 230);
        await client.ExpectAsync("PASV", 522);
        await client.ExpectAsync("EPSV 1", 522);
        var port = PortOf(await client.ExpectAsync("EPSV 2", 229));
        using (var data = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp))
        {
            await data.ConnectAsync(IPAddress.IPv6Loopback, port);
            await client.ExpectAsync("RETR six.txt", 150);
            (await FtpTestClient.ReadAllAsync(data)).Should().Equal("over IPv6"u8.ToArray());
            await client.ExpectAsync(226);
        }

        using var listener = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        listener.Listen(1);
        var activePort = ((IPEndPoint)listener.LocalEndPoint!).Port;
        await client.ExpectAsync($"EPRT |2|::1|{activePort}|", 200);
        await client.SendAsync("RETR six.txt");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        using var active = await listener.AcceptAsync(cts.Token);
        await client.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(active)).Should().Equal("over IPv6"u8.ToArray());
        await client.ExpectAsync(226);
        await client.ExpectAsync($"EPRT |1|127.0.0.1|{activePort}|", 504);
    }

    [Fact]
    public async Task Anonymous_upload_folder_takes_new_files_that_cannot_be_read_back()
    {
        await using var server = await TestServer.StartAsync(anonymous: a => a.UploadDirectory = "/incoming");
        await server.FileSystem.CreateDirectoryAsync("/pub/incoming", default);
        await server.WriteFileAsync("/pub/readme.txt", "read me"u8.ToArray());
        await using var client = await server.LoginAsync("anonymous", "guest@");
        await client.ExpectAsync("TYPE I", 200);
        await client.StoreAsync("STOR /incoming/drop.bin", "dropped"u8.ToArray());
        (await server.ReadFileAsync("/pub/incoming/drop.bin")).Should().Equal("dropped"u8.ToArray());

        await client.ExpectAsync("PASV", 227);
        await client.ExpectAsync("STOR /incoming/drop.bin", 550);
        await client.ExpectAsync("RETR /incoming/drop.bin", 550);
        await client.ExpectAsync("LIST /incoming", 550);
        await client.ExpectAsync("SIZE /incoming/drop.bin", 550);
        await client.ExpectAsync("DELE /incoming/drop.bin", 550);
        await client.ExpectAsync("RNFR /incoming/drop.bin", 550);
        await client.ExpectAsync("APPE /incoming/drop.bin", 550);
        await client.ExpectAsync("STOR readme.txt", 550);
        await client.ExpectAsync("MKD /incoming/sub", 550);
        (await client.RetrieveAsync("RETR readme.txt")).Should().Equal("read me"u8.ToArray());
    }

    [Fact]
    public async Task An_aborted_download_is_reported_as_not_completed()
    {
        await using var server = await TestServer.StartAsync();
        await server.WriteFileAsync("/home/alice/big.bin", new byte[64 * 1024 * 1024]);
        var ended = new TaskCompletionSource<FtpTransferEventArgs>();
        server.Server.Events.TransferEnded += (_, e) => ended.TrySetResult(e);
        await using var client = await server.LoginAsync();
        await client.ExpectAsync("TYPE I", 200);
        using var data = await client.OpenPassiveAsync();
        await client.ExpectAsync("RETR big.bin", 150);
        await client.ExpectAsync("ABOR", 426);
        await client.ExpectAsync(226);
        var e = await ended.Task.WaitAsync(TimeSpan.FromSeconds(15));
        e.Completed.Should().BeFalse();
        e.Direction.Should().Be(FtpTransferDirection.Download);
        e.Bytes.Should().BeLessThan(64 * 1024 * 1024);
    }

    private static int PortOf(FtpReply reply) => int.Parse(reply.Text.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture);
}
