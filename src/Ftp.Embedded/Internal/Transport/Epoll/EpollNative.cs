using System.Runtime.InteropServices;

namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>The few libc calls the epoll transport makes (Linux only).</summary>
internal static unsafe partial class EpollNative
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 1u << 31;

    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const int MSG_PEEK = 0x02;
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    private const int EPOLL_CLOEXEC = 0x80000;

    /// <summary>
    /// The size of <c>struct epoll_event</c> and the offset of its data: packed (12 bytes, data at 4) on x86-64, naturally
    /// aligned (16 bytes, data at 8) elsewhere.
    /// </summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    public static int Create() => epoll_create1(EPOLL_CLOEXEC);

    public static int Control(int epfd, int op, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        return epoll_ctl(epfd, op, fd, ev);
    }

    public static uint EventsAt(byte* buffer, int index) => *(uint*)(buffer + (index * EventSize));

    public static ulong DataAt(byte* buffer, int index) => *(ulong*)(buffer + (index * EventSize) + DataOffset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int Wait(int epfd, byte* events, int maxEvents, int timeout);

    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept(int fd, nint address, nint addressLength, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);
}
