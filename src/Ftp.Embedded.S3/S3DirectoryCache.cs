using System.Collections.Concurrent;

namespace Ftp.Embedded.S3;

/// <summary>
/// The directory prefixes one filesystem has seen a marker of (or written one) within <see cref="Lifetime"/>, so that a
/// write into a known directory costs no request to prove its parent exists. Bounded: past <see cref="Capacity"/>
/// entries it starts again empty. Only positive facts are kept; a directory that another node removed stays "known"
/// here for at most <see cref="Lifetime"/>.
/// </summary>
internal sealed class S3DirectoryCache
{
    public const int Capacity = 4096;
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<string, long> _known = new(StringComparer.Ordinal);

    public bool Contains(string prefix)
        => _known.TryGetValue(prefix, out var until) && Environment.TickCount64 < until;

    public void Add(string prefix)
    {
        if (_known.Count >= Capacity)
        {
            _known.Clear();
        }

        _known[prefix] = Environment.TickCount64 + (long)Lifetime.TotalMilliseconds;
    }

    /// <summary>Forgets <paramref name="prefix"/> and every prefix below it (RMD, a renamed directory).</summary>
    public void RemoveTree(string prefix)
    {
        foreach (var key in _known.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                _known.TryRemove(key, out _);
            }
        }
    }
}
