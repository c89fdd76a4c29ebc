using System.Collections.Concurrent;
using System.Net;

namespace Ftp.Embedded.Internal.Security;

/// <summary>Counts failed logins per address within a sliding window and bans addresses over the limit for a while.</summary>
internal sealed class BanList
{
    private readonly FtpBanOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();

    public BanList(FtpBanOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public bool Enabled => _options.Enabled;

    public int Count => _entries.Count;

    /// <summary>Whether <paramref name="address"/> is banned now.</summary>
    public bool IsBanned(IPAddress address)
    {
        if (!_options.Enabled || !_entries.TryGetValue(address, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            return entry.BannedUntil > _time.GetTimestamp();
        }
    }

    /// <summary>Counts a failed login; returns when the ban ends if this failure started one.</summary>
    public DateTimeOffset? RecordFailure(IPAddress address, out int failures)
    {
        failures = 0;
        if (!_options.Enabled)
        {
            return null;
        }

        if (!_entries.TryGetValue(address, out var entry))
        {
            if (_entries.Count >= _options.MaxTrackedAddresses)
            {
                return null;
            }

            entry = _entries.GetOrAdd(address, static _ => new Entry());
        }

        var now = _time.GetTimestamp();
        lock (entry)
        {
            var window = ToTicks(_options.Window);
            while (entry.Failures.Count > 0 && now - entry.Failures.Peek() >= window)
            {
                entry.Failures.Dequeue();
            }

            entry.Failures.Enqueue(now);
            if (entry.Failures.Count > _options.MaxFailures)
            {
                entry.Failures.Dequeue();
            }

            failures = entry.Failures.Count;
            if (failures < _options.MaxFailures || entry.BannedUntil > now)
            {
                return null;
            }

            entry.Failures.Clear();
            entry.BannedUntil = now + ToTicks(_options.Duration);
            return _time.GetUtcNow() + _options.Duration;
        }
    }

    /// <summary>Drops entries whose failures and ban have all expired (run by the heartbeat).</summary>
    public void Prune()
    {
        if (_entries.IsEmpty)
        {
            return;
        }

        var now = _time.GetTimestamp();
        var window = ToTicks(_options.Window);
        foreach (var (address, entry) in _entries)
        {
            lock (entry)
            {
                while (entry.Failures.Count > 0 && now - entry.Failures.Peek() >= window)
                {
                    entry.Failures.Dequeue();
                }

                if (entry.Failures.Count > 0 || entry.BannedUntil > now)
                {
                    continue;
                }
            }

            _entries.TryRemove(new KeyValuePair<IPAddress, Entry>(address, entry));
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class Entry
    {
        public Queue<long> Failures { get; } = new();

        public long BannedUntil { get; set; } = long.MinValue;
    }
}
