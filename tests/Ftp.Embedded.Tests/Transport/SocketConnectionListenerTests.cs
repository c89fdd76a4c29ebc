using System.Net;
using System.Net.Sockets;
using Ftp.Embedded.Internal.Transport;

namespace Ftp.Embedded.Tests.Transport;

/// <summary>The listener over a real socket: connections reset while they wait in the queue are skipped, not fatal.</summary>
public sealed class SocketConnectionListenerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connections_reset_in_the_queue_are_skipped_and_the_next_one_is_accepted()
    {
        await using var listener = SocketConnectionListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), implicitTls: false);
        for (var i = 0; i < 3; i++)
        {
            using var reset = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await reset.ConnectAsync(listener.EndPoint);
            reset.LingerState = new LingerOption(true, 0);
            reset.Close(); // RST
        }

        // Let the resets reach the server first, so the accepts meet them; then a client that stays.
        await Task.Delay(50);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.EndPoint);
        var clientPort = ((IPEndPoint)client.LocalEndPoint!).Port;

        await using var accepted = await AcceptLiveAsync(listener, clientPort);
        accepted.RemoteEndPoint.Port.Should().Be(clientPort);
        await client.SendAsync("NOOP\r\n"u8.ToArray());
        var buffer = new byte[6];
        (await accepted.Stream.ReadAsync(buffer).AsTask().WaitAsync(Bound)).Should().Be(6);
        buffer.Should().Equal("NOOP\r\n"u8.ToArray());
    }

    [Fact]
    public async Task Disposing_the_listener_ends_a_waiting_accept_with_null()
    {
        var listener = SocketConnectionListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), implicitTls: false);
        var accept = listener.AcceptAsync(CancellationToken.None).AsTask();
        accept.IsCompleted.Should().BeFalse("no client connected");
        await listener.DisposeAsync();
        (await accept.WaitAsync(Bound)).Should().BeNull();
    }

    /// <summary>Accepts until the connection from <paramref name="port"/> (a reset one may still come first, unsettled).</summary>
    private static async Task<FtpConnection> AcceptLiveAsync(SocketConnectionListener listener, int port)
    {
        while (true)
        {
            var connection = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(Bound);
            connection.Should().NotBeNull("the listener keeps accepting");
            if (connection!.RemoteEndPoint.Port == port)
            {
                return connection;
            }

            await connection.DisposeAsync();
        }
    }
}
