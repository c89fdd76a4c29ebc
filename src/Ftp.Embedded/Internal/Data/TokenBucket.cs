namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// A token bucket of bytes per second on a <see cref="TimeProvider"/>: it refills at <see cref="Rate"/> up to a tenth of
/// a second's worth, and a taker that wants more than it holds goes into debt and is told how long to wait before moving
/// its bytes. Takers queue in the order they reserve, so several transfers sharing one bucket share its rate; a late
/// wake-up is made up by the next reservation (up to the burst), so the long-run rate stays exact.
/// </summary>
internal sealed class TokenBucket
{
    /// <summary>The most a bucket holds, in seconds of its rate: the burst an idle transfer may send at once.</summary>
    private const double BurstSeconds = 0.1;
    private const int MinSlice = 128;
    private const int MaxSlice = 4 * 1024 * 1024;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private double _tokens;
    private long _updatedAt;

    /// <summary>A bucket of <paramref name="bytesPerSecond"/>, full.</summary>
    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        Rate = bytesPerSecond;
        _time = time;
        _capacity = Math.Max(1, bytesPerSecond * BurstSeconds);
        _tokens = _capacity;
        _updatedAt = time.GetTimestamp();
    }

    /// <summary>Bytes per second.</summary>
    public long Rate { get; }

    /// <summary>The bytes one send should move under this bucket: a tenth of a second's worth, between 128 bytes and 4 MiB.</summary>
    public int SliceSize => (int)Math.Clamp(Rate / 10, MinSlice, MaxSlice);

    /// <summary>Takes <paramref name="bytes"/> and returns how long the taker must wait before moving them (zero: now).</summary>
    public TimeSpan Reserve(long bytes)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var elapsed = (now - _updatedAt) / (double)_time.TimestampFrequency;
            _updatedAt = now;
            _tokens = Math.Min(_capacity, _tokens + (elapsed * Rate)) - bytes;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Rate);
        }
    }
}
