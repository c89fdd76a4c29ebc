namespace Ftp.Embedded.Internal.Data;

/// <summary>
/// Hands out passive ports from a configured range, never one port to two sessions at once; without a range the
/// operating system picks them and the pool only counts them (for the <c>ftp.server.passive_ports.in_use</c> metric).
/// </summary>
internal sealed class PassivePortPool : IDisposable
{
    private readonly int _from;
    private readonly int _count;
    private readonly bool[]? _inUse;
    private readonly HashSet<PassiveListener> _idle = [];
    private int _next;
    private int _inUseCount;

    public PassivePortPool(FtpPortRange? range)
    {
        if (range is { } r)
        {
            _from = r.From;
            _count = r.To - r.From + 1;
            _inUse = new bool[_count];
        }
    }

    /// <summary>Whether ports come from a range (otherwise the operating system picks them).</summary>
    public bool IsRange => _inUse is not null;

    /// <summary>Ports rented and not yet returned.</summary>
    public int InUse => Volatile.Read(ref _inUseCount);

    public int Capacity => _count;

    /// <summary>
    /// Takes the next free port after the last one handed out, closing an idle session's listener for one when the range
    /// is used up; false when every port is taken by a listener in use.
    /// </summary>
    public bool TryRent(out int port)
    {
        while (!TryRentFree(out port))
        {
            if (!TryReclaimIdle())
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An idle listener kept by its session: its port may be taken back (<see cref="PassiveListener.TryReclaim"/>).</summary>
    public void Park(PassiveListener listener)
    {
        if (_inUse is not null)
        {
            lock (_idle)
            {
                _idle.Add(listener);
            }
        }
    }

    /// <summary>The listener is leased again or closed.</summary>
    public void Unpark(PassiveListener listener)
    {
        if (_inUse is not null)
        {
            lock (_idle)
            {
                _idle.Remove(listener);
            }
        }
    }

    private bool TryReclaimIdle()
    {
        while (true)
        {
            PassiveListener? candidate;
            lock (_idle)
            {
                candidate = _idle.FirstOrDefault();
                if (candidate is null)
                {
                    return false;
                }

                _idle.Remove(candidate);
            }

            // Outside the lock: the listener takes its own lock, then unparks itself.
            if (candidate.TryReclaim())
            {
                return true;
            }
        }
    }

    private bool TryRentFree(out int port)
    {
        port = 0;
        if (_inUse is null)
        {
            Interlocked.Increment(ref _inUseCount);
            return true;
        }

        lock (_inUse)
        {
            for (var i = 0; i < _count; i++)
            {
                var index = (_next + i) % _count;
                if (!_inUse[index])
                {
                    _inUse[index] = true;
                    _next = index + 1;
                    Interlocked.Increment(ref _inUseCount);
                    port = _from + index;
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Gives back a port from <see cref="TryRent"/>; call it once per successful rent.</summary>
    public void Return(int port)
    {
        if (_inUse is null)
        {
            Interlocked.Decrement(ref _inUseCount);
            return;
        }

        if (port < _from || port >= _from + _count)
        {
            return;
        }

        lock (_inUse)
        {
            if (_inUse[port - _from])
            {
                _inUse[port - _from] = false;
                Interlocked.Decrement(ref _inUseCount);
            }
        }
    }

    public void Dispose()
    {
    }
}
