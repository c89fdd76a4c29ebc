namespace Ftp.Embedded.Internal.Data;

/// <summary>Hands out passive ports from a configured range, never one port to two sessions at once.</summary>
internal sealed class PassivePortPool : IDisposable
{
    private readonly int _from;
    private readonly int _count;
    private readonly bool[]? _inUse;
    private int _next;

    public PassivePortPool((int From, int To)? range)
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

    public int InUse { get; private set; }

    public int Capacity => _count;

    /// <summary>Takes the next free port after the last one handed out, or returns false when all are taken.</summary>
    public bool TryRent(out int port)
    {
        port = 0;
        if (_inUse is null)
        {
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
                    InUse++;
                    port = _from + index;
                    return true;
                }
            }
        }

        return false;
    }

    public void Return(int port)
    {
        if (_inUse is null || port < _from || port >= _from + _count)
        {
            return;
        }

        lock (_inUse)
        {
            if (_inUse[port - _from])
            {
                _inUse[port - _from] = false;
                InUse--;
            }
        }
    }

    public void Dispose()
    {
    }
}
