using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>
/// Event threads that wait on epoll for the control connections' sockets (Linux). A socket's readiness is handled on its
/// event thread: the waiting receive or send runs there, and a command read that the session marked as inline resumes
/// the session on that thread (see <see cref="IoThread"/>) instead of handing every completion to a pool thread, which is
/// what the runtime's own socket engine does unless a process-wide switch is set.
/// </summary>
internal sealed unsafe class EpollEngine
{
    private const int MaxEvents = 256;
    private const uint ReadEvents = EpollNative.EPOLLIN | EpollNative.EPOLLRDHUP | EpollNative.EPOLLET;
    private static readonly Lazy<EpollEngine[]?> Engines = new(CreateEngines);
    private static readonly Lock SlotsLock = new();
    private static IEpollTarget?[] s_slots = new IEpollTarget?[64];
    private static readonly Stack<int> FreeSlots = new();
    private static int s_nextSlot;
    private static int s_nextEngine;

    private readonly int _epfd;

    private EpollEngine(int epfd) => _epfd = epfd;

    /// <summary>Whether the epoll transport can run here: Linux, and an epoll instance could be made.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Engines.Value is not null;

    /// <summary>The event thread for the next socket (round robin). Only when <see cref="IsSupported"/>.</summary>
    public static EpollEngine Next()
    {
        var engines = Engines.Value!;
        return engines[(int)((uint)Interlocked.Increment(ref s_nextEngine) % (uint)engines.Length)];
    }

    /// <summary>A free slot: the number epoll hands back with a socket's events.</summary>
    public static int Reserve()
    {
        lock (SlotsLock)
        {
            var slot = FreeSlots.Count > 0 ? FreeSlots.Pop() : s_nextSlot++;
            if (slot >= s_slots.Length)
            {
                var grown = new IEpollTarget?[s_slots.Length * 2];
                s_slots.CopyTo(grown, 0);
                Volatile.Write(ref s_slots, grown);
            }

            return slot;
        }
    }

    /// <summary>Adds the socket to this thread's epoll set, edge-triggered for reading and writing; frees the slot on failure.</summary>
    public bool TryAdd(int fd, int slot, IEpollTarget target, bool watchWrites)
    {
        lock (SlotsLock)
        {
            s_slots[slot] = target;
        }

        // Writability is asked for only once a send has waited (WatchWrites): on an edge-triggered registration every
        // ACK that frees send space would otherwise wake the event thread for nothing.
        if (EpollNative.Control(_epfd, EpollNative.EPOLL_CTL_ADD, fd, ReadEvents | (watchWrites ? EpollNative.EPOLLOUT : 0), (ulong)slot) == 0)
        {
            return true;
        }

        Release(slot);
        return false;
    }

    /// <summary>From now on, also reports when the socket can take more bytes (after a send found it full).</summary>
    public void WatchWrites(int fd, int slot)
        => _ = EpollNative.Control(_epfd, EpollNative.EPOLL_CTL_MOD, fd, ReadEvents | EpollNative.EPOLLOUT, (ulong)slot);

    /// <summary>Takes the socket out of the epoll set (while its descriptor is still open) and frees its slot.</summary>
    public void Unregister(int fd, int slot)
    {
        if (fd >= 0)
        {
            _ = EpollNative.Control(_epfd, EpollNative.EPOLL_CTL_DEL, fd, 0, 0);
        }

        Release(slot);
    }

    private static void Release(int slot)
    {
        lock (SlotsLock)
        {
            s_slots[slot] = null;
            FreeSlots.Push(slot);
        }
    }

    private static EpollEngine[]? CreateEngines()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        // One event thread per two cores: the pool threads doing the blocking work need the others. On 2 cores one
        // thread took 13% less CPU per login than two and kept up with the load client (benchmarks/README.md).
        var count = Math.Clamp(Environment.ProcessorCount / 2, 1, 8);
        var engines = new EpollEngine[count];
        for (var i = 0; i < count; i++)
        {
            var epfd = EpollNative.Create();
            if (epfd < 0)
            {
                return null; // No epoll (a sandbox that forbids it): the runtime's sockets serve instead.
            }

            engines[i] = new EpollEngine(epfd);
        }

        for (var i = 0; i < count; i++)
        {
            var engine = engines[i];
            new Thread(engine.Run) { IsBackground = true, Name = $"Ftp.Embedded epoll {i}" }.UnsafeStart();
        }

        return engines;
    }

    private void Run()
    {
        IoThread.MarkCurrent();
        var buffer = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollNative.EventSize));
        while (true)
        {
            var count = EpollNative.Wait(_epfd, buffer, MaxEvents, -1);
            if (count < 0)
            {
                continue; // EINTR
            }

            for (var i = 0; i < count; i++)
            {
                var slot = (int)EpollNative.DataAt(buffer, i);
                var target = Volatile.Read(ref s_slots)[slot];
                target?.OnEvents(EpollNative.EventsAt(buffer, i));
            }
        }
    }
}
