using System.Net;
using System.Net.Sockets;

namespace FtpWire;

/// <summary>The client's end of active-mode data connections (PORT/EPRT): a listening socket the server connects to.</summary>
public sealed class FtpActiveListener : IDisposable
{
    private FtpActiveListener(Socket socket)
    {
        Socket = socket;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The listening socket.</summary>
    public Socket Socket { get; }

    /// <summary>Where it listens: what PORT or EPRT announces.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>Bound on each <see cref="AcceptAsync"/>.</summary>
    public TimeSpan Timeout { get; set; } = FtpWireClient.DefaultTimeout;

    /// <summary>The PORT command for this listener (IPv4).</summary>
    public string PortCommand => FtpWireParser.PortCommand(EndPoint);

    /// <summary>The EPRT command for this listener.</summary>
    public string EprtCommand => FtpWireParser.EprtCommand(EndPoint);

    /// <summary>Listens on <paramref name="address"/>, on <paramref name="port"/> (0: any free port).</summary>
    public static FtpActiveListener Listen(IPAddress address, int port = 0, int backlog = 16)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(backlog);
            return new FtpActiveListener(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Listens on the first of <paramref name="ports"/> that is free (0: any); null when none is.</summary>
    public static FtpActiveListener? TryListen(IPAddress address, params int[] ports)
    {
        foreach (var port in ports)
        {
            try
            {
                return Listen(address, port);
            }
            catch (SocketException)
            {
                // Taken, by another process perhaps: try the next.
            }
        }

        return null;
    }

    /// <summary>The next data connection the server makes, within <see cref="Timeout"/>.</summary>
    public async Task<Socket> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            return await Socket.AcceptAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FtpWireTimeoutException($"no data connection on {EndPoint} within {Timeout.TotalSeconds:0.#} s");
        }
    }

    public void Dispose() => Socket.Dispose();
}
