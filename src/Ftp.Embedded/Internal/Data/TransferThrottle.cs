namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// The rate limits one transfer moves under: the server's bucket for its direction (all sessions together) and the
/// user's rate, which is the transfer's own. The copy loops move <see cref="SliceSize"/> bytes at a time and call
/// <see cref="WaitAsync"/> before each slice; the wait is a timer on the server's <see cref="TimeProvider"/>, never a spin.
/// </summary>
internal sealed class TransferThrottle
{
    private readonly TokenBucket? _shared;
    private readonly TokenBucket? _own;
    private readonly TimeProvider _time;

    private TransferThrottle(TokenBucket? shared, TokenBucket? own, TimeProvider time)
    {
        _shared = shared;
        _own = own;
        _time = time;
        SliceSize = Math.Min(shared?.SliceSize ?? int.MaxValue, own?.SliceSize ?? int.MaxValue);
    }

    /// <summary>The bytes to move between two waits.</summary>
    public int SliceSize { get; }

    /// <summary>The most bytes per second this transfer may move (the lower of the two limits).</summary>
    public long Rate => Math.Min(_shared?.Rate ?? long.MaxValue, _own?.Rate ?? long.MaxValue);

    /// <summary>
    /// A throttle over <paramref name="shared"/> and a bucket of <paramref name="ownRate"/> bytes per second (0: none);
    /// <see langword="null"/> when neither limits anything, so the copy keeps its unthrottled path (sendfile in large chunks).
    /// </summary>
    public static TransferThrottle? Create(TokenBucket? shared, long ownRate, TimeProvider time)
    {
        var own = ownRate > 0 ? new TokenBucket(ownRate, time) : null;
        return shared is null && own is null ? null : new TransferThrottle(shared, own, time);
    }

    /// <summary>Reserves <paramref name="bytes"/> in every bucket and waits until the slowest of them allows them.</summary>
    public ValueTask WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        var own = _own?.Reserve(bytes) ?? TimeSpan.Zero;
        var shared = _shared?.Reserve(bytes) ?? TimeSpan.Zero;
        var delay = own > shared ? own : shared;
        return delay > TimeSpan.Zero ? new ValueTask(Task.Delay(delay, _time, cancellationToken)) : ValueTask.CompletedTask;
    }
}
