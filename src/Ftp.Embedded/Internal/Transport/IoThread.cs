using System.Runtime.CompilerServices;

namespace Ftp.Embedded.Internal.Transport;

/// <summary>
/// Marks the transport's event threads and leaves them: the session awaits <see cref="LeaveAsync"/> before work that may
/// block (the filesystem, authentication, the application's events and seams), so that such work runs on a pool thread
/// while parsing a command and writing a short reply run where the read completed.
/// </summary>
internal static class IoThread
{
    [ThreadStatic]
    private static bool t_isIoThread;

    /// <summary>Whether the caller runs on one of the transport's event threads.</summary>
    public static bool IsCurrent => t_isIoThread;

    public static void MarkCurrent() => t_isIoThread = true;

    /// <summary>Continues on a pool thread when called on an event thread; completes at once elsewhere.</summary>
    public static LeaveAwaitable LeaveAsync() => default;

    internal readonly struct LeaveAwaitable : ICriticalNotifyCompletion
    {
        public bool IsCompleted => !t_isIoThread;

        public LeaveAwaitable GetAwaiter() => this;

        public void GetResult()
        {
        }

        public void OnCompleted(Action continuation)
            => ThreadPool.QueueUserWorkItem(static c => c(), continuation, preferLocal: false);

        public void UnsafeOnCompleted(Action continuation)
            => ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false);
    }
}
