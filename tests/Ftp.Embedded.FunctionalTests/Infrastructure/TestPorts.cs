using System.Net;
using System.Net.Sockets;

namespace Ftp.Embedded.FunctionalTests.Infrastructure;

/// <summary>Ports for tests that configure a passive port range.</summary>
public static class TestPorts
{
    /// <summary>
    /// <paramref name="count"/> consecutive ports that are free now, below Linux's ephemeral range (32768 and up), so no
    /// outgoing connection of another test can take one of them while the server has given it back.
    /// </summary>
    public static (int From, int To) FreeRange(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var from = Random.Shared.Next(20_000, 30_000);
            var probes = new List<Socket>();
            try
            {
                for (var port = from; port < from + count; port++)
                {
                    var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    probes.Add(probe);
                    probe.Bind(new IPEndPoint(IPAddress.Any, port));
                }

                return (from, from + count - 1);
            }
            catch (SocketException)
            {
            }
            finally
            {
                probes.ForEach(p => p.Dispose());
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free ports.");
    }
}
