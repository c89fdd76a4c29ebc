using System.Net.Sockets;

namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// Once a fast sender fills 1 MiB reads, its socket reports itself readable only when <see cref="Bytes"/> wait
/// (SO_RCVLOWAT, honoured by Linux for readiness; the end of the stream and errors still wake at once, and a receive
/// still returns what it finds): fewer wake-ups, each reading more.
/// </summary>
internal static class ReceiveLowWater
{
    public const int Bytes = 128 * 1024;

    /// <summary>
    /// Sets the mark when the receive buffer has grown well past it (Linux clamps the window to the mark when it has to
    /// enlarge the buffer for it); returns whether it is done with the socket (set, failed, or not Linux).
    /// </summary>
    public static bool TrySet(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            if (socket.ReceiveBufferSize < 4 * Bytes)
            {
                return false;
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, Bytes);
        }
        catch (SocketException)
        {
        }

        return true;
    }
}
