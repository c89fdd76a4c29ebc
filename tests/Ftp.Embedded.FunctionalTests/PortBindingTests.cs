using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.FunctionalTests.Infrastructure;

namespace Ftp.Embedded.FunctionalTests;

/// <summary>Ports in use: a start fails with the endpoint named, a passive port is never shared, restarts are not blocked.</summary>
public sealed class PortBindingTests
{
    private const int SolSocket = 1; // Linux SOL_SOCKET
    private const int SoReusePort = 15; // Linux SO_REUSEPORT

    [Fact]
    public async Task A_port_another_server_listens_on_fails_the_start_and_names_the_endpoint()
    {
        await using var first = await TestServer.StartAsync(o => o.Greeting = "first");
        var endPoint = first.Server.EndPoints[0];
        var start = async () => await TestServer.StartAsync(o =>
        {
            o.Greeting = "second";
            o.Endpoints.Clear();
            o.Endpoints.Add(endPoint);
        });
        (await start.Should().ThrowAsync<IOException>())
            .Which.Message.Should().Be($"Failed to bind to {endPoint}: address already in use. Another process listens on that port: stop it, or choose another port in Ftp:Endpoints.");

        // Every connection still reaches the first server: the second one shares nothing.
        for (var i = 0; i < 4; i++)
        {
            await using var client = await FtpTestClient.ConnectAsync(endPoint.Port, expectGreeting: false);
            (await client.ExpectAsync(220)).Text.Should().Be("first");
        }
    }

    [Fact]
    public async Task An_implicit_TLS_port_in_use_names_its_setting()
    {
        using var other = Listen(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false);
        var endPoint = (IPEndPoint)other.LocalEndPoint!;
        var start = async () => await TestServer.StartAsync(o =>
        {
            o.Tls.Certificate = TestCertificate.Instance;
            o.Tls.ImplicitEndpoints.Add(endPoint);
        });
        (await start.Should().ThrowAsync<IOException>())
            .Which.Message.Should().Be($"Failed to bind to {endPoint}: address already in use. Another process listens on that port: stop it, or choose another port in Ftp:Tls:ImplicitEndpoints.");
    }

    [Fact]
    public async Task A_port_held_by_another_process_that_allows_port_sharing_is_not_shared()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // SO_REUSEPORT on the other side: had the server set it too (as SocketOptionName.ReuseAddress does on Linux),
        // both would bind and the kernel would split connections between them.
        using var other = Listen(new IPEndPoint(IPAddress.Loopback, 0), reusePort: true);
        var endPoint = (IPEndPoint)other.LocalEndPoint!;
        var start = async () => await TestServer.StartAsync(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(endPoint);
        });
        (await start.Should().ThrowAsync<IOException>()).WithMessage($"Failed to bind to {endPoint}: address already in use.*");
    }

    [Fact]
    public async Task An_address_that_is_not_local_names_the_endpoint()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0);
        var start = async () => await TestServer.StartAsync(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(endPoint);
        });
        (await start.Should().ThrowAsync<IOException>())
            .Which.Message.Should().Be("Failed to bind to 192.0.2.1:0: the address is not one of this machine's. Give a local address in Ftp:Endpoints, or 0.0.0.0 or [::] for all.");
    }

    [Fact]
    public async Task A_restart_on_the_same_port_is_not_blocked_by_connections_in_TIME_WAIT()
    {
        var content = TransferTests.RandomBytes(100_000, 3);
        var server = await TestServer.StartAsync();
        var endPoint = server.Server.EndPoints[0];
        await using (var client = await server.LoginAsync())
        {
            await client.ExpectAsync("TYPE I", 200);
            await client.StoreAsync("STOR f.bin", content);
            TransferTests.SameBytes(await client.RetrieveAsync("RETR f.bin"), content);
            await client.ExpectAsync("QUIT", 221);
            await client.ExpectClosedAsync();
        }

        await server.DisposeAsync();
        if (OperatingSystem.IsLinux())
        {
            // The server closed the control connection first, so its side waits in TIME_WAIT on the listening port.
            await PollAsync(() => TimeWaitOn(endPoint.Port));
            TimeWaitOn(endPoint.Port).Should().BeTrue("the test needs a connection in TIME_WAIT on the port");
        }

        await using var again = await TestServer.StartAsync(o =>
        {
            o.Endpoints.Clear();
            o.Endpoints.Add(endPoint);
        });
        again.Port.Should().Be(endPoint.Port);
        await using var next = await again.LoginAsync();
        await next.ExpectAsync("NOOP", 200);
    }

    [Fact]
    public async Task A_passive_port_another_process_listens_on_is_skipped_never_shared()
    {
        var (from, to) = TestPorts.FreeRange(2);
        using var other = Listen(new IPEndPoint(IPAddress.Loopback, from), reusePort: OperatingSystem.IsLinux());
        await using var server = await TestServer.StartAsync(o => o.Passive.PortRange = (from, to));
        await using var first = await server.LoginAsync();
        await using var second = await server.LoginAsync();
        PortOf(await first.ExpectAsync("EPSV", 229)).Should().Be(to);
        (await second.ExpectAsync("EPSV", 425)).Text.Should().Contain("no passive port is free");
    }

    [Fact]
    public async Task Active_transfers_from_port_20_run_side_by_side()
    {
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, 20));
            }
            catch (SocketException)
            {
                return; // Port 20 needs privileges this test process does not have, or something holds it.
            }
        }

        await using var server = await TestServer.StartAsync(o => o.Active.UsePort20 = true);
        await server.WriteFileAsync("/home/alice/f.txt", "twenty"u8.ToArray());
        await using var first = await server.LoginAsync();
        await using var second = await server.LoginAsync();
        using var firstTarget = Listen(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false);
        using var secondTarget = Listen(new IPEndPoint(IPAddress.Loopback, 0), reusePort: false);
        await first.ExpectAsync($"EPRT |1|127.0.0.1|{((IPEndPoint)firstTarget.LocalEndPoint!).Port}|", 200);
        await second.ExpectAsync($"EPRT |1|127.0.0.1|{((IPEndPoint)secondTarget.LocalEndPoint!).Port}|", 200);
        await first.SendAsync("RETR f.txt");
        await second.SendAsync("RETR f.txt");
        using var cts = new CancellationTokenSource(FtpTestClient.DefaultTimeout);
        using var firstData = await firstTarget.AcceptAsync(cts.Token);
        using var secondData = await secondTarget.AcceptAsync(cts.Token);
        ((IPEndPoint)firstData.RemoteEndPoint!).Port.Should().Be(20);
        ((IPEndPoint)secondData.RemoteEndPoint!).Port.Should().Be(20);
        await first.ExpectAsync(150);
        await second.ExpectAsync(150);
        (await FtpTestClient.ReadAllAsync(firstData)).Should().Equal("twenty"u8.ToArray());
        (await FtpTestClient.ReadAllAsync(secondData)).Should().Equal("twenty"u8.ToArray());
        await first.ExpectAsync(226);
        await second.ExpectAsync(226);
    }

    private static Socket Listen(IPEndPoint endPoint, bool reusePort)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (reusePort)
        {
            socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
        }

        socket.Bind(endPoint);
        socket.Listen(8);
        return socket;
    }

    private static int PortOf(FtpReply reply)
        => int.Parse(reply.Text.Split('|')[3], CultureInfo.InvariantCulture);

    /// <summary>Whether /proc/net/tcp lists a connection in TIME_WAIT (state 06) on local port <paramref name="port"/>.</summary>
    private static bool TimeWaitOn(int port)
    {
        var local = $":{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(fields => fields[1].EndsWith(local, StringComparison.Ordinal) && fields[3] == "06");
    }

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
