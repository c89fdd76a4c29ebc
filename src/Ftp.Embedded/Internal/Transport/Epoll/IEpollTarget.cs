namespace Ftp.Embedded.Internal.Transport.Epoll;

/// <summary>What an event thread delivers a socket's readiness to, and what an <see cref="EpollOperation"/> retries.</summary>
internal interface IEpollTarget
{
    /// <summary>On the event thread: the socket reported <paramref name="events"/>.</summary>
    void OnEvents(uint events);

    /// <summary>
    /// One non-blocking try: a receive or send for a stream, an accept for a listener.
    /// </summary>
    /// <returns>The bytes moved (or the accepted descriptor), or -1 with <paramref name="errno"/> set (-1 when closed).</returns>
    int TryTransfer(bool isRead, Memory<byte> buffer, out int errno);

    /// <summary>Asks for writability events from now on (a send found the socket full).</summary>
    void WatchWrites();
}
