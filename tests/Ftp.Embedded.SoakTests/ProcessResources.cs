using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Ftp.Embedded.SoakTests;

/// <summary>
/// A snapshot of what the process holds: file descriptors, threads, its own TCP sockets by state (matched through the
/// socket inodes of <c>/proc/self/fd</c>), listeners on the passive port range, and the managed heap after full
/// collections. Linux only for the <c>/proc</c> figures; elsewhere they read -1.
/// </summary>
internal sealed record ResourceSnapshot(
    int FileDescriptors,
    int Threads,
    int OwnedEstablished,
    int OwnedTcpSockets,
    IReadOnlyDictionary<string, int> OwnedByState,
    int OwnedPassiveListeners,
    int AnyPassiveListeners,
    long ManagedBytes)
{
    private static readonly Dictionary<string, string> States = new(StringComparer.Ordinal)
    {
        ["01"] = "ESTABLISHED", ["02"] = "SYN_SENT", ["03"] = "SYN_RECV", ["04"] = "FIN_WAIT1", ["05"] = "FIN_WAIT2", ["06"] = "TIME_WAIT",
        ["07"] = "CLOSE", ["08"] = "CLOSE_WAIT", ["09"] = "LAST_ACK", ["0A"] = "LISTEN", ["0B"] = "CLOSING",
    };

    public static bool Supported => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    /// <summary>Collects fully (twice, compacting the large object heap), then takes the snapshot.</summary>
    public static ResourceSnapshot Take((int From, int To) passiveRange)
    {
        var managed = CollectAndMeasure();
        var fds = -1;
        var owned = new Dictionary<string, int>(StringComparer.Ordinal);
        int ownedListeners = -1, anyListeners = -1, established = -1, ownedTotal = -1;
        if (Supported)
        {
            var inodes = SocketInodes(out fds);
            ownedListeners = anyListeners = established = ownedTotal = 0;
            foreach (var (localPort, state, inode) in TcpSockets())
            {
                var listenerInRange = state == "0A" && localPort >= passiveRange.From && localPort <= passiveRange.To;
                if (listenerInRange)
                {
                    anyListeners++;
                }

                if (!inodes.Contains(inode))
                {
                    continue;
                }

                ownedTotal++;
                var name = States.GetValueOrDefault(state, state);
                owned[name] = owned.GetValueOrDefault(name) + 1;
                established += state == "01" ? 1 : 0;
                ownedListeners += listenerInRange ? 1 : 0;
            }
        }

        using var process = Process.GetCurrentProcess();
        return new ResourceSnapshot(fds, process.Threads.Count, established, ownedTotal, owned, ownedListeners, anyListeners, managed);
    }

    /// <summary>The thread count alone, for waiting until idle thread-pool threads retire.</summary>
    public static int ThreadCount()
    {
        using var process = Process.GetCurrentProcess();
        return process.Threads.Count;
    }

    public static string Describe(IReadOnlyDictionary<string, int> states)
        => states.Count == 0 ? "none" : string.Join(" ", states.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    private static long CollectAndMeasure()
    {
        for (var i = 0; i < 2; i++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static HashSet<string> SocketInodes(out int descriptors)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        descriptors = 0;
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            descriptors++;
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
            catch (IOException)
            {
                // Closed between the listing and the read.
            }
        }

        return inodes;
    }

    /// <summary>Every TCP socket of the network namespace, IPv4 and IPv6: local port, state (hex) and inode.</summary>
    private static IEnumerable<(int LocalPort, string State, string Inode)> TcpSockets()
    {
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10)
                {
                    continue;
                }

                var local = fields[1];
                var port = int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return (port, fields[3], fields[9]);
            }
        }
    }
}
